/**
 * The server across rebuilds (issue #5): validators survive a rebuild of unchanged sources and change
 * with the content, and a publish swapping the output under load fails no request.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildProject } from '../src/pipeline/build';
import { silentLogger } from '../src/log';
import type { Project } from '../src/project';
import { startService, type Service } from '../src/daemon/service';
import { until } from './helpers/follow-cli';
import { request, type HttpResponse } from './helpers/http';
import { MINIMAL_POSTING, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-12-01T12:00:00Z');
const OPEN = 'backend-engineer';
const SHIPPED = 'ml-infrastructure-engineer';

/** The minimal posting with a version marker in its summary (so every channel's bytes change). */
const posting = (version: number) => MINIMAL_POSTING.replace('likes correctness.', `likes correctness. Revision ${version}.`);

const sha40 = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 40);

/** The identity bytes of a response, whatever its Content-Encoding. */
function decoded(res: HttpResponse): Buffer {
  const enc = res.headers['content-encoding'];
  return enc === 'gzip' ? zlib.gunzipSync(res.body) : enc === 'br' ? zlib.brotliDecompressSync(res.body) : res.body;
}

/** Does the ETag name exactly these bytes (and the encoding they were sent in)? */
function etagMatches(res: HttpResponse): boolean {
  const enc = res.headers['content-encoding'];
  return res.headers.etag === `"${sha40(decoded(res))}${enc ? `-${enc}` : ''}"`;
}

let tp: TempProject;
let project: Project;
let service: Service;

beforeEach(async () => {
  tp = tempProject({ [`${SHIPPED}.yaml`]: SHIPPED_POSTING_TEXT, [`${OPEN}.yaml`]: posting(0) });
  project = await tp.open();
  await buildProject(project, { now: NOW });
  service = await startService({ project, port: 0, host: '127.0.0.1', log: silentLogger(), schedule: false, env: {}, notifiers: [], now: () => NOW });
  await service.reload();
});

afterEach(async () => {
  await service?.close();
  tp?.cleanup();
});

const URLS = [
  '/jobs/',
  `/jobs/${OPEN}/`,
  `/jobs/${OPEN}/jobposting.json`,
  `/jobs/${OPEN}/email.txt`,
  `/jobs/${SHIPPED}/`,
  '/feeds/jobs.rss',
  '/feeds/jobs.json',
  '/feeds/linkedin.xml',
  '/feeds/indeed.xml',
  '/feeds/ziprecruiter.xml',
  '/feeds/adzuna.xml',
  '/sitemap.xml',
];

async function validators(): Promise<Record<string, { etag?: string; lastModified?: string; sha: string }>> {
  const out: Record<string, { etag?: string; lastModified?: string; sha: string }> = {};
  for (const url of URLS) {
    const res = await request(service.url, url);
    expect({ url, status: res.status }).toEqual({ url, status: 200 });
    out[url] = {
      ...(res.headers.etag ? { etag: res.headers.etag } : {}),
      ...(res.headers['last-modified'] ? { lastModified: res.headers['last-modified'] } : {}),
      sha: sha40(res.body),
    };
  }
  return out;
}

describe('validators across rebuilds', () => {
  it('a rebuild of unchanged sources keeps every ETag and Last-Modified, so boards get 304s', async () => {
    const before = await validators();
    await buildProject(project, { now: new Date(NOW.getTime() + 3 * 86_400_000) });
    await service.reload();
    expect(await validators()).toEqual(before);
    for (const url of URLS) {
      expect((await request(service.url, url, { headers: { 'If-None-Match': before[url]!.etag! } })).status).toBe(304);
      expect((await request(service.url, url, { headers: { 'If-Modified-Since': before[url]!.lastModified! } })).status).toBe(304);
    }
  });

  it('a content change changes the ETag and Last-Modified of what changed, and only that', async () => {
    const before = await validators();
    tp.write(`${OPEN}.yaml`, posting(1));
    const later = new Date(NOW.getTime() + 86_400_000);
    await buildProject(project, { now: later });
    await service.reload();
    const after = await validators();
    for (const url of [
      `/jobs/${OPEN}/`,
      `/jobs/${OPEN}/jobposting.json`,
      `/jobs/${OPEN}/email.txt`,
      '/feeds/jobs.rss',
      '/feeds/jobs.json',
      '/feeds/indeed.xml',
    ]) {
      expect({ url, changed: after[url]!.etag !== before[url]!.etag }).toEqual({ url, changed: true });
      expect(after[url]!.lastModified).toBe(later.toUTCString());
      const res = await request(service.url, url, { headers: { 'If-None-Match': before[url]!.etag! } });
      expect(res.status).toBe(200);
      expect(res.body.toString('utf8')).toContain('Revision 1.');
      const stale = await request(service.url, url, { headers: { 'If-Modified-Since': before[url]!.lastModified! } });
      expect(stale.status).toBe(200);
    }
    // The other role's page did not change: same validators, still a 304.
    expect(after[`/jobs/${SHIPPED}/`]).toEqual(before[`/jobs/${SHIPPED}/`]);
    expect((await request(service.url, `/jobs/${SHIPPED}/`, { headers: { 'If-None-Match': before[`/jobs/${SHIPPED}/`]!.etag! } })).status).toBe(304);
  });
});

