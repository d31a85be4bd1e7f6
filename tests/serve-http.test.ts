/**
 * The HTTP server over real HTTP (issue #5): every public URL (docs/channels.md) for each lifecycle state,
 * validators and 304s, HEAD, gzip/brotli, cache and security headers, traversal attempts, methods,
 * the IndexNow key file, /healthz and /metrics. Requests go through `node:http` (see helpers/http.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildProject } from '../src/pipeline/build';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import { rawRequest, rawStatus, request, type HttpResponse } from './helpers/http';
import { MINIMAL_POSTING, SHIPPED_CONFIG_TEXT, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-12-01T12:00:00Z');
const INDEXNOW_KEY = 'a1b2c3d4e5f6-key-0042';

const OPEN = 'backend-engineer';
const SHIPPED = 'ml-infrastructure-engineer';
const CLOSED = 'closed-role';
const EXPIRED = 'expired-role';
const SCHEDULED = 'scheduled-role';
const DRAFT = 'draft-role';

const POSTINGS: Record<string, string> = {
  [`${SHIPPED}.yaml`]: SHIPPED_POSTING_TEXT,
  [`${OPEN}.yaml`]: MINIMAL_POSTING,
  [`${CLOSED}.yaml`]: MINIMAL_POSTING.replace('status: open', 'status: closed'),
  [`${EXPIRED}.yaml`]: `${MINIMAL_POSTING}validThrough: 2026-11-10\n`,
  [`${SCHEDULED}.yaml`]: MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2027-06-01'),
  [`${DRAFT}.yaml`]: MINIMAL_POSTING.replace('status: open', 'status: draft'),
};

const CONFIG = `${SHIPPED_CONFIG_TEXT}\nnotify:\n  indexnow:\n    key: ${INDEXNOW_KEY}\n`;

/** URL → exact Content-Type, for an open role and the site-wide files. */
const OPEN_URLS: Record<string, string> = {
  '/jobs/': 'text/html; charset=utf-8',
  [`/jobs/${OPEN}/`]: 'text/html; charset=utf-8',
  [`/jobs/${OPEN}/jobposting.json`]: 'application/ld+json; charset=utf-8',
  [`/jobs/${OPEN}/email.txt`]: 'text/plain; charset=utf-8',
  [`/jobs/${OPEN}/email.eml`]: 'message/rfc822; charset=utf-8',
  [`/jobs/${SHIPPED}/`]: 'text/html; charset=utf-8',
  [`/jobs/${SHIPPED}/jobposting.json`]: 'application/ld+json; charset=utf-8',
  [`/jobs/${SHIPPED}/email.txt`]: 'text/plain; charset=utf-8',
  [`/jobs/${SHIPPED}/email.eml`]: 'message/rfc822; charset=utf-8',
  '/feeds/jobs.rss': 'application/rss+xml; charset=utf-8',
  '/feeds/jobs.json': 'application/feed+json; charset=utf-8',
  '/feeds/linkedin.xml': 'application/xml; charset=utf-8',
  '/feeds/indeed.xml': 'application/xml; charset=utf-8',
  '/feeds/ziprecruiter.xml': 'application/xml; charset=utf-8',
  '/feeds/adzuna.xml': 'application/xml; charset=utf-8',
  '/sitemap.xml': 'application/xml; charset=utf-8',
  '/robots.txt': 'text/plain; charset=utf-8',
};

/** The server's strong ETag for these bytes: the first 40 hex digits of their sha256. */
const etagFor = (body: Buffer, suffix = '') => `"${createHash('sha256').update(body).digest('hex').slice(0, 40)}${suffix}"`;

let tp: TempProject;
let service: Service;
const get = (p: string, headers: Record<string, string> = {}) => request(service.url, p, { headers });
const head = (p: string, headers: Record<string, string> = {}) => request(service.url, p, { method: 'HEAD', headers });

beforeAll(async () => {
  tp = tempProject(POSTINGS, CONFIG);
  const project = await tp.open();
  await buildProject(project, { now: NOW });
  service = await startService({ project, port: 0, host: '127.0.0.1', log: silentLogger(), schedule: false, env: {}, notifiers: [], now: () => NOW });
  await service.reload();
});

afterAll(async () => {
  await service?.close();
  tp?.cleanup();
});

