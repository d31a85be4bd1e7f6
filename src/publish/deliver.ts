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
const MAX_ATTEMPTS = 12;
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
  for (const r of await opts.ledger.unresolved()) byReceiver.set(r.receiver, [...(byReceiver.get(r.receiver) ?? []), r]);
  await Promise.all([...byReceiver].map(([receiver, rows]) => new ReceiverQueue(receiver, byName, opts, summary).run(rows)));
  return summary;
}

/** What an attempt's outcome means for the rest of its lane. */
type LaneStep = 'sent' | 'failed' | 'blocked' | 'ambiguous';

/**
 * One receiver's queue in this run: its lanes, up to its width at once, sharing what stops them
 * all — the time budget, the signal, the breaker and the lease.
 */
class ReceiverQueue {
  private readonly deadline: number;
  /** Attempts in a row left unconfirmed (see BREAKER). */
  private unconfirmed = 0;
  /** The lease is gone. */
  private stopped = false;

  constructor(
    private readonly receiver: string,
    private readonly byName: ReadonlyMap<string, Notifier>,
    private readonly opts: DeliverOptions,
    private readonly summary: DeliverySummary,
  ) {
    this.deadline = Date.now() + opts.budgetMs;
  }

  async run(rows: OutboxRow[]): Promise<void> {
    const lanes = lanesOf(rows);
    const notifier = this.byName.get(rows[0]!.notifier);
    const width = Math.max(1, this.opts.concurrency ?? notifier?.queue?.concurrency ?? 4);
    let nextLane = 0;
    const worker = async () => {
      while (nextLane < lanes.length) await this.runLane(lanes[nextLane++]!);
    };
    await Promise.all(Array.from({ length: Math.min(width, lanes.length) }, worker));
  }

  private shouldStop(): boolean {
    return this.stopped || Boolean(this.opts.signal?.aborted) || Date.now() >= this.deadline || this.unconfirmed >= BREAKER;
  }

  private async runLane(lane: OutboxRow[]): Promise<void> {
    const { ledger, ctx } = this.opts;
    for (let i = 0; i < lane.length; i++) {
      const item = lane[i]!;
      const notifier = this.byName.get(item.notifier);
      const due = item.status === 'waiting' || !item.next_attempt || Date.parse(item.next_attempt) <= ctx.now.getTime();
      if (!notifier || !due || this.shouldStop()) return void (this.summary.remaining += lane.length - i);
      const attempt = randomUUID();
      if (!(await ledger.claim(item.id, attempt, this.opts.lease))) {
        // The lease is gone (another writer took over): stop everything, write nothing more.
        this.stopped = true;
        return void (this.summary.remaining += lane.length - i);
      }
      let outcome: DeliveryOutcome;
      try {
        outcome = await notifier.deliver(item, withConfig(notifier, ctx));
      } catch (err) {
        outcome = { ok: false, retryable: true, ambiguous: true, error: `internal: ${(err as Error).message}` };
      }
      const next = await this.record(item, attempt, outcome);
      if (next === 'sent') this.unconfirmed = 0;
      if (next === 'ambiguous') this.unconfirmed++;
      // Later items of this subject wait behind one that is not settled.
      if (next !== 'sent' && next !== 'failed') return void (this.summary.remaining += lane.length - i - 1);
    }
  }

  /** Write the outcome; what it means for the lane. */
  private async record(item: OutboxRow, attempt: string, raw: DeliveryOutcome): Promise<LaneStep> {
    const { ledger, log } = this.opts;
    const outcome = clean(raw, this.opts.redact ?? ((t) => t));
    if ('waiting' in outcome) {
      await ledger.markWaiting(item.id, attempt, outcome.waiting);
      this.count(item.notifier, 'waiting');
      this.summary.waitingFor[this.receiver] = outcome.waiting;
      return 'blocked';
    }
    if ('deferred' in outcome) {
      await ledger.defer(item.id, attempt, outcome.deferred, outcome.reason);
      this.count(item.notifier, 'deferred');
      log.warn({ event: 'notify.deferred', ...this.logFields(item), until: outcome.deferred.toISOString() }, outcome.reason);
      return 'blocked';
    }
    if (outcome.ok) {
      await ledger.markDone(item.id, attempt, outcome.response, new Date());
      this.count(item.notifier, 'sent');
      log.info({ event: 'notify.sent', ...this.logFields(item) });
      return 'sent';
    }
    return this.recordError(item, attempt, outcome);
  }

  /** An attempt that did not get through: given up, or left for a later run. */
  private async recordError(item: OutboxRow, attempt: string, outcome: Extract<DeliveryOutcome, { ok: false }>): Promise<LaneStep> {
    const { ledger, log, ctx } = this.opts;
    const attempts = item.attempts + 1;
    if (!outcome.retryable || attempts >= MAX_ATTEMPTS) {
      await ledger.markFailed(item.id, attempt, outcome.error);
      this.count(item.notifier, 'failed');
      this.problem(item, 'failed', outcome.error);
      log.error({ event: 'notify.failed', ...this.logFields(item), attempts }, outcome.error);
      return 'failed';
    }
    const ambiguous = Boolean(outcome.ambiguous);
    await ledger.markRetry(item.id, attempt, outcome.error, nextAttemptAt(ctx.now, attempts, outcome.retryAfterMs, this.opts.random), ambiguous);
    this.count(item.notifier, 'retrying');
    this.problem(item, 'retrying', outcome.error);
    log.warn({ event: 'notify.retry_later', ...this.logFields(item), attempts, ambiguous }, outcome.error);
    return ambiguous ? 'ambiguous' : 'blocked';
  }

  private count(notifier: string, what: Outcome): void {
    this.summary[what]++;
    (this.summary.byNotifier[notifier] ??= { sent: 0, failed: 0, retrying: 0, deferred: 0, waiting: 0 })[what]++;
  }

  private problem(item: OutboxRow, outcome: 'failed' | 'retrying', error: string): void {
    if (this.summary.problems.length < MAX_PROBLEMS) this.summary.problems.push({ receiver: this.receiver, subject: item.subject, outcome, error });
  }

  private logFields(item: OutboxRow) {
    return { notifier: item.notifier, receiver: this.receiver, subject: item.subject, key: item.key };
  }
}
