/**
 * Many open roles for the paged-feed tests, made in memory without files: role i went live
 * floor(i / 20) days before NOW, so the feed's newest-first order is by day, then by id within a day.
 * One posting is validated per day and shared by that day's roles (the feeds tell roles apart by id).
 */
import type { Adapter, PostingEntry } from '../src/adapter';
import { renderContext } from '../src/pipeline/context';
import { siteLinks, type Project } from '../src/project';
import { adapterNamed, bodyText, entryOf, NOW, validPosting } from './feeds-support';

const DAY = 86_400_000;

export const rawPosting = (datePosted: string, title = 'Backend Engineer') => ({
  title,
  status: 'open',
  datePosted,
  employmentType: ['FULL_TIME'],
  workplace: 'onsite',
  locations: [{ locality: 'Berlin', postalCode: '10115', country: 'DE' }],
  summary: 'We build the backend of a job syndication service and need one more engineer who likes correctness.',
  apply: { url: 'https://careers.example.com/jobs/backend-engineer/apply' },
});

/** The day `daysBack` days before NOW, as a posting's datePosted. */
export const dayBefore = (daysBack: number): string => new Date(NOW.getTime() - daysBack * DAY).toISOString().slice(0, 10);

/** `n` open roles `role-0` … `role-<n-1>`, each changed when it went live. */
export function manyRoles(project: Project, n: number): PostingEntry[] {
  const byDay = new Map<number, ReturnType<typeof validPosting>>();
  return Array.from({ length: n }, (_, i) => {
    const day = Math.floor(i / 20);
    if (!byDay.has(day)) byDay.set(day, validPosting(project, rawPosting(dayBefore(day + 1))));
    return entryOf(`role-${i}`, byDay.get(day)!, project.config);
  });
}

/** A channel's shared files for these entries, path → text, as the build would write them. */
export async function feedFiles(project: Project, channel: string | Adapter, entries: readonly PostingEntry[]): Promise<Map<string, string>> {
  const adapter = typeof channel === 'string' ? adapterNamed(channel) : channel;
  const result = adapter.render!(entries, renderContext(adapter, project.config, NOW, siteLinks(project)));
  const files = new Map<string, string>();
  for (const a of result.artifacts) files.set(a.path, await bodyText(a.body));
  return files;
}