describe('public URLs', () => {
  it.each(Object.entries(OPEN_URLS))('GET %s → 200 %s with a strong content ETag and Last-Modified', async (url, type) => {
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body.length).toBeGreaterThan(0);
    expect(res.headers['content-length']).toBe(String(res.body.length));
    expect(res.headers.etag).toBe(etagFor(res.body));
    expect(new Date(res.headers['last-modified']!).toUTCString()).toBe(res.headers['last-modified']);
    // What is served is exactly what the build wrote at its public path.
    const file = url.endsWith('/') ? `${url.slice(1)}index.html` : url.slice(1);
    expect(res.body.equals(readFileSync(path.join(tp.outDir, file)))).toBe(true);
  });

  it('serves the open role page with its JSON-LD, and the listing links to it', async () => {
    const page = (await get(`/jobs/${OPEN}/`)).body.toString('utf8');
    expect(page).toContain('<script type="application/ld+json">');
    expect(page).toContain('Backend Engineer');
    const listing = (await get('/jobs/')).body.toString('utf8');
    expect(listing).toContain(`/jobs/${OPEN}/`);
    expect(listing).not.toContain(`/jobs/${SCHEDULED}/`);
    expect(listing).not.toContain(`/jobs/${DRAFT}/`);
  });

  it.each([CLOSED, EXPIRED])('GET /jobs/%s/ → 410 "no longer accepting applications", noindex, no JSON-LD', async (id) => {
    const res = await get(`/jobs/${id}/`);
    expect(res.status).toBe(410);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body.toString('utf8');
    expect(html).toContain('no longer accepting applications');
    expect(html).toMatch(/<meta name="robots" content="[^"]*noindex/);
    expect(html).not.toContain('application/ld+json');
    expect(res.headers['content-security-policy']).toBeDefined();
    // A 410 is never turned into a 304: a board that revalidates must learn the role is gone.
    expect((await get(`/jobs/${id}/`, { 'If-None-Match': res.headers.etag! })).status).toBe(410);
    expect((await get(`/jobs/${id}/`, { 'If-Modified-Since': res.headers['last-modified']! })).status).toBe(410);
    expect((await head(`/jobs/${id}/`)).status).toBe(410);
  });

  it.each([CLOSED, EXPIRED])('the channel files of gone role %s are not served', async (id) => {
    for (const file of ['jobposting.json', 'email.txt', 'email.eml']) {
      expect([404, 410]).toContain((await get(`/jobs/${id}/${file}`)).status);
    }
  });

  it.each([SCHEDULED, DRAFT, 'no-such-role'])('every URL of %s is 404', async (id) => {
    for (const url of [`/jobs/${id}/`, `/jobs/${id}`, `/jobs/${id}/jobposting.json`, `/jobs/${id}/email.txt`, `/jobs/${id}/email.eml`]) {
      const res = await get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.body.toString()).not.toContain('Backend Engineer');
    }
  });

  it('scheduled, draft and gone roles are absent from every feed and the sitemap', async () => {
    for (const url of [
      '/feeds/jobs.rss',
      '/feeds/jobs.json',
      '/feeds/linkedin.xml',
      '/feeds/indeed.xml',
      '/feeds/ziprecruiter.xml',
      '/feeds/adzuna.xml',
      '/sitemap.xml',
    ]) {
      const body = (await get(url)).body.toString('utf8');
      expect(body).toContain(OPEN);
      for (const id of [SCHEDULED, DRAFT, CLOSED, EXPIRED]) expect({ url, id, present: body.includes(id) }).toEqual({ url, id, present: false });
    }
  });

  it.each([
    [`/jobs/${OPEN}`, `/jobs/${OPEN}/`],
    [`/jobs/${CLOSED}`, `/jobs/${CLOSED}/`],
    ['/jobs', '/jobs/'],
    [`/jobs/${OPEN}?utm_source=x&a=b`, `/jobs/${OPEN}/?utm_source=x&a=b`],
  ])('%s → 301 to %s', async (from, to) => {
    const res = await get(from);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(to);
  });

  it('/ redirects to the listing', async () => {
    const res = await get('/');
    expect([301, 302, 308]).toContain(res.status);
    expect(res.headers.location).toBe('/jobs/');
  });

  it('/healthz is JSON and ok once output exists', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toContain('no-store');
    const json = JSON.parse(res.body.toString('utf8')) as { status: string; output: { builtFor: string; files: number } };
    expect(json.status).toBe('ok');
    expect(json.output.builtFor).toBe(NOW.toISOString());
  });

  it('/metrics is Prometheus text', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; /);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    expect(res.headers['content-type']).toContain('charset=utf-8');
    expect(res.headers['cache-control']).toContain('no-store');
    const text = res.body.toString('utf8');
    for (const line of text.split('\n').filter(Boolean))
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+-]+)$/);
  });

  it('serves the IndexNow key file as exactly the key, text/plain', async () => {
    const res = await get(`/${INDEXNOW_KEY}.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.toString('utf8')).toBe(INDEXNOW_KEY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(`/${INDEXNOW_KEY}x.txt`)).status).toBe(404);
    expect((await get(`/${INDEXNOW_KEY.toUpperCase()}.txt`)).status).toBe(404);
  });
});

describe('conditional requests', () => {
  const URL_ = '/feeds/jobs.rss';
  let first: HttpResponse;
  beforeAll(async () => {
    first = await get(URL_);
  });

  const expect304 = (res: HttpResponse) => {
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers.etag).toBe(first.headers.etag);
    expect(res.headers['last-modified']).toBe(first.headers['last-modified']);
    expect(res.headers['cache-control']).toBe(first.headers['cache-control']);
  };

  it('If-None-Match with the ETag → empty 304', async () => {
    expect304(await get(URL_, { 'If-None-Match': first.headers.etag! }));
  });

  it('If-None-Match with a list containing the ETag, a W/ form, or * → 304', async () => {
    expect304(await get(URL_, { 'If-None-Match': `"0000000000000000000000000000000000000000", ${first.headers.etag!}, "x"` }));
    expect304(await get(URL_, { 'If-None-Match': `"nope",${first.headers.etag!}` }));
    expect304(await get(URL_, { 'If-None-Match': `W/${first.headers.etag!}` }));
    expect304(await get(URL_, { 'If-None-Match': '*' }));
  });

  it('a different ETag → 200 with the body', async () => {
    const res = await get(URL_, { 'If-None-Match': '"0000000000000000000000000000000000000000"' });
    expect(res.status).toBe(200);
    expect(res.body.equals(first.body)).toBe(true);
    // An ETag that merely contains ours is a different one.
    expect((await get(URL_, { 'If-None-Match': `"x${first.headers.etag!.slice(1)}` })).status).toBe(200);
  });

  it('If-Modified-Since at or after Last-Modified → 304; before → 200', async () => {
    const lm = first.headers['last-modified']!;
    expect304(await get(URL_, { 'If-Modified-Since': lm }));
    expect304(await get(URL_, { 'If-Modified-Since': new Date(Date.parse(lm) + 86_400_000).toUTCString() }));
    const older = await get(URL_, { 'If-Modified-Since': new Date(Date.parse(lm) - 1000).toUTCString() });
    expect(older.status).toBe(200);
    expect(older.body.equals(first.body)).toBe(true);
    expect((await get(URL_, { 'If-Modified-Since': 'not a date' })).status).toBe(200);
  });

  it('If-None-Match takes precedence over If-Modified-Since', async () => {
    const res = await get(URL_, { 'If-None-Match': '"other"', 'If-Modified-Since': first.headers['last-modified']! });
    expect(res.status).toBe(200);
    expect(res.body.equals(first.body)).toBe(true);
  });

  it('a request that says Cache-Control: no-cache is still answered 304 (RFC 9110 §13.2.2)', async () => {
    expect304(await get(URL_, { 'If-None-Match': first.headers.etag!, 'Cache-Control': 'no-cache' }));
    expect304(await get(URL_, { 'If-Modified-Since': first.headers['last-modified']!, 'Cache-Control': 'no-cache' }));
  });

  it('304s for HEAD and for compressed variants too', async () => {
    expect304(await head(URL_, { 'If-None-Match': first.headers.etag! }));
    const gz = await get(URL_, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers.etag).toBe(etagFor(first.body, '-gzip'));
    const res = await get(URL_, { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag! });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    expect(res.headers.etag).toBe(gz.headers.etag);
  });

  it.each(Object.keys(OPEN_URLS))('%s answers its own validators with 304', async (url) => {
    const res = await get(url);
    const a = await get(url, { 'If-None-Match': res.headers.etag! });
    expect(a.status).toBe(304);
    expect(a.body.length).toBe(0);
    const b = await get(url, { 'If-Modified-Since': res.headers['last-modified']! });
    expect(b.status).toBe(304);
    expect(b.body.length).toBe(0);
  });
});

