/** Where a posting is in its life, relative to a `now` the caller chooses (docs/postings.md, and the states' effects in docs/publication.md). */
import { endInstant, startInstant } from './dates';
import type { Posting } from './posting';

export const LIFECYCLE_STATES = ['draft', 'scheduled', 'open', 'closed', 'expired'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** States whose page still exists and answers 410 Gone. */
export const GONE_STATES: readonly LifecycleState[] = ['closed', 'expired'];

/** When a posting is public, whatever its status says. */
export interface LiveWindow {
  /** First instant the posting is public (start of datePosted in the site time zone). */
  liveFrom: Date;
  /** Last instant it is open (end of a date-only validThrough), when it has one. */
  liveUntil?: Date;
}

export interface Lifecycle extends LiveWindow {
  state: LifecycleState;
}

export function lifecycleOf(posting: Pick<Posting, 'status' | 'datePosted' | 'validThrough'>, now: Date, timeZone: string): Lifecycle {
  const liveFrom = startInstant(posting.datePosted, timeZone);
  const liveUntil = posting.validThrough ? endInstant(posting.validThrough, timeZone) : undefined;
  const base = { liveFrom, ...(liveUntil ? { liveUntil } : {}) };
  if (posting.status === 'draft') return { state: 'draft', ...base };
  if (posting.status === 'closed') return { state: 'closed', ...base };
  if (now.getTime() < liveFrom.getTime()) return { state: 'scheduled', ...base };
  if (liveUntil && now.getTime() > liveUntil.getTime()) return { state: 'expired', ...base };
  return { state: 'open', ...base };
}
