/** The one backoff (src/util/backoff.ts) and the three places that use it. */
import { LoginThrottle } from '../src/admin/auth';
import { nextAttemptAt } from '../src/publish/deliver';
import { backoffMs } from '../src/util/backoff';

describe('backoffMs', () => {
  it('is full jitter by default: a random wait in [0, base · 2^n]', () => {
    expect(backoffMs(3, { baseMs: 100 }, () => 0)).toBe(0);
    expect(backoffMs(3, { baseMs: 100 }, () => 0.5)).toBe(400);
    expect(backoffMs(3, { baseMs: 100 }, () => 0.999)).toBeCloseTo(799.2);
  });

  it('keeps a fixed share of the ceiling, and never exceeds the cap', () => {
    expect(backoffMs(2, { baseMs: 1000, fixed: 0.5 }, () => 0)).toBe(2000);
    expect(backoffMs(2, { baseMs: 1000, fixed: 0.5 }, () => 1)).toBe(4000);
    expect(backoffMs(2, { baseMs: 1000, fixed: 1 }, () => 0.3)).toBe(4000);
    expect(backoffMs(40, { baseMs: 1000, capMs: 5000 }, () => 1)).toBe(5000);
    expect(backoffMs(-1, { baseMs: 1000, fixed: 1 })).toBe(1000);
  });

  it('between runs: 1 min, 2, 4 … at most 6 h, at least half of it, Retry-After when longer', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const after = (attempts: number, r: number, retryAfterMs?: number) => nextAttemptAt(now, attempts, retryAfterMs, () => r).getTime() - now.getTime();
    expect([after(1, 0), after(1, 1), after(3, 0), after(30, 1)]).toEqual([30_000, 60_000, 120_000, 6 * 3600_000]);
    expect(after(1, 1, 600_000)).toBe(600_000);
  });

  it('login throttle: no jitter, doubling from 1 s up to its cap', () => {
    const throttle = new LoginThrottle(1, 60_000, () => 0, 3000);
    throttle.fail('a');
    expect(throttle.waitMs('a')).toBe(1000);
    for (let i = 0; i < 3; i++) throttle.fail('a');
    expect(throttle.waitMs('a')).toBe(3000);
  });
});
