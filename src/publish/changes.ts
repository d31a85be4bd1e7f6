/**
 * What changed since the world was last told: the new output against the ledger's `pages`, and each
 * posting's state against the ledger's `history`. Pure: data in, a ChangeSet out.
 */
import type { PostingEntry } from '../adapter';
import type { Manifest, ManifestEntry } from '../build/output-store';
import type { PageRow } from '../ledger/ledger';
import type { LifecycleState } from '../model/lifecycle';

export type PostingEvent = 'posting.published' | 'posting.updated' | 'posting.closed';

export interface UrlChange {
  url: string;
  path: string;
  posting?: string;
  channel: string;
  /** Content hash before → after ('' when absent); part of idempotency keys. */
  from: string;
  to: string;
}

export interface PostingChange {
  id: string;
  event: PostingEvent;
  state: LifecycleState | 'removed';
  entry?: PostingEntry;
  from: string;
  to: string;
}

export interface ChangeSet {
  /** Job pages new or changed (answer 200): Indexing API URL_UPDATED, IndexNow. */
  pagesUpdated: UrlChange[];
  /** Job pages now 410 or gone: URL_DELETED, IndexNow. */
  pagesGone: UrlChange[];
  /** Feeds whose bytes changed: WebSub. */
  feedsChanged: UrlChange[];
  postings: PostingChange[];
}

const FEED_TYPES = /^(application\/(rss|atom|feed)\+(xml|json))/;

/** Public URL path of an output file: `jobs/x/index.html` → `jobs/x/`. */
export const publicPath = (p: string): string => p.replace(/(^|\/)index\.html$/, '$1');

/** A page a search engine indexes: an HTML file that belongs to one posting. */
const isPostingPage = (a: Pick<ManifestEntry, 'contentType' | 'posting'>): boolean => Boolean(a.posting) && a.contentType.startsWith('text/html');

export function pagesOf(manifest: Manifest): PageRow[] {
  return Object.entries(manifest.artifacts).map(([path, a]) => ({
    path, sha256: a.sha256, status: a.status, posting: a.posting ?? null, channel: a.channel, content_type: a.contentType, since: a.since,
  }));
}

export function diffOutput(manifest: Manifest, before: ReadonlyMap<string, PageRow>, url: (p: string) => string): Omit<ChangeSet, 'postings'> {
  const pagesUpdated: UrlChange[] = [];
  const pagesGone: UrlChange[] = [];
  const feedsChanged: UrlChange[] = [];
  const change = (path: string, channel: string, posting: string | null | undefined, from: string, to: string): UrlChange => ({
    url: url(publicPath(path)), path, channel, from, to, ...(posting ? { posting } : {}),
  });
  for (const [path, a] of Object.entries(manifest.artifacts)) {
    const old = before.get(path);
    const changed = !old || old.sha256 !== a.sha256 || old.status !== a.status;
    if (!changed) continue;
    if (isPostingPage(a)) {
      if (a.status === 200) pagesUpdated.push(change(path, a.channel, a.posting, old?.sha256 ?? '', a.sha256));
      else if (old && old.status === 200) pagesGone.push(change(path, a.channel, a.posting, old.sha256, `gone:${a.status}`));
    } else if (FEED_TYPES.test(a.contentType)) {
      feedsChanged.push(change(path, a.channel, undefined, old?.sha256 ?? '', a.sha256));
    }
  }
  for (const [path, old] of before) {
    if (manifest.artifacts[path]) continue;
    if (isPostingPage({ contentType: old.content_type, posting: old.posting ?? undefined }) && old.status === 200) {
      pagesGone.push(change(path, old.channel, old.posting, old.sha256, 'gone:404'));
    }
  }
  const byUrl = (a: UrlChange, b: UrlChange) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);
  return { pagesUpdated: pagesUpdated.sort(byUrl), pagesGone: pagesGone.sort(byUrl), feedsChanged: feedsChanged.sort(byUrl) };
}

export interface KnownPosting {
  hash: string;
  state?: string | null;
}

/** Posting-level events from state transitions: a role went live, changed while live, or left. */
export function diffPostings(entries: readonly PostingEntry[], before: Readonly<Record<string, KnownPosting>>): PostingChange[] {
  const out: PostingChange[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    seen.add(e.id);
    const old = before[e.id];
    const wasOpen = old?.state === 'open';
    const base = { id: e.id, state: e.state, entry: e, from: old?.hash ?? '', to: e.hash };
    if (e.state === 'open' && !wasOpen) out.push({ ...base, event: 'posting.published' });
    else if (e.state === 'open' && wasOpen && old.hash !== e.hash) out.push({ ...base, event: 'posting.updated' });
    else if ((e.state === 'closed' || e.state === 'expired') && wasOpen) out.push({ ...base, event: 'posting.closed' });
  }
  for (const [id, old] of Object.entries(before)) {
    if (!seen.has(id) && old.state === 'open') out.push({ id, event: 'posting.closed', state: 'removed', from: old.hash, to: 'removed' });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
