/** What a "Republish now" (or its dry run) did: the plan, the delivery counts, and each delivery's fate. */
import { countBySeverity } from '../diagnostics';
import { isJobcastError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { describePlan } from '../publish/describe';
import type { Notifier } from '../publish/notifier';
import type { PublishResult } from '../publish/run';
import { outboxView, type OutboxView } from './delivery';
import { plural, when } from './format';

export type PublishView = {
  at: string;
  dryRun: boolean;
  ok: boolean;
  headline: string;
  error: string;
  plan: string[];
  counts: { label: string; value: number }[];
  problems: string;
  deliveries: OutboxView[];
};

function headline(result: PublishResult, notifiers: readonly Notifier[]): string {
  const d = result.delivery;
  if (result.error) return result.dryRun ? 'Dry run: the sources cannot be built' : 'Not published: the sources cannot be built';
  const planned = describePlan(result, notifiers).length;
  if (result.dryRun) return planned ? `Dry run: would send ${plural(planned, 'notification')}` : 'Dry run: nothing to send, no change since the last publish';
  if (!planned && !d.sent && !d.failed && !d.retrying && !d.waiting) return 'Published: nothing to send, no change since the last publish';
  return `Published: ${d.sent} sent, ${d.retrying} to retry, ${d.failed} failed${d.waiting ? `, ${d.waiting} waiting for configuration` : ''}`;
}

export async function publishView(result: PublishResult, ledger: Ledger, notifiers: readonly Notifier[], timeZone: string, at: Date): Promise<PublishView> {
  const d = result.delivery;
  const keys = new Set(result.planned.map((p) => p.key));
  const c = countBySeverity(result.diagnostics);
  return {
    at: when(at, timeZone),
    dryRun: result.dryRun,
    ok: result.ok && d.failed === 0,
    headline: headline(result, notifiers),
    error: result.error ? `${result.error.message} [${result.error.code}]` : '',
    plan: describePlan(result, notifiers),
    counts: result.dryRun
      ? [
          { label: 'would be queued', value: result.planned.length },
          { label: 'waiting from earlier runs', value: result.outstanding.length },
        ]
      : [
          { label: 'queued', value: result.planned.length },
          { label: 'sent', value: d.sent },
          { label: 'to retry', value: d.retrying },
          { label: 'deferred', value: d.deferred },
          { label: 'waiting for configuration', value: d.waiting },
          { label: 'failed', value: d.failed },
          { label: 'not attempted', value: d.remaining },
        ],
    problems: `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')} in the sources`,
    deliveries: result.dryRun ? [] : (await ledger.outbox({ keys: [...keys] })).map((r) => outboxView(r, timeZone)),
  };
}

/** A run that threw (writer lease busy, unreadable folder): shown, not a 500. */
export function publishFailure(err: unknown, { dryRun, timeZone, at }: { dryRun: boolean; timeZone: string; at: Date }): PublishView {
  const message = err instanceof Error ? err.message : String(err);
  return {
    at: when(at, timeZone),
    dryRun,
    ok: false,
    headline: dryRun ? 'Dry run failed' : 'Publish failed',
    error: isJobcastError(err) ? `${message} [${err.code}]` : message,
    plan: [],
    counts: [],
    problems: '',
    deliveries: [],
  };
}
