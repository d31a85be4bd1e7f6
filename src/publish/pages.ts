/** For notifiers of search engines: what they know of a posting, its live job pages. */
import { createHash } from 'node:crypto';
import type { Observation, Subject, Transition } from './protocol';
import { toldDetail } from './protocol';

/**
 * A told page: its URL, and with several pages (one per language) its bytes' hash too, so a change
 * to one language's page is told for that page only. A one-page posting's detail is its URL alone,
 * as it has always been stored.
 */
type ToldPage = string | { url: string; sha256: string };

const pageOf = (p: ToldPage): { url: string; sha256?: string } => (typeof p === 'string' ? { url: p } : p);

/** Live while the posting has a page answering 200; the fingerprint is those pages' bytes. */
export function pageObservation(receiver: string, s: Subject): Observation[] {
  if (s.kind !== 'posting' || !s.pages.length) return [];
  const fingerprint = createHash('sha256')
    .update(s.pages.map((p) => `${p.path} ${p.sha256}`).join('\n'))
    .digest('hex')
    .slice(0, 32);
  const detail: ToldPage[] = s.pages.length === 1 ? [s.pages[0]!.url] : s.pages.map((p) => ({ url: p.url, sha256: p.sha256 }));
  return [{ receiver, fingerprint, detail }];
}

/**
 * URLs to announce as updated (live now, and new or changed since told) and as deleted (told
 * before, not live now). A page told without its hash counts as changed.
 */
export function pageUrlChanges(t: Transition): { updated: string[]; deleted: string[] } {
  const now = ((t.observed?.detail as ToldPage[] | undefined) ?? []).map(pageOf);
  const before = (toldDetail<ToldPage[]>(t.told) ?? []).map(pageOf);
  const told = new Map(before.map((p) => [p.url, p.sha256]));
  const unchanged = (p: { url: string; sha256?: string }) => p.sha256 !== undefined && told.get(p.url) === p.sha256;
  const live = new Set(now.map((p) => p.url));
  return { updated: now.filter((p) => !unchanged(p)).map((p) => p.url), deleted: before.filter((p) => !live.has(p.url)).map((p) => p.url) };
}
