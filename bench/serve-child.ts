/**
 * A server under load, in its own process so it never shares an event loop with the load generator:
 * either jobcast's own service (`startService`) on a built output, or a bare `node:http` server that
 * holds the same files' bytes in memory and answers with the same ETag / Content-Type (and 304 on a
 * matching If-None-Match). Reports `ready` once its CPU use has settled (start-up work such as
 * precompressing large feeds is done), then serves until the parent says `stop`.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { silentLogger } from '../src/log';
import { startService } from '../src/daemon/service';
import { childArgs, childFailed, openBenchProject, type BenchProject } from './common';

export interface ServeRoute {
  /** URL path requested, e.g. `/jobs/x/`. */
  url: string;
  /** File under the output folder, e.g. `jobs/x/index.html`. */
  file: string;
  contentType: string;
  /** A redirect instead of a file: answered 302 to this URL (the apply redirect's bare counterpart). */
  location?: string;
}

export interface ServeChildArgs extends BenchProject {
  mode: 'jobcast' | 'bare';
  /** Bare mode: what to hold in memory. */
  routes?: ServeRoute[];
}

/** Wait until this process has used < 5% of a core for two 250 ms windows in a row (max 60 s). */
async function settle(): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  let last = process.cpuUsage();
  while (Date.now() - t0 < 60_000 && quiet < 2) {
    await new Promise((r) => setTimeout(r, 250));
    const u = process.cpuUsage(last);
    last = process.cpuUsage();
    quiet = (u.user + u.system) / 1000 < 250 * 0.05 ? quiet + 1 : 0;
  }
  return Date.now() - t0;
}

async function bare(args: ServeChildArgs): Promise<{ url: string; close(): Promise<void> }> {
  const table = new Map<string, { body: Buffer; etag: string; contentType: string }>();
  const redirects = new Map<string, string>();
  for (const r of args.routes ?? []) {
    if (r.location) {
      redirects.set(r.url, r.location);
      continue;
    }
    const body = await fs.readFile(path.join(args.outDir, r.file));
    table.set(r.url, { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`, contentType: r.contentType });
  }
  const lastModified = new Date('2026-12-01T12:00:00Z').toUTCString();
  const server = http.createServer((req, res) => {
    const to = redirects.get((req.url ?? '/').split('?')[0]!);
    if (to) {
      res.writeHead(302, { location: to, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`Found. Redirecting to ${to}`);
      return;
    }
    const hit = table.get((req.url ?? '/').split('?')[0]!);
    if (!hit) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    res.setHeader('ETag', hit.etag);
    res.setHeader('Last-Modified', lastModified);
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate');
    if (req.headers['if-none-match'] === hit.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Type', hit.contentType);
    res.setHeader('Content-Length', hit.body.length);
    res.end(req.method === 'HEAD' ? undefined : hit.body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.listen(0, '127.0.0.1', resolve);
    server.on('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function jobcast(args: ServeChildArgs): Promise<{ url: string; close(): Promise<void> }> {
  const project = await openBenchProject(args);
  const service = await startService({ project, port: 0, host: '127.0.0.1', log: silentLogger(), schedule: false });
  await service.ready;
  return { url: service.url, close: () => service.close() };
}

async function main(): Promise<void> {
  const args = childArgs<ServeChildArgs>();
  process.on('disconnect', () => process.exit(3));
  const server = args.mode === 'bare' ? await bare(args) : await jobcast(args);
  const settledMs = await settle();
  process.on('message', (m: { type?: string }) => {
    if (m?.type !== 'stop') return;
    const quit = setTimeout(() => process.exit(0), 3000);
    void server.close().finally(() => {
      clearTimeout(quit);
      process.exit(0);
    });
  });
  process.send?.({ type: 'ready', url: server.url, settledMs, rssMiB: Math.round(process.memoryUsage().rss / 1048576) });
}

main().catch(childFailed);
