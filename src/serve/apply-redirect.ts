/**
 * `/apply/<id>/<channel>[/<lang>]`: the counting hop in front of each channel's apply link
 * (`tracking.redirect`). It answers 302 to the apply URL of the role as the served output has it,
 * with the channel's source parameter (the URL's own query kept byte for byte); a role that is no
 * longer open goes to its page, which answers 410; anything else is 404. It never sends anyone to a
 * URL the path names: the target comes from the served posting only (no open redirect).
 */
import type { Request, RequestHandler } from 'express';
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

/** A role's apply URL as the served generation has it, read once per generation. */
function applyUrls(): (snap: Snapshot, id: string) => Promise<string | undefined> {
  let generation: string | undefined;
  let urls: Promise<Map<string, string>> | undefined;
  return async (snap, id) => {
    if (snap.generation !== generation || !urls) {
      generation = snap.generation;
      urls = readSourceCache(snap.generation).then((cache) => {
        const out = new Map<string, string>();
        for (const c of cache.values()) out.set(c.path.replace(/^.*[\\/]/, '').replace(/\.yaml$/, ''), c.body.posting.apply.url);
        return out;
      });
    }
    return (await urls).get(id);
  };
}

/** The source a click comes from: the channel in the path, unless the page it was made on says more. */
export function sourceOf(req: Pick<Request, 'get'>, channel: string, site: SiteConfig, known: Readonly<Record<string, string>> = {}): string {
  const referrer = req.get('referer');
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

export function applyRedirect(deps: ApplyRedirectDeps): RequestHandler {
  const urlOf = applyUrls();
  return async (req, res, next) => {
    const snap = deps.snapshot();
    const { id, channel } = req.params as { id: string; channel: string };
    if (!snap || !deps.channels.includes(channel)) return next();
    const page = deps.pages.page(id);
    const served = snap.files.get(`${page}index.html`);
    const applyUrl = served ? await urlOf(snap, id) : undefined;
    if (!served || !applyUrl) return next();
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    if (served.status !== 200) return void res.redirect(302, siteUrl(deps.site, page));
    const source = sourceOf(req, channel, deps.site, deps.known);
    const day = formatZoned(deps.clock?.() ?? new Date(), deps.site.schedule.timezone).slice(0, 10);
    if (deps.counter?.count(id, source, day, { method: req.method, headers: req.headers, address: req.ip ?? '' }))
      deps.metrics?.applyClicks.inc({ channel: source });
    res.redirect(302, trackedUrl(applyUrl, channel, deps.site));
  };
}
