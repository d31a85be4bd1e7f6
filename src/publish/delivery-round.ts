/**
 * One round of delivery over what the outbox holds, by one claimant: a publish run after it
 * recorded its plan (src/publish/run.ts), or a delivery worker between runs (src/daemon/delivery-worker.ts).
 * Both see the same context: the HTTP client and policy of `notify.http`, and redaction of every
 * secret the project knows before a receiver's answer is stored or logged.
 */
import type { Claimant, Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Project } from '../project';
import { ADMIN_TOKEN_ENV, redactor, secretValues } from '../secrets';
import { deliverOutbox, type DeliverySummary } from './deliver';
import { createHttpClient, realSleep, type Sleep } from './http';
import type { Notifier, SharedDeliverContext } from './notifier';

export interface RoundOptions {
  claimant: Claimant;
  notifiers: readonly Notifier[];
  now: Date;
  log: Logger;
  /** Also items waiting for configuration (publish runs). */
  waiting: boolean;
  env?: NodeJS.ProcessEnv;
  sleep?: Sleep;
  signal?: AbortSignal;
  /** Per-receiver concurrency (default: each notifier's own). */
  concurrency?: number;
}

function deliverContext(project: Project, ledger: Ledger, o: RoundOptions): SharedDeliverContext {
  const notify = project.config.notify;
  return {
    site: project.config,
    now: o.now,
    ledger,
    log: o.log,
    http: createHttpClient(notify.http.timeoutMs),
    policy: { timeoutMs: notify.http.timeoutMs, retries: notify.http.retries, backoffMs: notify.http.backoffMs },
    sleep: o.sleep ?? realSleep,
    env: o.env ?? process.env,
    memo: new Map(),
    learned: new Set(),
  };
}

export function deliverQueued(project: Project, ledger: Ledger, o: RoundOptions): Promise<DeliverySummary> {
  const http = project.config.notify.http;
  const ctx = deliverContext(project, ledger, o);
  const concurrency = o.concurrency ?? http.concurrency;
  return deliverOutbox({
    ledger,
    claimant: o.claimant,
    waiting: o.waiting,
    notifiers: o.notifiers,
    ctx,
    log: o.log,
    budgetMs: http.budgetMs,
    redact: redactor(secretValues(project, ctx.env, [ADMIN_TOKEN_ENV]), ctx.learned),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
}
