/** For notifiers of search engines: what they know of a posting, its live job pages. */
import { createHash } from 'node:crypto';
import type { Observation, Subject, Transition } from './protocol';
import { toldDetail } from './protocol';

/** Live while the posting has a page answering 200; the fingerprint is those pages' bytes. */
export function pageObservation(receiver: string, s: Subject): Observation[] {
  if (s.kind !== 'posting' || !s.pages.length) return [];
  const fingerprint = createHash('sha256')
    .update(s.pages.map((p) => `${p.path} ${p.sha256}`).join('\n'))
    .digest('hex')
    .slice(0, 32);
  return [{ receiver, fingerprint, detail: s.pages.map((p) => p.url) }];
}

/** URLs to announce as updated (live now) and as deleted (told before, not live now). */
export function pageUrlChanges(t: Transition): { updated: string[]; deleted: string[] } {
  const now = (t.observed?.detail as string[] | undefined) ?? [];
  const before = toldDetail<string[]>(t.told) ?? [];
  return { updated: now, deleted: before.filter((u) => !now.includes(u)) };
}
