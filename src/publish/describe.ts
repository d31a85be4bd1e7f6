/**
 * What a publish plans, in words: one line per notification for `--dry-run` and the admin, each made
 * by its notifier's `describe` from the payload as queued.
 */
import type { Notifier } from './notifier';
import type { PublishResult } from './run';

/** One line per notification: `<notifier> → <its describe(payload)>`, and where it stands. */
export function describePlan(result: Pick<PublishResult, 'planned' | 'outstanding' | 'waitsFor'>, notifiers: readonly Notifier[]): string[] {
  const describe = describer(notifiers);
  const lines: string[] = [];
  const waits = (key: string) => (result.waitsFor[key] ? `waits for configuration: ${result.waitsFor[key]}` : undefined);
  for (const item of result.planned) {
    const w = waits(item.key);
    lines.push(`${item.notifier} → ${describe(item.notifier, item.payload)}${w ? ` (${w})` : ''}`);
  }
  for (const row of result.outstanding) {
    const state =
      waits(row.key) ?? (row.status === 'waiting' ? `waiting for configuration: ${row.last_error ?? ''}` : `queued earlier, attempt ${row.attempts + 1}`);
    lines.push(`${row.notifier} → ${describe(row.notifier, JSON.parse(row.payload))} (${state})`);
  }
  return lines;
}

/** --dry-run: the earlier notifications this run would withdraw. */
export function describeWithdrawn(result: Pick<PublishResult, 'withdrawn'>, notifiers: readonly Notifier[]): string[] {
  const describe = describer(notifiers);
  return result.withdrawn.map((r) => `${r.notifier} → ${describe(r.notifier, JSON.parse(r.payload))} (withdrawn: the role left before it was sent)`);
}

/** The notifier's line for a payload; an item of a notifier no longer registered shows the summary it was queued with, if any. */
function describer(notifiers: readonly Notifier[]): (notifier: string, payload: unknown) => string {
  const byName = new Map(notifiers.map((n) => [n.name, n]));
  return (notifier, payload) => {
    const n = byName.get(notifier);
    if (n) return n.describe(payload);
    const summary = (payload as { summary?: unknown } | null)?.summary;
    return typeof summary === 'string' ? summary : '';
  };
}
