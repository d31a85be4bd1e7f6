/**
 * Issue #18: the counting apply redirect. The shipped role built with every channel; each channel's
 * apply link read back with its parser and followed against the server on 127.0.0.1: a 302 to the
 * role's apply URL with that channel's source parameter. Bots, HEAD, prefetches and bursts are not
 * counted; a closed role goes to its 410 page; and (fast-check) no path ever lands anywhere but the
 * role's own apply URL or its page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { adapters } from '../adapters';
import { jobPages } from '../adapters/google/urls';
import { trackedUrl } from '../src/compose/tracking';
import { Ledger } from '../src/ledger/ledger';
import { buildProject } from '../src/pipeline/build';
import type { Project } from '../src/project';
import { createApp } from '../src/serve/app';
import { applyRedirect } from '../src/serve/apply-redirect';
import { ClickCounter, notAClick } from '../src/serve/clicks';
import { Metrics } from '../src/serve/metrics';
import { loadSnapshot, type Snapshot } from '../src/serve/snapshot';
import { kid, kids, mustParse, textOf } from './feeds-support';
import { attr, elements, parseHtml } from './google-support';
import { SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';
import { runCli } from './helpers/cli';

const ID = 'ml-infrastructure-engineer';
const APPLY = 'https://careers.example.com/jobs/ml-infrastructure-engineer/apply';
const NOW = new Date('2026-11-28T12:00:00Z');
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

let tp: TempProject;
let project: Project;
let snap: Snapshot;
let server: http.Server;
let base: string;
let counted: { posting: string; channel: string; day: string; count: number }[];
let counter: ClickCounter;
let clock = 0;

async function serveOutput(): Promise<void> {
  snap = (await loadSnapshot(project.outDir))!;
  counted = [];
  counter = new ClickCounter(
    async (rows) => void counted.push(...rows),
    () => clock,
  );
  const redirect = applyRedirect({
    snapshot: () => snap,
    site: project.config,
    channels: adapters.map((a) => a.name),
    known: Object.assign({}, ...adapters.map((a) => a.clickSources ?? {})) as Record<string, string>,
    pages: jobPages,
    counter,
    metrics: new Metrics(),
    clock: () => NOW,
  });
  const app = createApp({ snapshot: () => snap, health: async () => ({ status: 'ok' }), metrics: new Metrics(), applyRedirect: redirect.route });
  // As `serve` has it: the plain node:http door first (once the generation is read), then express.
  server = http.createServer((req, res) => {
    if (!redirect.fast(req, res)) void app(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  tp = tempProject({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
  project = await tp.open();
  await buildProject(project, { now: NOW });
  await serveOutput();
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  tp.cleanup();
});

const read = (p: string) => readFileSync(path.join(project.outDir, p), 'utf8');
/** A link of the built output, on the test server instead of the configured host. */
const local = (link: string) => `${base}${new URL(link).pathname}${new URL(link).search}`;
const follow = (link: string, init: RequestInit = {}) =>
  fetch(local(link), { redirect: 'manual', ...init, headers: { 'user-agent': BROWSER, ...(init.headers as Record<string, string>) } });

/** Every channel's apply link for the shipped role, read with that channel's parser. */
function applyLinks(): Record<string, string> {
  const page = parseHtml(read(`jobs/${ID}/index.html`));
  const rss = kid(kid(mustParse(read('feeds/jobs.rss')), 'channel')!, 'item')!;
  const feed = JSON.parse(read('feeds/jobs.json')) as { items: { external_url: string; _job: { applyUrl: string } }[] };
  const linkedin = kids(mustParse(read('feeds/linkedin.xml')), 'job')[0]!;
  const email = /Apply online:\n(\S+)/.exec(read(`jobs/${ID}/email.txt`))![1]!;
  return {
    google: attr(
      elements(page, 'a').find((a) => attr(a, 'class') === 'apply')!,
      'href',
    )!,
    rss: textOf(rss, 'job:applyUrl')!,
    'json-feed': feed.items[0]!.external_url,
    linkedin: textOf(linkedin, 'applyUrl')!,
    email,
  };
}

