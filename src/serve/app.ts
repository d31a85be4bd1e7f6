/**
 * The HTTP surface (express 5): the current output at its public URLs with strong ETags,
 * Last-Modified, 304s, HEAD, gzip/brotli, security headers and 410 for closed roles; plus /healthz
 * and /metrics. Only paths listed in the served generation's manifest exist, so no request can reach
 * a file outside the output, whatever its encoding.
 */
import { cacheControlOf } from './cache-control';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import fresh from 'fresh';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ManifestEntry } from '../pipeline/output-store';
import type { Logger } from '../log';
import type { RootFile } from '../publish/notifier';
import { BodyCache, negotiate, type Encoding } from './body-cache';
import { OUTSIDE, openInside } from './inside';
import type { Metrics } from './metrics';
import type { Snapshot } from './snapshot';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'unavailable';
  [key: string]: unknown;
}

export interface AppDeps {
  snapshot(): Snapshot | undefined;
  /**
   * Re-read the output and return the snapshot now current. Called when the served generation has
   * vanished from disk (pruned after builds this server was not told about), so the request can be
   * answered from the current one instead of failing.
   */
  refresh?(): Promise<Snapshot | undefined>;
  log?: Logger;
  health(): Promise<HealthReport>;
  metrics: Metrics;
  /** Files answered at the root on the notifiers' behalf (IndexNow's /<key>.txt). */
  rootFiles?: readonly RootFile[];
  /** Where `/` sends a visitor: the page channel's listing (`/jobs/`); without one, `/` is not found. */
  home?: string;
  /** Mounted at /admin when present (issue: admin only exists with a token). */
  admin?: express.Router;
  /** The counting apply redirect, `/apply/<id>/<channel>[/<lang>]` (src/serve/apply-redirect.ts). */
  applyRedirect?: express.RequestHandler;
  cache?: BodyCache;
  /** Express's `trust proxy` (the config's trustProxy): client address and https behind a proxy. */
  trustProxy?: boolean | number | string | string[];
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const COMPRESSIBLE = /^(text\/|application\/(xml|json|rss\+xml|atom\+xml|feed\+json|ld\+json|javascript)|message\/rfc822)/;
// Feeds of 10k roles are ~70 MB: kept in memory (and precompressed) up to this size, streamed beyond.
const STREAM_OVER = 256 * 1024 * 1024;

const etagOf = (e: ManifestEntry, enc: Encoding) => `"${e.sha256.slice(0, 40)}${enc === 'identity' ? '' : `-${enc}`}"`;

/** On every answer that is not an output file (those carry theirs, a page's CSP included, in their cached headers). */
function securityHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

const ENCODINGS: readonly Encoding[] = ['identity', 'gzip', 'br'];
const lastModified = (e: ManifestEntry) => new Date(e.since).toUTCString();

/**
 * Is the client's copy current (If-None-Match naming any encoding's tag, weakly; else
 * If-Modified-Since)? Only the validators go to `fresh`: its rule that a request's
 * `Cache-Control: no-cache` defeats them is RFC 2616's, and RFC 9110 §13.2.2 has an origin server
 * evaluate them all the same.
 */
function isFresh(headers: http.IncomingHttpHeaders, e: ManifestEntry): boolean {
  const validators = { 'if-none-match': headers['if-none-match'], 'if-modified-since': headers['if-modified-since'] };
  const modified = lastModified(e);
  return ENCODINGS.some((enc) => fresh(validators, { etag: etagOf(e, enc), 'last-modified': modified }));
}

/**
 * RFC 9110 §13.1.1–13.1.4: If-Match (strong comparison) names none of this entity's tags, or, without
 * it, the entity changed after If-Unmodified-Since. The caller answers 412 Precondition Failed.
 */
function preconditionFailed(req: Pick<Request, 'headers'>, e: ManifestEntry): boolean {
  const im = req.headers['if-match'];
  if (im) {
    if (im.trim() === '*') return false;
    const ours = new Set(ENCODINGS.map((enc) => etagOf(e, enc)));
    return !im
      .split(',')
      .map((t) => t.trim())
      .some((t) => !t.startsWith('W/') && ours.has(t));
  }
  const ius = req.headers['if-unmodified-since'];
  if (ius) {
    const since = Date.parse(ius);
    return !Number.isNaN(since) && Math.floor(Date.parse(e.since) / 1000) * 1000 > since;
  }
  return false;
}

/** Decode and vet a request path; undefined when it is malformed or tries to escape. */
function safeRelativePath(rawPath: string): string | undefined {
  if (/%2f|%5c|%00/i.test(rawPath)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.' || (s.startsWith('.') && s.length > 0))) return undefined;
  return segments.join('/');
}

// The asterisk form (RFC 9110 §7.1) names the server itself: only OPTIONS may use it.
function asteriskForm(req: Request, res: Response, next: NextFunction): void {
  if (req.url !== '*') return next();
  res.setHeader('Allow', 'GET, HEAD');
  res.status(req.method === 'OPTIONS' ? 204 : 400).end();
}

/** /healthz and /metrics: the service's own state, never cached. */
function operatorRoutes(app: express.Express, deps: AppDeps): void {
  app.get('/healthz', async (_req, res) => {
    const report = await deps.health();
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'unavailable' ? 503 : 200).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    const text = await deps.metrics.text();
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-store');
    res.type(deps.metrics.contentType).send(text);
  });
}

const plainText = (res: Response, status: number, text: string): void => void res.status(status).type('text/plain; charset=utf-8').send(text);

/** Whatever is not the output itself: a wrong method or path, a notifier's root file, nothing built yet, the home redirect. */
function answeredBefore(req: Request, res: Response, rel: string | undefined, deps: AppDeps): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    plainText(res, 405, 'Method not allowed\n');
    return true;
  }
  securityHeaders(res);
  if (rel === undefined) {
    plainText(res, 400, 'Bad request\n');
    return true;
  }
  const own = deps.rootFiles?.find((f) => f.path === rel);
  if (own) {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(own.contentType).send(own.body);
    return true;
  }
  if (!deps.snapshot()) {
    res.setHeader('Retry-After', '5');
    plainText(res, 503, 'Output not built yet\n');
    return true;
  }
  if (rel !== '' || !deps.home) return false;
  res.redirect(302, deps.home);
  return true;
}

