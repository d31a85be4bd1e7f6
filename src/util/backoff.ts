/**
 * The one exponential backoff: attempt n (from 0) waits up to baseMs · 2^n, at most capMs. Full jitter
 * by default (a random wait in [0, ceiling]), which spreads clients that failed together best; `fixed`
 * is the share of the ceiling that is always waited (1: no jitter at all).
 */
export interface Backoff {
  baseMs: number;
  capMs?: number;
  /** 0 (default) to 1: the part of the ceiling that is not random. */
  fixed?: number;
}

export function backoffMs(attempt: number, b: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(b.capMs ?? Infinity, b.baseMs * 2 ** Math.max(0, attempt));
  const fixed = ceiling * (b.fixed ?? 0);
  return fixed + random() * (ceiling - fixed);
}