describe('every channel links through the redirect', () => {
  test.each(['google', 'rss', 'json-feed', 'linkedin', 'email'])("%s's apply link lands on the apply URL with its source parameter", async (channel) => {
    const link = applyLinks()[channel]!;
    expect(new URL(link).pathname).toBe(`/apply/${ID}/${channel}`);
    const res = await follow(link);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(trackedUrl(APPLY, channel, project.config));
    expect(res.headers.get('location')).toBe(`${APPLY}?utm_source=${channel}`);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  test('the apply URL’s own query is kept byte for byte', () => {
    expect(trackedUrl('https://x.example/apply?a=%2F&b=1+2#top', 'rss', project.config)).toBe('https://x.example/apply?a=%2F&b=1+2&utm_source=rss#top');
  });
});

describe('counting', () => {
  beforeEach(async () => {
    clock += 60_000;
    await counter.flush();
    counted = [];
  });

  test('a person counts once per burst; bots, HEAD and prefetches not at all', async () => {
    const link = `${base}/apply/${ID}/rss`;
    await follow(link);
    await follow(link);
    await follow(link, { method: 'HEAD' });
    await follow(link, { headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' } });
    await follow(link, { headers: { 'sec-purpose': 'prefetch' } });
    await follow(link, { headers: { purpose: 'prefetch' } });
    await follow(link, { headers: { 'user-agent': 'curl/8.5.0' } });
    await counter.flush();
    expect(counted).toEqual([{ posting: ID, channel: 'rss', day: '2026-11-28', count: 1 }]);
    clock += 31_000;
    await follow(link);
    await counter.flush();
    expect(counted.reduce((n, r) => n + r.count, 0)).toBe(2);
  });

  test('a click on our page reached from a board or from Google Jobs counts for them', async () => {
    const page = `${project.config.baseUrl.replace(/\/$/, '')}/jobs/${ID}/`;
    await follow(`${base}/apply/${ID}/google`, { headers: { referer: `${page}?utm_source=indeed` } });
    await follow(`${base}/apply/${ID}/google`, {
      headers: { referer: `${page}?utm_campaign=google_jobs_apply&utm_source=google_jobs_apply`, 'user-agent': `${BROWSER} 2` },
    });
    await counter.flush();
    expect(counted.map((r) => r.channel).sort()).toEqual(['google-jobs', 'indeed']);
  });

  test('the rules on their own', () => {
    const r = (method: string, headers: Record<string, string>) => notAClick({ method, headers, address: '127.0.0.1' });
    expect(r('GET', { 'user-agent': BROWSER })).toBeUndefined();
    expect(r('HEAD', { 'user-agent': BROWSER })).toBe('not a GET');
    expect(r('GET', {})).toBe('a bot');
    expect(r('GET', { 'user-agent': 'facebookexternalhit/1.1' })).toBe('a bot');
    expect(r('GET', { 'user-agent': BROWSER, 'x-moz': 'prefetch' })).toBe('a prefetch');
  });
});

test('an unknown role, channel or shape of path is 404 (an unsafe one 400), never a redirect', async () => {
  for (const [p, status] of [
    [`/apply/nope/rss`, 404],
    [`/apply/${ID}/nope`, 404],
    [`/apply/${ID}`, 404],
    [`/apply/${ID}/rss/de/x`, 404],
    [`/apply/..%2F${ID}/rss`, 400],
  ] as const) {
    const res = await fetch(`${base}${p}`, { redirect: 'manual' });
    expect([p, res.status, res.headers.get('location')]).toEqual([p, status, null]);
  }
});

test('whatever the path, the redirect lands only on the role’s apply URL or its page (no open redirect)', async () => {
  const allowed = new Set([...adapters.map((a) => trackedUrl(APPLY, a.name, project.config)), `${project.config.baseUrl.replace(/\/$/, '')}/jobs/${ID}/`]);
  const segment = fc.oneof(fc.constantFrom(ID, 'rss', 'google', 'linkedin', 'de', '..', '%2F%2Fevil.example', 'https:', '@evil.example'), fc.webSegment());
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 4 }), fc.webQueryParameters(), async (segments, query) => {
      const res = await fetch(`${base}/apply/${segments.join('/')}${query ? `?${query}` : ''}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      const location = res.headers.get('location');
      if (res.status === 302) expect(allowed.has(location!)).toBe(true);
      else expect(location).toBeNull();
    }),
    { numRuns: 150 },
  );
});

test('a closed role’s redirect goes to its page, which answers 410', async () => {
  tp.write(`${ID}.yaml`, SHIPPED_POSTING_TEXT.replace('status: open', 'status: closed'));
  await buildProject(project, { now: NOW });
  await new Promise((r) => server.close(r));
  await serveOutput();
  const res = await follow(`${base}/apply/${ID}/rss`);
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe(`${project.config.baseUrl.replace(/\/$/, '')}/jobs/${ID}/`);
  expect((await fetch(`${base}/jobs/${ID}/`)).status).toBe(410);
});

test('counts from several instances add up in the ledger, and jobcast stats prints them', async () => {
  const ledger = await Ledger.open(project.statePath);
  try {
    const a = new ClickCounter((rows) => ledger.addClicks(rows));
    const b = new ClickCounter((rows) => ledger.addClicks(rows));
    const req = (n: number) => ({ method: 'GET', headers: { 'user-agent': `${BROWSER} ${n}` }, address: `10.0.0.${n}` });
    for (let n = 0; n < 3; n++) a.count(ID, 'rss', '2026-11-28', req(n));
    for (let n = 0; n < 2; n++) b.count(ID, 'rss', '2026-11-28', req(n));
    b.count(ID, 'linkedin', '2026-11-29', req(9));
    await Promise.all([a.flush(), b.flush()]);
  } finally {
    await ledger.close();
  }
  const csv = await runCli(['stats', '--format', 'csv', '--config', tp.configFile, '--state', project.statePath]);
  expect(csv.stdout.split('\r\n')).toEqual(['posting,channel,day,clicks', `${ID},rss,2026-11-28,5`, `${ID},linkedin,2026-11-29,1`, '']);
  const json = JSON.parse(
    (await runCli(['stats', '--format', 'json', '--since', '2026-11-29', '--config', tp.configFile, '--state', project.statePath])).stdout,
  ) as { clicks: unknown[] };
  expect(json.clicks).toEqual([{ posting: ID, channel: 'linkedin', day: '2026-11-29', count: 1 }]);
  const table = await runCli(['stats', '--config', tp.configFile, '--state', project.statePath]);
  expect(table.stdout.split('\n').slice(2, 4)).toEqual([`${ID}  rss            5`, `${ID}  linkedin       1`]);
});
