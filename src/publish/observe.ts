/**
 * What every receiver would know now: the subjects of a build (postings and feeds, plus those the
 * ledger knows that left) and, per subject, the observation of each receiver it is live for.
 * Pure: a build's validation and manifest in, subjects out.
 */
import { createHash } from 'node:crypto';
import type { PostingEntry } from '../adapter';
import type { Manifest, ManifestEntry } from '../pipeline/output-store';
import { renderContext } from '../pipeline/context';
import type { ChannelSelection } from '../pipeline/validate';
import type { KnownSubject } from '../ledger/ledger';
import type { SiteConfig } from '../model/config';
import { stableStringify } from '../util/stable-json';
import type { Notifier, SharedPlanContext } from './notifier';
import { withConfig } from './notifier-config';
import type { Observation, PublicFile, Subject } from './protocol';

const FEED_TYPES = /^application\/(rss|atom|feed)\+(xml|json)/;

/** Public URL path of an output file: `jobs/x/index.html` → `jobs/x/`. */
const publicPath = (p: string): string => p.replace(/(^|\/)index\.html$/, '$1');

/** A page a search engine indexes: an HTML file of one posting that answers 200. */
const isLivePage = (a: ManifestEntry): boolean => Boolean(a.posting) && a.contentType.startsWith('text/html') && a.status === 200;

const FEED_PREFIX = 'feed:';

export interface BuiltOutput {
  entries: readonly PostingEntry[];
  channels: readonly ChannelSelection[];
  manifest: Manifest;
}

/** The build's subjects, plus removed ones the ledger still knows (so their receivers hear of it). */
export function subjectsOf(built: BuiltOutput, known: ReadonlyMap<string, KnownSubject>, url: (p: string) => string): Subject[] {
  const pages = new Map<string, PublicFile[]>();
  const feeds: Subject[] = [];
  for (const [path, a] of Object.entries(built.manifest.artifacts)) {
    const file = { path, url: url(publicPath(path)), sha256: a.sha256 };
    if (isLivePage(a)) pages.set(a.posting!, [...(pages.get(a.posting!) ?? []), file]);
    else if (FEED_TYPES.test(a.contentType) && a.status === 200) {
      feeds.push({ id: `${FEED_PREFIX}${path}`, kind: 'feed', lifecycle: 'feed', hash: a.sha256, since: a.since, pages: [], feed: file, observations: [] });
    }
  }
  const out: Subject[] = built.entries.map((e) => ({
    id: e.id,
    kind: 'posting',
    lifecycle: e.state,
    hash: e.hash,
    since: e.changedAt.toISOString(),
    ...(e.languages ? { languages: stableStringify(e.languages) } : {}),
    entry: e,
    // Read only for a subject whose record changes: reading it parses the posting (posting-body.ts).
    get content() {
      return e.posting;
    },
    pages: pages.get(e.id) ?? [],
    observations: [],
  }));
  out.push(...feeds);
  const present = new Set(out.map((s) => s.id));
  for (const [id, row] of known) if (!present.has(id)) out.push(removed(row));
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const removed = (row: KnownSubject): Subject => ({
  id: row.subject,
  kind: row.kind,
  lifecycle: 'removed',
  hash: row.hash,
  since: row.since,
  pages: [],
  observations: [],
});

/** Fill in each subject's observations: the active notifiers' and the announcing channels'. */
export function observe(
  subjects: Subject[],
  channels: readonly ChannelSelection[],
  active: readonly Notifier[],
  ctx: SharedPlanContext,
  site: SiteConfig,
): void {
  const observers = active.flatMap((n) => (n.observe ? [{ n, ctx: withConfig(n, ctx) }] : []));
  const carriers = channels
    .filter((c) => c.adapter.audience !== undefined)
    .map((c) => ({ c, carried: new Set(c.entries.map((e) => e.id)), ctx: renderContext(c.adapter, site, ctx.now, ctx.links) }));
  for (const s of subjects) {
    const obs: Observation[] = [];
    for (const o of observers) obs.push(...o.n.observe!(s, o.ctx));
    // The validation's audiences where it has them: working one out reads (parses) the posting.
    if (s.entry) for (const { c, carried, ctx } of carriers) if (carried.has(s.id)) obs.push(...(c.audiences?.get(s.id) ?? c.adapter.audience!(s.entry, ctx)));
    s.observations = obs.sort((a, b) => (a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0));
  }
}

/**
 * What a subject's version stands for: its lifecycle, content and every receiver's observation.
 * A different digest is a new version.
 */
export function digestOf(s: Subject): string {
  const view = { lifecycle: s.lifecycle, hash: s.hash, observations: s.observations.map((o) => [o.receiver, o.fingerprint, o.detail ?? null]) };
  return createHash('sha256').update(stableStringify(view)).digest('hex').slice(0, 32);
}
