/**
 * `/apply/<id>/<channel>[/<lang>]`: the counting hop in front of each channel's apply link
 * (`tracking.redirect`). It answers 302 to the apply URL of the role as the served output has it,
 * with the channel's source parameter (the URL's own query kept byte for byte); a role that is no
 * longer open goes to its page, which answers 410; anything else is 404. It never sends anyone to a
 * URL the path names: the target comes from the served posting only (no open redirect).
 */
import type http from 'node:http';
import type { RequestHandler } from 'express';
import type { PageUrls } from '../adapter';
import { trackedUrl } from '../compose/tracking';
import { formatZoned } from '../model/dates';
import type { SiteConfig } from '../model/config';
import { readSourceCache } from '../pipeline/source-cache';
import { siteUrl } from '../pipeline/context';
import type { ClickCounter } from './clicks';
import type { Metrics } from './metrics';
import type { Snapshot } from './snapshot';

export interface ApplyRedirectDeps {
  snapshot(): Snapshot | undefined;
  site: SiteConfig;
  /** The channels that can link here (every registered channel's name). */
  channels: readonly string[];
  /** Tracking values our pages may be reached with that name a source of their own (Adapter.clickSources). */
  known?: Readonly<Record<string, string>>;
  pages: PageUrls;
  counter?: ClickCounter;
  metrics?: Metrics;
  clock?: () => Date;
}

type UrlLookup = { get(id: string): string | undefined };

/** Each role's apply URL as one generation has it: its sources read once per generation, in the background. */
class ApplyUrls {
  private generation: string | undefined;
  private urls: UrlLookup | undefined;
  private loading: Promise<UrlLookup> | undefined;

  /** The URLs of `snap`'s generation, once read (undefined while they are being read). */
  now(snap: Snapshot): UrlLookup | undefined {
    if (snap.generation !== this.generation) this.start(snap);
    return this.urls;
  }

  async read(snap: Snapshot): Promise<UrlLookup> {
    if (snap.generation !== this.generation) this.start(snap);
    return this.urls ?? this.loading!;
  }

  private start(snap: Snapshot): void {
    this.generation = snap.generation;
    this.urls = undefined;
    const loading = readSourceCache(snap.generation).then((cache) => {
      // Each posting is parsed the first time its link is followed, not all of them at every swap.
      const bodies = new Map([...cache.values()].map((c) => [c.path.replace(/^.*[\\/]/, '').replace(/\.yaml$/, ''), c.body] as const));
      const known = new Map<string, string>();
      const out = {
        get: (id: string) => {
          let url = known.get(id);
          if (url === undefined && bodies.has(id)) known.set(id, (url = bodies.get(id)!.posting.apply.url));
          return url;
        },
      };
      if (this.loading === loading) this.urls = out;
      return out;
    });
    this.loading = loading;
  }
}

/** The source a click comes from: the channel in the path, unless the page it was made on says more. */
export function sourceOf(referrer: string | undefined, channel: string, site: SiteConfig, known: Readonly<Record<string, string>> = {}): string {
  if (!referrer) return channel;
  let from: URL;
  try {
    from = new URL(referrer);
  } catch {
    return channel;
  }
  // A click on our own page that was reached with a source parameter (a board's link, Google's apply tagging).
  if (from.origin === new URL(site.baseUrl).origin) {
    const value = from.searchParams.get(site.tracking.parameter);
    if (value && known[value]) return known[value];
    const named = Object.entries(site.tracking.values).find(([, v]) => v === value)?.[0];
    return named ?? (value && /^[a-z0-9-]{1,40}$/.test(value) ? value : channel);
  }
  return channel;
}

/** Where a request for `id`'s apply link of `channel` goes, or undefined (not found). */
type Answer = { location: string; counted?: { id: string; channel: string } } | undefined;

/** The answer for one click, from the served output alone: a pure lookup once the generation is read. */
function answer(deps: ApplyRedirectDeps, snap: Snapshot, urls: UrlLookup, id: string, channel: string): Answer {
  if (!deps.channels.includes(channel)) return undefined;
  const page = deps.pages.page(id);
  const served = snap.files.get(`${page}index.html`);
  const applyUrl = served && urls.get(id);
  if (!served || !applyUrl) return undefined;
  if (served.status !== 200) return { location: siteUrl(deps.site, page) };
  return { location: trackedUrl(applyUrl, channel, deps.site), counted: { id, channel } };
}

/** Today in the site's time zone, worked out at most once a second. */
function dayOf(deps: ApplyRedirectDeps): () => string {
  let at = -Infinity;
  let day = '';
  return () => {
    const now = deps.clock?.() ?? new Date();
    if (Math.abs(now.getTime() - at) >= 1000) [at, day] = [now.getTime(), formatZoned(now, deps.site.schedule.timezone).slice(0, 10)];
    return day;
  };
}

const PATH = /^\/apply\/([a-z0-9-]{1,40})\/([a-z0-9-]{1,40})(?:\/([A-Za-z0-9-]{2,35}))?\/?$/;

/** The redirect's two doors: a plain node:http fast path (no express) once the generation is read, and the express route. */
export function applyRedirect(deps: ApplyRedirectDeps): { route: RequestHandler; fast: (req: http.IncomingMessage, res: http.ServerResponse) => boolean } {
  const urls = new ApplyUrls();
  const today = dayOf(deps);
  const count = (a: Answer, method: string, headers: http.IncomingHttpHeaders, address: string, referer: string | undefined) => {
    if (!a?.counted || !deps.counter) return;
    const source = sourceOf(referer, a.counted.channel, deps.site, deps.known);
    if (deps.counter.count(a.counted.id, source, today(), { method, headers, address })) deps.metrics?.applyClicks.inc({ channel: source });
  };
  const send = (res: http.ServerResponse, location: string) => {
    res.writeHead(302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff', 'content-length': 0 });
    res.end();
  };
  const fast = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const m = PATH.exec((req.url ?? '').split('?')[0]!);
    const snap = m && deps.snapshot();
    const known = snap && urls.now(snap);
    if (!m || !snap || !known) return false;
    const a = answer(deps, snap, known, m[1]!, m[2]!);
    if (!a) return false;
    const forwarded = req.headers['x-forwarded-for'];
    count(a, req.method, req.headers, `${String(forwarded ?? '')}|${req.socket.remoteAddress ?? ''}`, req.headers.referer);
    send(res, a.location);
    return true;
  };
  const route: RequestHandler = async (req, res, next) => {
    const snap = deps.snapshot();
    const { id, channel } = req.params as { id: string; channel: string };
    const a = snap && answer(deps, snap, await urls.read(snap), id, channel);
    if (!a) return next();
    count(a, req.method, req.headers, req.ip ?? '', req.get('referer'));
    send(res, a.location);
  };
  return { route, fast };
}
