/**
 * Content-defined pages keep a change local (property): after closing a role, adding one or changing
 * one's content, only the page that holds the change and its immediate neighbours (their links) have
 * other bytes — and the subscription document, which carries the whole feed's build date. The one
 * exception is RFC 5005's `last` link, which every page carries: when the last page's URL moves, the
 * other pages differ in that link and nowhere else. The roles are chosen so every cut is at a boundary
 * id (the precondition test); a run of more than FEED_PAGE_MAX roles without one is cut by count, and
 * then an insert shifts the count cuts after it.
 */
import fc from 'fast-check';
import type { PostingEntry } from '../src/adapter';
import type { Project } from '../src/project';
import { endsPage } from '../src/xml/feed-pages';
import { entryOf, NOW, shippedProject, validPosting } from './feeds-support';
import { dayBefore, feedFiles, manyRoles, rawPosting } from './feeds-paging-support';

const BASE = 'http://localhost:3000/';
const ROLES = 2500;

type Change = { kind: 'close' | 'edit'; at: number } | { kind: 'add'; id: string; daysBack: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constantFrom('close' as const, 'edit' as const), at: fc.nat(ROLES - 1) }),
  fc.record({ kind: fc.constant('add' as const), id: fc.stringMatching(/^new-[a-z0-9]{1,8}$/), daysBack: fc.integer({ min: 0, max: ROLES / 20 + 5 }) }),
);

let project: Project;
let base: PostingEntry[];
let before: Record<'rss' | 'json-feed', Map<string, string>>;
beforeAll(async () => {
  project = await shippedProject();
  base = manyRoles(project, ROLES);
  before = { rss: await feedFiles(project, 'rss', base), 'json-feed': await feedFiles(project, 'json-feed', base) };
});

/** The entries after the change, and the id it concerns. */
function changed(c: Change): { entries: PostingEntry[]; id: string } {
  if (c.kind === 'add') return { entries: [...base, entryOf(c.id, validPosting(project, rawPosting(dayBefore(c.daysBack))), project.config)], id: c.id };
  const e = base[c.at]!;
  const closedAt = new Date(NOW.getTime() - 60_000);
  const posting = c.kind === 'close' ? { ...e.posting, status: 'closed' as const } : { ...e.posting, title: 'Backend Engineer II' };
  return { entries: base.map((x) => (x === e ? entryOf(e.id, posting, project.config, NOW, closedAt) : x)), id: e.id };
}

/** Each page's path (subscription first) and roles, by the JSON Feed's next_url chain. */
function pagesOf(json: Map<string, string>): { path: string; ids: string[] }[] {
  const pages: { path: string; ids: string[] }[] = [];
  for (let p: string | undefined = 'feeds/jobs.json'; p !== undefined;) {
    const feed = JSON.parse(json.get(p)!) as { next_url?: string; items: { _job: { id: string } }[] };
    pages.push({ path: p, ids: feed.items.map((i) => i._job.id) });
    p = feed.next_url?.slice(BASE.length);
  }
  return pages;
}

/** Pages (JSON paths) that hold `id` or the roles listed next to it, and their neighbours. */
function near(pages: { path: string; ids: string[] }[], id: string): Set<string> {
  const order = pages.flatMap((p, i) => p.ids.map((x) => ({ x, i })));
  const at = order.findIndex((o) => o.x === id);
  const touched = at < 0 ? [] : [order[at - 1], order[at], order[at + 1]].filter((o) => o !== undefined).map((o) => o.i);
  return new Set(touched.flatMap((i) => [i - 1, i, i + 1]).flatMap((i) => (pages[i] ? [pages[i].path] : [])));
}

const asRss = (p: string) => p.replace(/\.json$/, '.rss');

describe('a change moves only its own page and its neighbours (property)', () => {
  it('precondition: every cut of the roles is at a boundary id', () => {
    const pages = pagesOf(before['json-feed']);
    expect(pages.length).toBeGreaterThan(3);
    for (const p of pages.slice(0, -1)) expect(endsPage(p.ids.at(-1)!)).toBe(true);
  });

  it('holds for closes, new roles and edits, in RSS and JSON Feed alike', async () => {
    await fc.assert(
      fc.asyncProperty(change, async (c) => {
        const { entries, id } = changed(c);
        const after = { rss: await feedFiles(project, 'rss', entries), 'json-feed': await feedFiles(project, 'json-feed', entries) };
        const [old, now] = [pagesOf(before['json-feed']), pagesOf(after['json-feed'])];
        const allowed = new Set(['feeds/jobs.json', ...near(old, id), ...near(now, id)]);
        const lastLink = (p: string) => `rel="last" href="${BASE}${asRss(p)}"`;
        const [oldLast, newLast] = [lastLink(old.at(-1)!.path), lastLink(now.at(-1)!.path)];
        let moved = 0;
        for (const channel of ['rss', 'json-feed'] as const) {
          for (const p of new Set([...before[channel].keys(), ...after[channel].keys()])) {
            const [was, is] = [before[channel].get(p), after[channel].get(p)];
            if (was !== is) moved++;
            if (allowed.has(p.replace(/\.rss$/, '.json'))) continue;
            // Outside the neighbourhood: the same page, at most with its `last` link following the last page.
            expect({ p, was: was?.split(oldLast).join(newLast) }).toEqual({ p, was: is });
          }
        }
        expect(moved).toBeGreaterThan(0);
      }),
      { numRuns: 12 },
    );
  }, 60_000);
});
