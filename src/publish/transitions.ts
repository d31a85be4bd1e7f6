/**
 * The transition table of docs/publication.md, as data: what a receiver is told, given what it was
 * told before and what it would know now. Nothing else in the code decides whether to tell.
 */
import type { ToldRow } from '../ledger/ledger';
import type { Observation, TellEvent } from './protocol';

export type ToldState = 'nothing' | 'live' | 'gone';
export type Observed = 'live' | 'live, fingerprint changed' | 'gone';

/** Told state → observation → event (null: nothing to tell). */
export const TRANSITIONS: Readonly<Record<ToldState, Readonly<Partial<Record<Observed, TellEvent | null>>>>> = {
  nothing: { live: 'publish', gone: null },
  live: { live: null, 'live, fingerprint changed': 'update', gone: 'close' },
  gone: { live: 'publish', gone: null },
};

function toldState(told: ToldRow | undefined): ToldState {
  return told ? told.state : 'nothing';
}

function observedState(told: ToldRow | undefined, observed: Observation | undefined): Observed {
  if (!observed) return 'gone';
  return told?.state === 'live' && told.fingerprint !== observed.fingerprint ? 'live, fingerprint changed' : 'live';
}

/** The event one receiver is due, if any. */
export function eventFor(told: ToldRow | undefined, observed: Observation | undefined): TellEvent | null {
  return TRANSITIONS[toldState(told)][observedState(told, observed)] ?? null;
}
