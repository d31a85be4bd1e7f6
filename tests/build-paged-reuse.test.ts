/**
 * The build carries a paged feed's unchanged pages over (`Artifact.madeOf`): after one role's edit,
 * the pages not made of it are the previous build's files (the same inode), the page that holds it
 * is written again, and the output is byte for byte a build that reuses nothing.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { googleJobPosting } from '../adapters/google';
import { jsonFeed } from '../adapters/json-feed';
import { rss } from '../adapters/rss';
import { buildProject } from '../src/pipeline/build';
import { FEED_PAGE_MAX } from '../src/xml/feed-pages';
import { dayBefore } from './feeds-paging-support';
import { MINIMAL_POSTING, SHIPPED_CONFIG_TEXT, tempProject, type TempProject } from './helpers/project';
import { tree } from './helpers/tree';

/** The two feeds, and the page channel they link to: the other channels would only make the builds slower. */
const CHANNELS = [googleJobPosting, rss, jsonFeed];
/** The shipped config less what only the other channels know: their sections and LinkedIn's company id. */
const CONFIG = SHIPPED_CONFIG_TEXT.slice(0, SHIPPED_CONFIG_TEXT.indexOf('\nchannels:') + 1).replace(/^ {2}linkedinCompanyId:.*\n/m, '');

const NOW = new Date('2026-11-28T12:00:00Z');
const ROLES = 1200;

const posting = (i: number, max = 90000) =>
  MINIMAL_POSTING.replace('datePosted: 2026-11-01', `datePosted: ${dayBefore(Math.floor(i / 20) + 1)}`).replace('max: 90000', `max: ${max}`);

const inode = (dir: string, p: string) => statSync(path.join(dir, p)).ino;

/** The JSON Feed's pages by its next_url chain: path and roles. */
function jsonPages(outDir: string): { path: string; ids: string[] }[] {
  const pages: { path: string; ids: string[] }[] = [];
  for (let p: string | undefined = 'feeds/jobs.json'; p !== undefined;) {
    const feed = JSON.parse(readFileSync(path.join(outDir, p), 'utf8')) as { next_url?: string; items: { _job: { id: string } }[] };
    pages.push({ path: p, ids: feed.items.map((i) => i._job.id) });
    p = feed.next_url?.replace(/^https?:\/\/[^/]+\//, '');
  }
  return pages;
}

let project: TempProject;
beforeAll(() => {
  project = tempProject(Object.fromEntries(Array.from({ length: ROLES }, (_, i) => [`role-${i}.yaml`, posting(i)])), CONFIG);
});
afterAll(() => project.cleanup());

describe('paged feeds carried over page by page', () => {
  it('keeps the unchanged pages, writes the edited one, and equals a build that reuses nothing', async () => {
    // The build that reuses nothing goes through the same steps beside it (the edit's date is history).
    const reference = path.join(project.dir, 'reference');
    const first = await buildProject(await project.open(CHANNELS), { now: NOW });
    await buildProject({ ...(await project.open(CHANNELS)), outDir: reference }, { now: NOW, reuse: false });
    const pages = jsonPages(project.outDir);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.reduce((n, p) => n + p.ids.length, 0)).toBeGreaterThan(FEED_PAGE_MAX);
    const rssPaths = pages.map((p) => p.path.replace(/\.json$/, '.rss'));
    const all = [...pages.map((p) => p.path), ...rssPaths];
    const before = new Map(all.map((p) => [p, inode(project.outDir, p)]));
    expect(first.manifest.artifacts[pages[1]!.path]).toMatchObject({ part: expect.any(String), key: expect.any(String) });

    // A role in the middle of the second page.
    const edited = pages[1]!.ids[Math.floor(pages[1]!.ids.length / 2)]!;
    project.write(`${edited}.yaml`, posting(Number(edited.slice('role-'.length)), 99000));
    const opened = await project.open(CHANNELS);
    const again = await buildProject(opened, { now: NOW });
    expect(jsonPages(project.outDir).map((p) => p.path)).toEqual(pages.map((p) => p.path));

    const same = (p: string) => inode(project.outDir, p) === before.get(p);
    // The page made of the edited role is new, in both feeds; pages not next to it are carried over.
    expect([pages[1]!.path, rssPaths[1]!].map(same)).toEqual([false, false]);
    expect(pages.slice(2).map((p) => same(p.path))).toEqual(pages.slice(2).map(() => true));
    expect(rssPaths.slice(2).map(same)).toEqual(rssPaths.slice(2).map(() => true));
    // The JSON subscription document shows nothing of the edit; the RSS one carries the feed's new date.
    expect(same(pages[0]!.path)).toBe(true);
    expect(same(rssPaths[0]!)).toBe(false);
    expect(readFileSync(path.join(project.outDir, pages[1]!.path), 'utf8')).toContain('99000');
    // Carried pages are recorded under this build's channel key, so the next unchanged build keeps it all.
    const rssKey = again.manifest.artifacts[rssPaths[0]!]!.key;
    for (const p of rssPaths) expect(again.manifest.artifacts[p]!.key).toBe(rssKey);
    expect((await buildProject(await project.open(CHANNELS), { now: NOW })).generation).toBe(again.generation);

    await buildProject({ ...opened, outDir: reference }, { now: NOW, reuse: false });
    const [made, fresh] = [tree(project.outDir), tree(reference)];
    const differ = [...new Set([...Object.keys(made), ...Object.keys(fresh)])].filter((p) => made[p] !== fresh[p]);
    expect(differ).toEqual([]);
  }, 120_000);
});