/** The output's files, from the snapshot current when the request came in. */
function outputFiles(deps: AppDeps, cache: BodyCache) {
  return async (req: Request, res: Response): Promise<void> => {
    const rel = safeRelativePath(req.path);
    if (answeredBefore(req, res, rel, deps) || rel === undefined) return;
    const snap = deps.snapshot()!;
    try {
      await serveFrom(req, res, rel, snap, cache, deps.log);
    } catch (err) {
      // The generation this snapshot names was deleted (builds by another process, or a request
      // outliving two swaps): answer from the output as it is now rather than with an error.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !deps.refresh || res.headersSent) throw err;
      const next = await deps.refresh();
      if (!next || next.generation === snap.generation) throw err;
      await serveFrom(req, res, rel, next, cache, deps.log);
    }
  };
}

/**
 * Last resort: a plain 500 that names no file and that nothing caches. Express's default handler
 * would send the stack trace (absolute paths) outside production, with the entity's ETag and
 * Cache-Control already set.
 */
function lastResort(log: Logger | undefined) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const status = (err as { status?: unknown }).status;
    const code = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    if (code === 500) log?.error({ event: 'serve.error', path: req.path, code: (err as NodeJS.ErrnoException).code }, (err as Error).message);
    if (res.headersSent) return void res.destroy();
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-store');
    plainText(res, code, `${http.STATUS_CODES[code] ?? 'Error'}\n`);
  };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(asteriskForm);
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);
  operatorRoutes(app, deps);
  if (deps.admin) app.use('/admin', deps.admin);
  if (deps.applyRedirect) app.get('/apply/:id/:channel{/:lang}', deps.applyRedirect);
  app.use(outputFiles(deps, deps.cache ?? new BodyCache()));
  app.use(lastResort(deps.log));
  return app;
}

/** Answer `rel` from one snapshot: the file, a 301 to the folder form, or 404. */
async function serveFrom(req: Request, res: Response, rel: string, snap: Snapshot, cache: BodyCache, log?: Logger): Promise<void> {
  const file = rel.endsWith('/') ? `${rel}index.html` : rel;
  const entry = snap.files.get(file);
  if (!entry) {
    if (snap.files.has(`${rel}/index.html`)) {
      const q = req.originalUrl.indexOf('?');
      res.redirect(301, `/${rel}/${q >= 0 ? req.originalUrl.slice(q) : ''}`);
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.status(404).type('text/plain; charset=utf-8').send('Not found\n');
    return;
  }
  try {
    await sendEntry(req, res, snap.site, file, entry, cache);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== OUTSIDE || res.headersSent) throw err;
    log?.warn({ event: 'serve.outside_output', path: file }, (err as Error).message);
    res.setHeader('Cache-Control', 'no-store');
    res.status(404).type('text/plain; charset=utf-8').send('Not found\n');
  }
}

