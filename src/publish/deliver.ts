/**
 * Delivering the outbox (docs/publication.md, "Delivery"). Each receiver has its own queue, run in
 * parallel with the others, with its own concurrency and time budget, so a hung receiver delays only
 * itself. Within a receiver, items of one subject go in order (an update never overtakes its publish).
 * Every attempt is claimed first (`sending`, with an attempt id, fenced by the writer lease) and
 * recorded after; a crash in between leaves `sending`, which the next writer re-sends, same key.
 */
import { randomUUID } from 'node:crypto';
import type { Ledger, OutboxRow } from '../ledger/ledger';
import type { WriterLease } from '../ledger/lease';
import type { Logger } from '../log';
import { backoffMs } from '../util/backoff';
import type { DeliveryOutcome, Notifier, SharedDeliverContext } from './notifier';
import { withConfig } from './notifier-config';

/** Give up on an item after this many failed attempts across runs. */
export const MAX_ATTEMPTS = 12;
/** A receiver that leaves this many attempts in a row unconfirmed (timeouts) is left for the next run. */
const BREAKER = 3;

type Outcome = 'sent' | 'failed' | 'retrying' | 'deferred' | 'waiting';
export type DeliveryCounts = Record<Outcome, number>;

export interface DeliverySummary extends DeliveryCounts {
  /** Not attempted in this run (not due yet, behind an earlier item, budget spent, stopped). */
  remaining: number;
  /** Left `sending` by a writer that died; re-sent under the same key. */
  interrupted: number;
  /** The same counts per notifier (google-indexing, indexnow, websub, webhook, smtp). */
  byNotifier: Record<string, DeliveryCounts>;
  /** Why items wait for configuration, per receiver (e.g. "set SMTP_URL …"). */
  waitingFor: Record<string, string>;
  /** The first failures and retries of this run, with the receiver's answer (for people). */
  problems: { receiver: string; subject: string | null; outcome: 'failed' | 'retrying'; error: string }[];
}

const MAX_PROBLEMS = 20;

export const emptySummary = (): DeliverySummary => ({
  sent: 0,
  failed: 0,
  retrying: 0,
  deferred: 0,
  waiting: 0,
  remaining: 0,
  interrupted: 0,
  byNotifier: {},
  waitingFor: {},
  problems: [],
});

export interface DeliverOptions {
  ledger: Ledger;
  lease: WriterLease;
  /** Notifiers whose items may be delivered (a notifier switched off keeps its items queued). */
  notifiers: readonly Notifier[];
  ctx: SharedDeliverContext;
  log: Logger;
  signal?: AbortSignal;
  /** Per-receiver time budget for this run (ms): no new attempt starts after it. */
  budgetMs: number;
  /** Per-receiver concurrency; default the notifier's own. */
  concurrency?: number;
  /** Applied to every text from a receiver before it is stored or logged (src/secrets.ts). */
  redact?: (text: string) => string;
  random?: () => number;
}

/**
 * Backoff between runs for an item that failed: up to 1 min, 2, 4 … capped at 6 h. Half of it is
 * always waited, so a run started soon after (a manual publish) does not try the item again at once.
 */
const BETWEEN_RUNS = { baseMs: 60_000, capMs: 6 * 3600_000, fixed: 0.5 };

export function nextAttemptAt(now: Date, attempts: number, retryAfterMs?: number, random = Math.random): Date {
  return new Date(now.getTime() + Math.max(retryAfterMs ?? 0, backoffMs(attempts - 1, BETWEEN_RUNS, random)));
}

/** The outcome with every text a receiver sent back redacted: it is about to be stored and logged. */
function clean(o: DeliveryOutcome, redact: (t: string) => string): DeliveryOutcome {
  if ('waiting' in o) return { waiting: redact(o.waiting) };
  if ('deferred' in o) return { ...o, reason: redact(o.reason) };
  if (o.ok) return { ok: true, response: redact(o.response) };
  return { ...o, error: redact(o.error) };
}

/** One receiver's items as lanes: a subject's items in id order; an item without a subject alone. */
function lanesOf(rows: readonly OutboxRow[]): OutboxRow[][] {
  const lanes = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const k = r.subject ?? `#${r.id}`;
    lanes.set(k, [...(lanes.get(k) ?? []), r]);
  }
  return [...lanes.values()];
}

export async function deliverOutbox(opts: DeliverOptions): Promise<DeliverySummary> {
  const summary = emptySummary();
  const byName = new Map(opts.notifiers.map((n) => [n.name, n]));
  const byReceiver = new Map<string, OutboxRow[]>();
  for (const r of opts.ledger.unresolved()) byReceiver.set(r.receiver, [...(byReceiver.get(r.receiver) ?? []), r]);
  await Promise.all([...byReceiver].map(([receiver, rows]) => deliverReceiver(receiver, rows, byName, opts, summary)));
  return summary;
}

