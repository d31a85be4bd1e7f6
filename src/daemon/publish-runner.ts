/**
 * The daemon's publish runs (schedule, admin, start-up), one at a time: a run waits for the one in
 * progress. Each real run is counted in /metrics and remembered for /healthz, then the output is
 * re-read so the server answers with what the run built.
 */
import { CODES, isJobcastError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Project } from '../project';
import type { Sleep } from '../publish/http';
import type { Notifier } from '../publish/notifier';
import type { DeliverySummary } from '../publish/deliver';
import { publish, type PublishResult } from '../publish/run';
import { Metrics } from '../serve/metrics';
import { deployAfterBuild } from '../deploy/after-build';
import { WRITER_WAIT_MS } from './watch-postings';

export interface LastRun {
  at: string;
  ok: boolean;
  error?: string;
  durationMs: number;
}

export interface PublishRunnerDeps {
  project: Project;
  ledger: Ledger;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
  signal: AbortSignal;
  /** After a real run: re-read the output it built. */
  afterRun: () => Promise<unknown>;
  /** Before a scheduled run: bring the postings in from where they come from (scheduled imports). */
  beforeScheduled?: () => Promise<unknown>;
  env?: NodeJS.ProcessEnv | undefined;
  notifiers?: readonly Notifier[] | undefined;
  sleep?: Sleep | undefined;
}

/** Deliveries by notifier and outcome, and the outbox as it now stands. */
export async function countDeliveries(metrics: Metrics, ledger: Ledger, delivery: DeliverySummary): Promise<void> {
  for (const [notifier, counts] of Object.entries(delivery.byNotifier)) {
    for (const [outcome, n] of Object.entries(counts)) if (n) metrics.deliveries.inc({ notifier, result: outcome }, n);
  }
  Metrics.replace(
    metrics.outboxItems,
    (await ledger.outboxCounts()).map((row) => ({ labels: { notifier: row.notifier, status: row.status }, value: row.n })),
  );
}

async function recordRun(metrics: Metrics, ledger: Ledger, reason: string, result: PublishResult, seconds: number): Promise<void> {
  metrics.publishRuns.inc({ reason, result: result.ok ? 'ok' : 'failed' });
  metrics.publishDuration.observe(seconds);
  if (result.build) metrics.buildDuration.observe(result.buildMs / 1000);
  await countDeliveries(metrics, ledger, result.delivery);
}

/** The runs the schedule starts (src/schedule/scheduler.ts): the first at start-up, then each cron tick. */
const SCHEDULED: ReadonlySet<string> = new Set(['startup', 'scheduled']);

export class PublishRunner {
  /** The last run that was this service's to judge (a run skipped for another writer is not). */
  lastRun: LastRun | undefined;
  private running: Promise<PublishResult> | undefined;

  constructor(private readonly deps: PublishRunnerDeps) {}

  async run(reason: string, dryRun = false): Promise<PublishResult> {
    while (this.running) await this.running.catch(() => undefined);
    const started = Date.now();
    const before = SCHEDULED.has(reason) && !dryRun && this.deps.beforeScheduled ? this.deps.beforeScheduled() : Promise.resolve();
    const work = before.then(() => this.start(dryRun));
    this.running = work;
    try {
      const result = await work;
      if (!dryRun) await this.finished(reason, result, started);
      return result;
    } catch (err) {
      this.failed(reason, err, started);
      throw err;
    } finally {
      this.running = undefined;
    }
  }

  /** A run is in progress. */
  get busy(): boolean {
    return Boolean(this.running);
  }

  /** Settles when no run is in progress. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private start(dryRun: boolean): Promise<PublishResult> {
    const { project, ledger, log, env, notifiers, sleep } = this.deps;
    return publish(project, ledger, {
      now: this.deps.now(),
      dryRun,
      signal: this.deps.signal,
      log,
      waitForLock: WRITER_WAIT_MS,
      ...(env ? { env } : {}),
      ...(notifiers ? { notifiers } : {}),
      ...(sleep ? { sleep } : {}),
    });
  }

  private async finished(reason: string, result: PublishResult, started: number): Promise<void> {
    await recordRun(this.deps.metrics, this.deps.ledger, reason, result, (Date.now() - started) / 1000);
    this.lastRun = { at: new Date().toISOString(), ok: result.ok, durationMs: Date.now() - started, ...(result.error ? { error: result.error.message } : {}) };
    await this.deps.afterRun();
    this.deps.log.info({ event: 'publish.done', reason, ok: result.ok, ...result.delivery, ms: Date.now() - started });
    if (result.ok && result.build && !result.dryRun) await deployAfterBuild(this.deps.project, this.deps.env ?? process.env, this.deps.log);
  }

  private failed(reason: string, err: unknown, started: number): void {
    const { metrics, log } = this.deps;
    const busy = isJobcastError(err) && err.code === CODES.LEASE_HELD;
    metrics.publishRuns.inc({ reason, result: busy ? 'skipped' : 'error' });
    // Another writer (a CLI publish) is at it: not a failure of this service.
    if (!busy) this.lastRun = { at: new Date().toISOString(), ok: false, error: (err as Error).message, durationMs: Date.now() - started };
    (busy ? log.warn.bind(log) : log.error.bind(log))(
      { event: busy ? 'publish.skipped' : 'publish.error', reason, code: isJobcastError(err) ? err.code : undefined },
      (err as Error).message,
    );
  }
}
