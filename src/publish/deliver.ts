/**
 * Delivering the outbox (docs/publication.md, "Delivery"). Each receiver has its own queue, run in
 * parallel with the others, with its own concurrency and time budget, so a hung receiver delays only
 * itself. Within a receiver, items of one subject go in order (an update never overtakes its publish).
 * Every attempt is claimed first (`sending`, with an attempt id and its claimant, src/ledger/claims.ts)
 * and recorded after; a crash in between leaves `sending`, which recovery re-sends once the claimant
 * is gone, same key. Several claimants (instances on one PostgreSQL ledger) deliver at once.
 */
import type { Claimant, ClaimQuery, Ledger, OutboxRow } from '../ledger/ledger';
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
  /** Who claims the items: the publish run (by its writer lease) or a delivery worker. */
  claimant: Claimant;
  /** Also deliver items waiting for configuration (default true; workers leave them to publish runs). */
  waiting?: boolean;
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

export async function deliverOutbox(opts: DeliverOptions): Promise<DeliverySummary> {
  const summary = emptySummary();
  const byName = new Map(opts.notifiers.map((n) => [n.name, n]));
  const queues = new Map<string, ReceiverQueue>();
  for (const { receiver, notifier } of await opts.ledger.receiversWithWork(opts.waiting ?? true, opts.ctx.now)) {
    const n = byName.get(notifier);
    if (n && !queues.has(receiver)) queues.set(receiver, new ReceiverQueue(receiver, byName, n, opts, summary));
  }
  await Promise.all([...queues.values()].map((q) => q.run()));
  // What is still to deliver and was not tried in this run (not due, behind an earlier item, not switched on, stopped).
  const open = await opts.ledger.unresolvedCount();
  summary.remaining = Math.max(0, open - summary.retrying - summary.deferred - summary.waiting);
  return summary;
}

/** What an attempt's outcome means for the rest of its lane. */
type LaneStep = 'sent' | 'failed' | 'blocked' | 'ambiguous';

/**
 * One receiver's queue in this run: its lanes, up to its width at once, sharing what stops them
 * all — the time budget, the signal, the breaker and the claimant's lease. Items are claimed a few
 * at a time (lane heads, in id order, see src/ledger/claims.ts); a lane whose head was sent goes on
 * with its next item at once, so several workers on one ledger keep each subject's order.
 */
class ReceiverQueue {
  private readonly deadline: number;
  private readonly width: number;
  /** Attempts in a row left unconfirmed (see BREAKER). */
  private unconfirmed = 0;
  /** The claimant's lease is gone. */
  private stopped = false;
  /** Claimed lane heads not started yet, and the highest id claimed so far. */
  private readonly claimed: OutboxRow[] = [];
  private cursor = 0;
  private exhausted = false;
  private claiming: Promise<void> | undefined;

  constructor(
    private readonly receiver: string,
    private readonly byName: ReadonlyMap<string, Notifier>,
    notifier: Notifier,
    private readonly opts: DeliverOptions,
    private readonly summary: DeliverySummary,
  ) {
    this.deadline = Date.now() + opts.budgetMs;
    this.width = Math.max(1, opts.concurrency ?? notifier.queue?.concurrency ?? 4);
  }

  async run(): Promise<void> {
    const worker = async () => {
      for (let head = await this.nextHead(); head; head = await this.nextHead()) await this.runLane(head);
    };
    await Promise.all(Array.from({ length: this.width }, worker));
    // Claimed but not started (the run stopped): back to pending, as if never claimed.
    for (const row of this.claimed.splice(0)) await this.opts.ledger.release(row.id, row.attempt_id!);
  }

  private shouldStop(): boolean {
    return this.stopped || Boolean(this.opts.signal?.aborted) || Date.now() >= this.deadline || this.unconfirmed >= BREAKER;
  }

  private query(extra: Partial<ClaimQuery>): ClaimQuery {
    const { ctx, waiting } = this.opts;
    return {
      receiver: this.receiver,
      notifiers: [...this.byName.keys()],
      now: ctx.now,
      waiting: waiting ?? true,
      after: this.cursor,
      limit: this.width,
      ...extra,
    };
  }

  /** The next lane head to run, claiming more when none is left (one claim at a time per queue). */
  private async nextHead(): Promise<OutboxRow | undefined> {
    while (!this.claimed.length && !this.exhausted && !this.shouldStop()) {
      this.claiming ??= this.claimMore().finally(() => (this.claiming = undefined));
      await this.claiming;
    }
    return this.shouldStop() ? undefined : this.claimed.shift();
  }

  private async claimMore(): Promise<void> {
    const rows = await this.opts.ledger.claim(this.opts.claimant, this.query({}));
    if (!rows.length) {
      this.exhausted = true;
      if (!(await this.opts.ledger.holds(this.opts.claimant))) this.stopped = true;
      return;
    }
    this.cursor = rows[rows.length - 1]!.id;
    this.claimed.push(...rows);
  }

  /** Run a lane from its claimed head: each item in turn while the one before it was settled. */
  private async runLane(head: OutboxRow): Promise<void> {
    const { ledger } = this.opts;
    for (let item: OutboxRow | undefined = head; item;) {
      if (this.shouldStop()) return void (await ledger.release(item.id, item.attempt_id!));
      const next = await this.attempt(item);
      if (next === 'sent') this.unconfirmed = 0;
      if (next === 'ambiguous') this.unconfirmed++;
      // Later items of this subject wait behind one that is not settled.
      if ((next !== 'sent' && next !== 'failed') || item.subject === null || this.shouldStop()) return;
      [item] = await ledger.claim(this.opts.claimant, this.query({ subject: item.subject, after: item.id, limit: 1 }));
    }
  }

  private async attempt(item: OutboxRow): Promise<LaneStep> {
    const notifier = this.byName.get(item.notifier)!;
    let outcome: DeliveryOutcome;
    try {
      outcome = await notifier.deliver(item, withConfig(notifier, this.opts.ctx));
    } catch (err) {
      outcome = { ok: false, retryable: true, ambiguous: true, error: `internal: ${(err as Error).message}` };
    }
    return this.record(item, item.attempt_id!, outcome);
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