const isCompressible = (e: ManifestEntry) => COMPRESSIBLE.test(e.contentType) && e.size >= 512;

/** Security and validator headers of one entity in one encoding (shared by both serving paths). */
function entityHeaders(e: ManifestEntry, encoding: Encoding): [string, string][] {
  const h: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    ['X-Frame-Options', 'DENY'],
  ];
  if (e.contentType.startsWith('text/html')) h.push(['Content-Security-Policy', PAGE_CSP]);
  if (isCompressible(e)) h.push(['Vary', 'Accept-Encoding']);
  h.push(['Content-Type', e.contentType], ['ETag', etagOf(e, encoding)], ['Last-Modified', lastModified(e)], ['Cache-Control', cacheControlOf(e)]);
  return h;
}

/**
 * The hot path, outside express: a GET or HEAD of an output file whose bytes are already in memory
 * (or a revalidation) is answered synchronously with precomputed headers. Anything else — odd paths,
 * 404s, redirects, first reads, the admin — returns false and goes through express.
 */
export function createFastPath(deps: Pick<AppDeps, 'snapshot'>, cache: BodyCache): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const headerCache = new WeakMap<ManifestEntry, Map<string, (string | number)[]>>();
  const flat = (e: ManifestEntry, encoding: Encoding, status: number, length?: number) => {
    let byKey = headerCache.get(e);
    if (!byKey) headerCache.set(e, (byKey = new Map<string, (string | number)[]>()));
    const key = `${encoding}:${status}`;
    let base = byKey.get(key);
    if (!base)
      byKey.set(
        key,
        (base = entityHeaders(e, encoding)
          .flat()
          .concat(status !== 304 && encoding !== 'identity' ? ['Content-Encoding', encoding] : [])),
      );
    return length === undefined ? base : [...base, 'Content-Length', length];
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const p = q >= 0 ? url.slice(0, q) : url;
    // Only plain paths: anything encoded or unusual takes the careful route.
    if (p.length < 2 || !/^\/[A-Za-z0-9_\-/]*(?:\.[A-Za-z0-9]+)?$/.test(p) || p.includes('//') || p.startsWith('/admin')) return false;
    const snap = deps.snapshot();
    if (!snap) return false;
    const rel = p.slice(1);
    const e = snap.files.get(rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!e) return false;
    const encoding: Encoding = isCompressible(e) ? negotiate(req.headers['accept-encoding']) : 'identity';
    // Preconditions other than revalidation take the careful route.
    if (req.headers['if-match'] || req.headers['if-unmodified-since']) return false;
    if (e.status === 200 && isFresh(req.headers, e)) {
      res.writeHead(304, flat(e, encoding, 304));
      res.end();
      return true;
    }
    const body = e.size <= STREAM_OVER ? cache.inMemory(e.sha256, encoding) : undefined;
    if (!body) return false;
    res.writeHead(e.status, flat(e, encoding, e.status, body.length));
    if (req.method === 'HEAD') res.end();
    else res.end(body);
    return true;
  };
}

async function sendEntry(req: Request, res: Response, site: string, rel: string, e: ManifestEntry, cache: BodyCache): Promise<void> {
  const compressible = isCompressible(e);
  const encoding: Encoding = compressible ? negotiate(req.headers['accept-encoding']) : 'identity';
  if (preconditionFailed(req, e)) {
    for (const [name, value] of entityHeaders(e, encoding)) res.setHeader(name, value);
    res.status(412).end();
    return;
  }
  const current = e.status === 200 && isFresh(req.headers, e);
  // Get hold of the bytes before any entity header is set: if the file is gone, the caller can
  // retry from another snapshot with a clean response.
  const big = !current && e.size > STREAM_OVER;
  const handle = big && req.method !== 'HEAD' ? await openInside(site, rel) : undefined;
  const body = current || big ? undefined : await cache.body(site, rel, e.sha256, encoding);
  for (const [name, value] of entityHeaders(e, encoding)) res.setHeader(name, value);
  if (current) {
    res.status(304).end();
    return;
  }
  res.status(e.status);
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  if (!body) {
    // Too big to keep in memory: stream from disk (compressing on the fly if asked).
    if (encoding === 'identity') res.setHeader('Content-Length', String(e.size));
    if (!handle) {
      res.end();
      return;
    }
    const source = handle.createReadStream();
    const done = encoding === 'identity' ? pipeline(source, res) : pipeline(source, encoding === 'gzip' ? zlib.createGzip() : zlib.createBrotliCompress(), res);
    await done.catch(() => res.destroy());
    return;
  }
  res.setHeader('Content-Length', String(body.length));
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}