async function deliverReceiver(
  receiver: string,
  rows: OutboxRow[],
  byName: Map<string, Notifier>,
  opts: DeliverOptions,
  summary: DeliverySummary,
): Promise<void> {
  const { ledger, ctx, log } = opts;
  const now = ctx.now;
  const deadline = Date.now() + opts.budgetMs;
  const lanes = lanesOf(rows);
  let unconfirmed = 0;
  let stopped = false;
  const count = (notifier: string, what: Outcome) => {
    summary[what]++;
    (summary.byNotifier[notifier] ??= { sent: 0, failed: 0, retrying: 0, deferred: 0, waiting: 0 })[what]++;
  };
  const stop = () => stopped || Boolean(opts.signal?.aborted) || Date.now() >= deadline || unconfirmed >= BREAKER;

  const runLane = async (lane: OutboxRow[]) => {
    for (let i = 0; i < lane.length; i++) {
      const item = lane[i]!;
      const notifier = byName.get(item.notifier);
      const due = item.status === 'waiting' || !item.next_attempt || Date.parse(item.next_attempt) <= now.getTime();
      if (!notifier || !due || stop()) return void (summary.remaining += lane.length - i);
      const attempt = randomUUID();
      if (!ledger.claim(item.id, attempt, opts.lease)) {
        // The lease is gone (another writer took over): stop everything, write nothing more.
        stopped = true;
        return void (summary.remaining += lane.length - i);
      }
      let outcome: DeliveryOutcome;
      try {
        outcome = await notifier.deliver(item, withConfig(notifier, ctx));
      } catch (err) {
        outcome = { ok: false, retryable: true, ambiguous: true, error: `internal: ${(err as Error).message}` };
      }
      const next = record(item, attempt, outcome);
      if (next === 'sent') unconfirmed = 0;
      if (next === 'ambiguous') unconfirmed++;
      // Later items of this subject wait behind one that is not settled.
      if (next !== 'sent' && next !== 'failed') return void (summary.remaining += lane.length - i - 1);
    }
  };

  /** Write the outcome; what it means for the lane. */
  const record = (item: OutboxRow, attempt: string, raw: DeliveryOutcome): 'sent' | 'failed' | 'blocked' | 'ambiguous' => {
    const outcome = clean(raw, opts.redact ?? ((t) => t));
    const at = { notifier: item.notifier, receiver, subject: item.subject, key: item.key };
    if ('waiting' in outcome) {
      ledger.markWaiting(item.id, attempt, outcome.waiting);
      count(item.notifier, 'waiting');
      summary.waitingFor[receiver] = outcome.waiting;
      return 'blocked';
    }
    if ('deferred' in outcome) {
      ledger.defer(item.id, attempt, outcome.deferred, outcome.reason);
      count(item.notifier, 'deferred');
      log.warn({ event: 'notify.deferred', ...at, until: outcome.deferred.toISOString() }, outcome.reason);
      return 'blocked';
    }
    if (outcome.ok) {
      ledger.markDone(item.id, attempt, outcome.response, new Date());
      count(item.notifier, 'sent');
      log.info({ event: 'notify.sent', ...at });
      return 'sent';
    }
    const attempts = item.attempts + 1;
    if (!outcome.retryable || attempts >= MAX_ATTEMPTS) {
      ledger.markFailed(item.id, attempt, outcome.error);
      count(item.notifier, 'failed');
      if (summary.problems.length < MAX_PROBLEMS) summary.problems.push({ receiver, subject: item.subject, outcome: 'failed', error: outcome.error });
      log.error({ event: 'notify.failed', ...at, attempts }, outcome.error);
      return 'failed';
    }
    ledger.markRetry(item.id, attempt, outcome.error, nextAttemptAt(now, attempts, outcome.retryAfterMs, opts.random), Boolean(outcome.ambiguous));
    count(item.notifier, 'retrying');
    if (summary.problems.length < MAX_PROBLEMS) summary.problems.push({ receiver, subject: item.subject, outcome: 'retrying', error: outcome.error });
    log.warn({ event: 'notify.retry_later', ...at, attempts, ambiguous: Boolean(outcome.ambiguous) }, outcome.error);
    return outcome.ambiguous ? 'ambiguous' : 'blocked';
  };

  const notifier = byName.get(rows[0]!.notifier);
  const width = Math.max(1, opts.concurrency ?? notifier?.queue?.concurrency ?? 4);
  let nextLane = 0;
  const worker = async () => {
    while (nextLane < lanes.length) await runLane(lanes[nextLane++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, lanes.length) }, worker));
}
