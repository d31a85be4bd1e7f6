/**
 * The feeds as the real build writes them for the shipped role: golden files (byte for byte;
 * `UPDATE_GOLDEN=1` rewrites them, then review the diff by eye against docs/channels.md), the seed
 * role's words in every description, each board's required elements, and only live roles listed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildProject, type BuildResult } from '../src/pipeline/build';
import { descriptionsOf, FEED_CHANNELS, FEED_PATHS, htmlBlocks, jobNodes, kid, listedIds, mustParse, NOW, textOf, type FeedChannel } from './feeds-support';
import { MINIMAL_POSTING, SHIPPED_POSTING_TEXT, seedPieces, tempProject, type TempProject } from './helpers/project';

const GOLDEN = path.join(__dirname, 'golden', 'feeds');
const SEED = 'ml-infrastructure-engineer';

const read = (project: TempProject, channel: FeedChannel) => readFileSync(path.join(project.outDir, FEED_PATHS[channel]), 'utf8');

describe('the shipped role in every feed', () => {
  let project: TempProject;
  let result: BuildResult;
  beforeAll(async () => {
    project = tempProject({ [`${SEED}.yaml`]: SHIPPED_POSTING_TEXT });
    result = await buildProject(await project.open(), { now: NOW });
  });
  afterAll(() => project.cleanup());

  it.each(FEED_CHANNELS)('%s matches its golden file byte for byte', (channel) => {
    const file = path.join(GOLDEN, path.basename(FEED_PATHS[channel]));
    const actual = read(project, channel);
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, actual);
    }
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });

  it('raises no diagnostic of its own for the shipped role', () => {
    expect(result.diagnostics.filter((d) => FEED_CHANNELS.includes(d.channel as FeedChannel))).toEqual([]);
  });

  it.each([
    ['rss', 'application/rss+xml; charset=utf-8'],
    ['json-feed', 'application/feed+json; charset=utf-8'],
    ['linkedin', 'application/xml; charset=utf-8'],
    ['indeed', 'application/xml; charset=utf-8'],
    ['ziprecruiter', 'application/xml; charset=utf-8'],
    ['adzuna', 'application/xml; charset=utf-8'],
  ] as const)('%s is served as %s', (channel, type) => {
    expect(result.manifest.artifacts[FEED_PATHS[channel]]).toMatchObject({ contentType: type, channel, status: 200 });
  });

  it.each(FEED_CHANNELS)("%s carries the seed role's whole text, word for word: opening paragraph, headings, lead-ins, bullets", (channel) => {
    const { opening, bullets, lines } = seedPieces();
    const descriptions = descriptionsOf(channel, read(project, channel), SEED);
    expect(descriptions.length).toBeGreaterThan(0);
    for (const html of descriptions) {
      const blocks = htmlBlocks(html);
      expect(blocks).toContain(opening);
      for (const b of [...lines, ...bullets]) expect(blocks).toContain(b);
    }
  });

  it.each(FEED_CHANNELS)('%s writes the words as typed: no entity for an apostrophe a board would show literally', (channel) => {
    const { bullets } = seedPieces();
    expect(bullets.some((b) => b.includes("'"))).toBe(true);
    for (const html of descriptionsOf(channel, read(project, channel), SEED)) for (const b of bullets) expect(html).toContain(b);
  });

  // Board-feeds.md: the elements each board marks mandatory (or "yes"), present and non-empty.
  const REQUIRED: Record<Exclude<FeedChannel, 'json-feed'>, string[]> = {
    rss: ['title', 'link', 'guid', 'description', 'pubDate'],
    linkedin: ['partnerJobId', 'company', 'companyId', 'title', 'description', 'applyUrl', 'location', 'posterEmail'],
    indeed: ['title', 'date', 'referencenumber', 'requisitionid', 'url', 'company', 'sourcename', 'city', 'country', 'email', 'description'],
    ziprecruiter: ['title', 'date', 'referencenumber', 'company', 'country', 'description', 'url'],
    adzuna: ['id', 'title', 'description', 'url', 'location', 'country'],
  };
  it.each(Object.entries(REQUIRED))('%s has every required element', (channel, names) => {
    const jobs = jobNodes(channel as keyof typeof REQUIRED, mustParse(read(project, channel as FeedChannel)));
    expect(jobs).toHaveLength(1);
    for (const name of names) expect({ name, value: textOf(jobs[0]!, name)?.trim() || undefined }).toEqual({ name, value: expect.any(String) });
  });

  it('indeed marks the remote role with the documented convention', () => {
    const job = jobNodes('indeed', mustParse(read(project, 'indeed')))[0]!;
    expect([textOf(job, 'city'), textOf(job, 'state'), textOf(job, 'postalcode'), textOf(job, 'country'), textOf(job, 'remotetype')]).toEqual([
      'Remote',
      '',
      '',
      'US',
      'Fully remote',
    ]);
    expect(kid(job, 'state')).toBeDefined();
  });

  it('json-feed is JSON Feed 1.1 with the structured _job extension', () => {
    const feed = JSON.parse(read(project, 'json-feed'));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items[0]).toMatchObject({
      id: `http://localhost:3000/jobs/${SEED}/`,
      url: `http://localhost:3000/jobs/${SEED}/`,
      title: 'ML Infrastructure Engineer',
      date_published: '2026-11-28T00:00:00+00:00',
      tags: ['Engineering', 'Software Development'],
      _job: { id: SEED, workplace: 'remote', applicantLocations: ['US'], employmentType: ['FULL_TIME'], experienceMonths: 60 },
    });
  });
});

describe('only live roles are listed', () => {
  let project: TempProject;
  const variant = (title: string, change: (t: string) => string) => change(MINIMAL_POSTING.replace('Backend Engineer', title));
  beforeEach(() => {
    project = tempProject({
      [`${SEED}.yaml`]: SHIPPED_POSTING_TEXT,
      'backend-engineer.yaml': MINIMAL_POSTING,
      'closed-role.yaml': variant('Closed Role', (t) => t.replace('status: open', 'status: closed')),
      'draft-role.yaml': variant('Draft Role', (t) => t.replace('status: open', 'status: draft')),
      'expired-role.yaml': variant('Expired Role', (t) => t.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2026-11-27')),
      'scheduled-role.yaml': variant('Scheduled Role', (t) => t.replace('datePosted: 2026-11-01', 'datePosted: 2026-12-15')),
      'last-day-role.yaml': variant('Last Day Role', (t) => t.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2026-11-28')),
    });
  });
  afterEach(() => project.cleanup());

  it('lists open roles and leaves out closed, expired, draft and scheduled ones in every feed', async () => {
    await buildProject(await project.open(), { now: NOW });
    for (const channel of FEED_CHANNELS) {
      expect({ channel, ids: listedIds(channel, read(project, channel)).sort() }).toEqual({ channel, ids: ['backend-engineer', 'last-day-role', SEED] });
    }
  });

  it('drops a role from every feed on the next build once it is closed or has expired', async () => {
    await buildProject(await project.open(), { now: NOW });
    project.write(`${SEED}.yaml`, SHIPPED_POSTING_TEXT.replace('status: open', 'status: closed'));
    const later = new Date('2026-11-29T06:00:00Z');
    await buildProject(await project.open(), { now: later });
    for (const channel of FEED_CHANNELS) {
      // last-day-role's validThrough (28 Nov, whole day) has passed by the second build.
      expect({ channel, ids: listedIds(channel, read(project, channel)) }).toEqual({ channel, ids: ['backend-engineer'] });
    }
    // The closure is the feed's latest change, so it is the new build date.
    expect(textOf(kid(mustParse(read(project, 'rss')), 'channel')!, 'lastBuildDate')).toBe(later.toUTCString());
    expect(textOf(mustParse(read(project, 'linkedin')), 'lastBuildDate')).toBe(later.toUTCString());
    expect(textOf(mustParse(read(project, 'linkedin')), 'expectedJobCount')).toBe('1');
  });
});
