/**
 * Delivery by every instance of a shared ledger (PostgreSQL, docs/operations.md "More than one
 * instance"): between publish runs each `jobcast serve` delivers what is due — retries whose time
 * came, what a leader queued — claiming items under a worker lease of its own (src/ledger/claims.ts),
 * so several machines deliver in parallel and no item goes out twice. Each round first re-queues
 * what dead claimants left `sending` (a killed leader's items, under their keys). Items waiting for
 * configuration are left to publish runs. Rounds never overlap this instance's own publish run.
 */
import type { DeliveryWorker, Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Project } from '../project';
import type { DeliverySummary } from '../publish/deliver';
import { deliverQueued } from '../publish/delivery-round';
import type { Sleep } from '../publish/http';
import type { Notifier } from '../publish/notifier';
import { activeNotifiers } from '../publish/notifier-config';
import { envInteger } from '../util/env-integer';

export interface DeliveryWorkerOptions {
  project: Project;
  ledger: Ledger;
  log: Logger;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** True while this instance's publish run is delivering: the round waits for the next tick. */
  busy: () => boolean;
  /** After a round that attempted something. */
  onRound?: (summary: DeliverySummary) => void;
  notifiers?: readonly Notifier[] | undefined;
  sleep?: Sleep | undefined;
}

/** How often an instance looks for work (ms): JOBCAST_DELIVERY_POLL_MS, default 2 s; 0 switches the worker off. */
export const deliveryPollMs = (env: NodeJS.ProcessEnv): number => envInteger('JOBCAST_DELIVERY_POLL_MS', 2000, 0, env);

export function startDeliveryWorker(o: DeliveryWorkerOptions): { stop: () => Promise<void> } {
  const pollMs = deliveryPollMs(o.env);
  const stopping = new AbortController();
  let worker: DeliveryWorker | undefined;
  let round: Promise<void> | undefined;
  const tick = () => {
    if (round || o.busy() || stopping.signal.aborted) return;
    round = runRound().finally(() => (round = undefined));
  };
  const runRound = async () => {
    try {
      if (!worker || worker.lease.signal.aborted) worker = await o.ledger.deliveryWorker('deliver');
      const recovered = await o.ledger.recoverInterrupted();
      if (recovered)
        o.log.warn({ event: 'deliver.recovered', recovered }, `${recovered} notification(s) left by an instance that stopped are re-sent with the same key`);
      const summary = await deliverQueued(o.project, o.ledger, {
        claimant: { worker },
        notifiers: activeNotifiers(o.notifiers ?? o.project.notifiers, o.project.config),
        now: o.now(),
        log: o.log,
        waiting: false,
        env: o.env,
        signal: AbortSignal.any([stopping.signal, worker.lease.signal]),
        ...(o.sleep ? { sleep: o.sleep } : {}),
      });
      if (summary.sent + summary.failed + summary.retrying + summary.deferred) o.onRound?.(summary);
    } catch (err) {
      // The database is away or busy: the next tick tries again; /healthz reports the ledger.
      o.log.warn({ event: 'deliver.round_failed' }, (err as Error).message);
    }
  };
  const timer = pollMs > 0 ? setInterval(tick, pollMs) : undefined;
  timer?.unref();
  return {
    stop: async () => {
      stopping.abort();
      if (timer) clearInterval(timer);
      await round;
      await worker?.lease.release();
    },
  };
}