describe('HEAD', () => {
  it.each([...Object.keys(OPEN_URLS), `/jobs/${CLOSED}/`])('HEAD %s has the headers of GET and no body', async (url) => {
    for (const enc of [undefined, 'gzip', 'br']) {
      const headers: Record<string, string> = enc ? { 'Accept-Encoding': enc } : {};
      const g = await get(url, headers);
      const h = await head(url, headers);
      expect(h.status).toBe(g.status);
      expect(h.body.length).toBe(0);
      for (const name of ['content-length', 'content-type', 'etag', 'last-modified', 'cache-control', 'content-encoding', 'vary', 'content-security-policy']) {
        expect({ url, enc, name, value: h.headers[name] }).toEqual({ url, enc, name, value: g.headers[name] });
      }
      expect(h.headers['content-length']).toBe(String(g.body.length));
    }
  });

  it('HEAD works for 404s, redirects, /healthz and /metrics', async () => {
    expect((await head('/jobs/nope/')).status).toBe(404);
    expect((await head(`/jobs/${OPEN}`)).status).toBe(301);
    const h = await head('/healthz');
    expect(h.status).toBe(200);
    expect(h.body.length).toBe(0);
    expect((await head('/metrics')).status).toBe(200);
  });
});

describe('compression', () => {
  /** Text bodies big enough to be worth compressing (every feed and page of the test project). */
  const TEXT_URLS = Object.keys(OPEN_URLS).filter((u) => u !== '/robots.txt' && u !== '/sitemap.xml');

  it.each(TEXT_URLS)('%s: gzip and br decode to the identity body', async (url) => {
    const identity = await get(url);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toMatch(/accept-encoding/i);

    const gz = await get(url, { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gz.headers['content-type']).toBe(identity.headers['content-type']);
    expect(gz.headers['content-length']).toBe(String(gz.body.length));
    expect(gz.body.length).toBeLessThan(identity.body.length);
    expect(zlib.gunzipSync(gz.body).equals(identity.body)).toBe(true);
    expect(gz.headers.etag).toBe(etagFor(identity.body, '-gzip'));

    const br = await get(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
    expect(br.headers.etag).toBe(etagFor(identity.body, '-br'));
  });

  it('honours q-values: q=0 refuses an encoding, and the preferred one wins', async () => {
    const url = '/feeds/jobs.rss';
    const identity = await get(url);
    const refused = await get(url, { 'Accept-Encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(identity.body)).toBe(true);
    expect(refused.headers.etag).toBe(identity.headers.etag);
    expect((await get(url, { 'Accept-Encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await get(url, { 'Accept-Encoding': 'gzip; q=0, br; q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await get(url, { 'Accept-Encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    expect((await get(url, { 'Accept-Encoding': '*' })).headers['content-encoding']).toBeDefined();
    expect((await get(url, { 'Accept-Encoding': '*;q=0' })).headers['content-encoding']).toBeUndefined();
    // The client prefers gzip to br here.
    expect((await get(url, { 'Accept-Encoding': 'br;q=0.5, gzip;q=1' })).headers['content-encoding']).toBe('gzip');
    expect((await get(url, { 'Accept-Encoding': 'GZIP' })).headers['content-encoding']).toBe('gzip');
    // A client that ranks identity above gzip gets identity (negotiator; the hand-written parser gave gzip).
    expect((await get(url, { 'Accept-Encoding': 'gzip;q=0.5, identity' })).headers['content-encoding']).toBeUndefined();
    expect((await get(url, { 'Accept-Encoding': 'identity;q=0.1, gzip;q=0.5' })).headers['content-encoding']).toBe('gzip');
  });

  it('the 410 page is compressed too, and still 410', async () => {
    const identity = await get(`/jobs/${CLOSED}/`);
    const gz = await get(`/jobs/${CLOSED}/`, { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(410);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(identity.body)).toBe(true);
  });
});

describe('cache and security headers', () => {
  const maxAge = (cc: string | undefined) => Number(/max-age=(\d+)/.exec(cc ?? '')?.[1]);

  it.each(Object.keys(OPEN_URLS))('%s can be cached briefly and revalidated', async (url) => {
    const res = await get(url);
    const cc = res.headers['cache-control']!;
    expect(cc).toContain('public');
    expect(cc).not.toMatch(/no-store|private|immutable/);
    // Short enough that a change reaches boards soon; with validators to revalidate cheaply.
    expect(maxAge(cc)).toBeGreaterThanOrEqual(0);
    expect(maxAge(cc)).toBeLessThanOrEqual(3600);
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['last-modified']).toBeDefined();
  });

  it('every response carries nosniff and a referrer policy; pages a CSP', async () => {
    const urls = [...Object.keys(OPEN_URLS), `/jobs/${CLOSED}/`, '/jobs/nope/', `/jobs/${OPEN}`, '/healthz', '/metrics', `/${INDEXNOW_KEY}.txt`, '/%2e%2e/x'];
    for (const url of urls) {
      const res = await get(url);
      expect({ url, nosniff: res.headers['x-content-type-options'] }).toEqual({ url, nosniff: 'nosniff' });
      expect({ url, referrer: res.headers['referrer-policy'] }).toEqual({
        url,
        referrer: expect.stringMatching(/^(no-referrer|strict-origin-when-cross-origin|same-origin|strict-origin)$/),
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    for (const url of ['/jobs/', `/jobs/${OPEN}/`, `/jobs/${CLOSED}/`]) {
      const csp = (await get(url)).headers['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      // No script may run on a job page (the JSON-LD block is data, not script).
      expect(csp).not.toMatch(/script-src/);
    }
  });
});

describe('path safety', () => {
  const CANARY = 'CANARY-7f3a-outside-the-output';
  let generationName: string;

  beforeAll(() => {
    // Files that must never be served: next to the output, in the generation (beside site/), and
    // a stray file and a dotfile inside the served site itself that no build listed.
    writeFileSync(path.join(tp.dir, 'secret.txt'), CANARY);
    const site = realpathSync(tp.outDir);
    generationName = path.basename(path.dirname(site));
    writeFileSync(path.join(path.dirname(site), 'secret.txt'), CANARY);
    writeFileSync(path.join(site, 'jobs', '.hidden'), CANARY);
    writeFileSync(path.join(site, 'stray.txt'), CANARY);
    mkdirSync(path.join(site, '.git'));
    writeFileSync(path.join(site, '.git', 'config'), CANARY);
  });

  const attempts = () => [
    '/../etc/passwd',
    '/../../../../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
    '/jobs/%2e%2e%2f%2e%2e%2fpackage.json',
    '/jobs/%2e%2e/%2e%2e/secret.txt',
    '/jobs/..%5c..%5cpackage.json',
    '/jobs/..%5C..%5Csecret.txt',
    '/jobs/..\\..\\secret.txt',
    '/..\\secret.txt',
    '/robots.txt%00.html',
    '/jobs/%00/../../secret.txt',
    '/%00',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/jobs/%252e%252e%252fsecret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/%',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/secret.txt',
    '/stray.txt',
    '/jobs/.hidden',
    '/jobs/%2ehidden',
    '/.git/config',
    '/%2egit/config',
    '/manifest.json',
    '/../manifest.json',
    '/%2e%2e/manifest.json',
    `/.dist.generations/${generationName}/manifest.json`,
    `/../.dist.generations/${generationName}/manifest.json`,
    `/%2e%2e/%2e%2e/.dist.generations/${generationName}/manifest.json`,
    `/jobs/${OPEN}/../../../secret.txt`,
    `/jobs/${OPEN}/./index.html`,
    '//etc/passwd',
    '/etc/passwd',
    '/state.db',
    '/../state.db',
    '/jobcast.config.yaml',
    '/../jobcast.config.yaml',
  ];

  const leaked = (text: string) =>
    [CANARY, 'root:x:0:0', '"artifacts"', '"history"', 'organization:', 'SQLite format', '"name": "jobcast"'].filter((s) => text.includes(s));

  it('refuses traversal, encoded dots, NUL, backslashes, double encoding and dotfiles (raw socket)', async () => {
    for (const target of attempts()) {
      const response = await rawRequest(service.url, `GET ${target} HTTP/1.1`);
      const status = rawStatus(response);
      expect({ target, refused: status === 400 || status === 404, status, leaked: leaked(response) }).toEqual({ target, refused: true, status, leaked: [] });
    }
  });

  it('refuses them via http.request with the raw path, for HEAD too, and with an absolute-form target', async () => {
    for (const target of attempts().filter((t) => !t.includes('\\'))) {
      for (const method of ['GET', 'HEAD']) {
        const res = await request(service.url, target, { method });
        const refused = res.status === 400 || res.status === 404;
        expect({ target, method, refused, status: res.status, leaked: leaked(res.body.toString('latin1')) }).toEqual({
          target,
          method,
          refused: true,
          status: res.status,
          leaked: [],
        });
      }
    }
    for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', `/../.dist.generations/${generationName}/manifest.json`]) {
      const response = await rawRequest(service.url, `GET ${service.url}${target} HTTP/1.1`);
      const status = rawStatus(response);
      expect({ target, refused: status === 400 || status === 404, status, leaked: leaked(response) }).toEqual({ target, refused: true, status, leaked: [] });
    }
  });

  it('does not redirect to another host', async () => {
    for (const target of ['//evil.example/jobs', '//evil.example/jobs/', '/\\evil.example/jobs', '//jobs']) {
      const response = await rawRequest(service.url, `GET ${target} HTTP/1.1`);
      const location = /\r\nlocation: ([^\r]*)/i.exec(response)?.[1] ?? '/';
      // A redirect, if any, stays on this host: a path, not a scheme-relative or absolute URL.
      expect({ target, location, offHost: /^(\/\/|\/\\|[a-z]+:)/i.test(location) }).toEqual({ target, location, offHost: false });
    }
  });
});

describe('methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s to a feed, a page and /healthz → 405 with Allow', async (method) => {
    for (const url of ['/feeds/jobs.rss', `/jobs/${OPEN}/`, '/healthz', '/nope']) {
      const res = await request(service.url, url, { method, headers: { 'Content-Type': 'text/plain' }, body: 'x' });
      expect({ url, status: res.status }).toEqual({ url, status: 405 });
      expect(res.headers.allow).toMatch(/^GET, HEAD$/);
    }
    // Nothing changed: the feed still serves the same bytes.
    expect((await get('/feeds/jobs.rss')).status).toBe(200);
  });
});

describe('a service with no output yet, then a publish', () => {
  let tp2: TempProject;
  let svc: Service;
  beforeAll(async () => {
    tp2 = tempProject({
      [`${OPEN}.yaml`]: MINIMAL_POSTING,
      [`${CLOSED}.yaml`]: POSTINGS[`${CLOSED}.yaml`]!,
      [`${SCHEDULED}.yaml`]: POSTINGS[`${SCHEDULED}.yaml`]!,
    });
    svc = await startService({
      project: await tp2.open(),
      port: 0,
      host: '127.0.0.1',
      log: silentLogger(),
      schedule: false,
      env: {},
      notifiers: [],
      now: () => NOW,
    });
  });
  afterAll(async () => {
    await svc?.close();
    tp2?.cleanup();
  });

  it('answers 503 on /healthz and on content before any output exists', async () => {
    const health = await request(svc.url, '/healthz');
    expect(health.status).toBe(503);
    expect(health.headers['content-type']).toBe('application/json; charset=utf-8');
    const json = JSON.parse(health.body.toString('utf8')) as { status: string; lastSuccessfulPublish: unknown };
    expect(json.status).toBe('unavailable');
    expect(json.lastSuccessfulPublish).toBeNull();
    const page = await request(svc.url, '/jobs/');
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBeDefined();
    expect((await request(svc.url, '/metrics')).status).toBe(200);
  });

  it('after publishNow: /healthz reports the publish, /metrics the run and postings by state', async () => {
    const result = await svc.publishNow('manual');
    expect(result.ok).toBe(true);
    const health = await request(svc.url, '/healthz');
    expect(health.status).toBe(200);
    const json = JSON.parse(health.body.toString('utf8')) as { status: string; lastSuccessfulPublish: string | null; lastRun: { ok: boolean } };
    expect(json.status).toBe('ok');
    expect(json.lastSuccessfulPublish).toEqual(expect.any(String));
    expect(Number.isNaN(Date.parse(json.lastSuccessfulPublish!))).toBe(false);
    expect(json.lastRun.ok).toBe(true);

    const metrics = (await request(svc.url, '/metrics')).body.toString('utf8');
    expect(metrics).toContain('# TYPE jobcast_publish_runs_total counter');
    expect(metrics).toMatch(/^jobcast_publish_runs_total\{reason="manual",result="ok"\} 1$/m);
    expect(metrics).toContain('# TYPE jobcast_postings gauge');
    expect(metrics).toMatch(/^jobcast_postings\{state="open"\} 1$/m);
    expect(metrics).toMatch(/^jobcast_postings\{state="closed"\} 1$/m);
    expect(metrics).toMatch(/^jobcast_publish_duration_seconds_count 1$/m);

    // And the content is served now; a key file is not (no IndexNow key configured here).
    expect((await request(svc.url, `/jobs/${OPEN}/`)).status).toBe(200);
    expect((await request(svc.url, `/jobs/${CLOSED}/`)).status).toBe(410);
    expect((await request(svc.url, `/jobs/${SCHEDULED}/`)).status).toBe(404);
    expect((await request(svc.url, `/${INDEXNOW_KEY}.txt`)).status).toBe(404);
  });
});