describe('swapping the output under load', () => {
  it('fails no request while publishes swap the output, and serves both old and new versions', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const targets: { url: string; headers: Record<string, string> }[] = [
      { url: '/feeds/jobs.rss', headers: {} },
      { url: `/jobs/${OPEN}/`, headers: {} },
      { url: '/feeds/jobs.rss', headers: { 'Accept-Encoding': 'gzip' } },
      { url: `/jobs/${OPEN}/`, headers: { 'Accept-Encoding': 'br' } },
      { url: `/jobs/${OPEN}/email.txt`, headers: {} },
      { url: '/feeds/linkedin.xml', headers: { 'Accept-Encoding': 'gzip, br' } },
      { url: `/jobs/${OPEN}/jobposting.json`, headers: {} },
      { url: '/feeds/jobs.json', headers: { 'Accept-Encoding': 'gzip' } },
    ];
    const failures: string[] = [];
    const seen = new Set<number>();
    let requests = 0;
    let stop = false;

    const loop = async (i: number) => {
      for (let n = 0; !stop; n++) {
        const t = targets[(i + n) % targets.length]!;
        try {
          const res = await request(service.url, t.url, { headers: t.headers, agent });
          requests++;
          if (res.status !== 200) failures.push(`${t.url}: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
          else if (!etagMatches(res))
            failures.push(`${t.url}: ETag ${res.headers.etag} does not match its ${res.headers['content-encoding'] ?? 'identity'} body`);
          else {
            const m = /Revision (\d+)\./.exec(decoded(res).toString('utf8'));
            if (!m) failures.push(`${t.url}: no revision marker in the body`);
            else seen.add(Number(m[1]));
          }
        } catch (err) {
          failures.push(`${t.url}: ${(err as Error).message}`);
        }
      }
    };

    const publisher = async () => {
      const started = Date.now();
      let version = 0;
      // At least four swaps, and keep swapping for ~2.5 s so the loops overlap many of them.
      while (version < 4 || Date.now() - started < 2500) {
        version++;
        tp.write(`${OPEN}.yaml`, posting(version));
        if (version % 2) {
          await buildProject(project, { now: NOW });
          await service.reload();
        } else {
          const result = await service.publishNow('test');
          if (!result.ok) failures.push(`publish ${version} failed: ${result.error?.message}`);
        }
        // Let the request loops run against this version before the next swap.
        await new Promise((r) => setTimeout(r, 20));
      }
      return version;
    };

    const loops = Array.from({ length: 8 }, (_, i) => loop(i));
    const versions = await publisher();
    stop = true;
    await Promise.all(loops);
    agent.destroy();

    expect(failures.slice(0, 10)).toEqual([]);
    // Replaced generations are marked retired and stay a grace period for readers; none is lost.
    const gens = readdirSync(path.join(tp.dir, '.dist.generations'));
    const current = path.basename(path.dirname(realpathSync(tp.outDir)));
    for (const g of gens) if (g !== current) expect(existsSync(path.join(tp.dir, '.dist.generations', g, 'retired-at'))).toBe(true);
    expect(requests).toBeGreaterThan(versions);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(seen.has(versions)).toBe(true);
    // After the last swap every URL serves the last version.
    const last = await request(service.url, `/jobs/${OPEN}/`);
    expect(last.body.toString('utf8')).toContain(`Revision ${versions}.`);
  });

  it('keeps serving when builds elsewhere (not followed by a reload) prune the generation it serves', async () => {
    // E.g. `jobcast build` run by hand or by CI while `jobcast serve` runs: two builds and the
    // generation this server's snapshot points at is gone from disk.
    for (let version = 1; version <= 3; version++) {
      tp.write(`${OPEN}.yaml`, posting(version));
      await buildProject(project, { now: new Date(NOW.getTime() + version * 60_000) });
    }
    for (const url of [`/jobs/${OPEN}/email.eml`, `/jobs/${OPEN}/`, '/feeds/jobs.rss', `/jobs/${SHIPPED}/jobposting.json`]) {
      const res = await request(service.url, url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(etagMatches(res)).toBe(true);
      // A generation pruned while the third build ran sends the server to the one current then
      // (revision 2, kept as the previous one); it moves on to revision 3 at its next look.
      if (url.includes(OPEN)) expect(decoded(res).toString('utf8')).toMatch(/Revision [23]\./);
    }
    const third = async () => {
      const res = await request(service.url, `/jobs/${OPEN}/`);
      return res.status === 200 && res.body.toString('utf8').includes('Revision 3.') ? true : undefined;
    };
    await until('the server serving the third build', third, { deadline: Date.now() + 5_000 });
  });

  it('a file missing from the current output is a plain 500 that names no path and is not cached', async () => {
    rmSync(path.join(realpathSync(tp.outDir), 'jobs', OPEN, 'email.eml'));
    const res = await request(service.url, `/jobs/${OPEN}/email.eml`);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['last-modified']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const body = res.body.toString('utf8');
    expect(body).not.toContain(tp.dir);
    expect(body).not.toMatch(/ENOENT|at \S+ \(|\.ts:/);
    // The rest of the output is unaffected.
    expect((await request(service.url, `/jobs/${OPEN}/`)).status).toBe(200);
  });
});
