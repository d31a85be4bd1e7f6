/**
 * Tools for crash tests of publish: a Ledger that "dies" at its k-th write (the process is gone from
 * then on: its database is closed and every later call throws), notifiers whose in-flight deliveries
 * can be awaited (what a dead process had on the wire may still arrive), and an SMTP inbox on 127.0.0.1.
 */
import type { Ledger, OutboxRow } from '../../src/ledger/ledger';
import type { Notifier } from '../../src/publish/notifier';

/** Every Ledger method that writes the state database (the points a crash can hit). */
export const WRITE_METHODS = [
  'startRun',
  'recoverInterrupted',
  'commitRun',
  'adopt',
  'claim',
  'release',
  'markDone',
  'markRetry',
  'markFailed',
  'markWaiting',
  'defer',
  'useQuota',
  'finishRun',
  'newKeySpace',
] as const;

export class SimulatedCrash extends Error {
  constructor(what: string) {
    super(`simulated crash: ${what}`);
    this.name = 'SimulatedCrash';
  }
}

/** Where a run dies: at its `at`-th write (0-based; counting only calls of `method` if given), before or after that write is done. */
export interface CrashPoint {
  at: number;
  after: boolean;
  method?: (typeof WRITE_METHODS)[number];
}

export interface CrashingLedger {
  ledger: Ledger;
  /** Set once the crash happened: which write, before or after it. */
  crashedAt(): string | undefined;
  /** The writes called so far, in order (the one it died before included). */
  writes: string[];
  /** The writes actually done. */
  done: string[];
  /** Outbox ids whose confirmation (markDone) was written. */
  confirmed: Set<number>;
}

/**
 * Wrap `real` so that the `point.at`-th write closes the database (as a kill -9 would leave it: the
 * lease row still held, whatever was `sending` still `sending`) and throws; after that every call throws.
 */
export function crashingLedger(real: Ledger, point: CrashPoint | null): CrashingLedger {
  const writes: string[] = [];
  const done: string[] = [];
  const confirmed = new Set<number>();
  let crashed: string | undefined;
  const die = (what: string): never => {
    crashed ??= what;
    // SQLite closes at once (the promise only reports it): nothing more reaches the file.
    void real.close();
    throw new SimulatedCrash(what);
  };
  const writeSet = new Set<string>(WRITE_METHODS);
  const proxy = new Proxy(real, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') {
        if (crashed) throw new SimulatedCrash(`${String(prop)} read after the crash`);
        return value;
      }
      const name = String(prop);
      return (...args: unknown[]) => {
        if (crashed) throw new SimulatedCrash(`${name} called after the crash at ${crashed}`);
        if (!writeSet.has(name)) return (value as (...a: unknown[]) => unknown).apply(target, args);
        const n = writes.push(name) - 1;
        const hit = point !== null && (point.method ? point.method === name && writes.filter((w) => w === name).length - 1 === point.at : n === point.at);
        if (hit && !point.after) die(`before ${name} (write #${n})`);
        return (async () => {
          const out: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          done.push(name);
          if (name === 'markDone') confirmed.add(args[0] as number);
          if (hit && point.after) die(`after ${name} (write #${n})`);
          return out;
        })();
      };
    },
  });
  return { ledger: proxy, crashedAt: () => crashed, writes, done, confirmed };
}

export interface TrackedNotifiers {
  notifiers: Notifier[];
  /** Every item handed to a notifier to deliver, in order. */
  attempts: OutboxRow[];
  /** How many deliveries are on the wire now. */
  inflight(): number;
  /** Resolves once nothing is on the wire; rejects after `deadlineMs`. */
  settle(deadlineMs: number): Promise<void>;
}

/** The same notifiers, with every delivery counted while it is on the wire. */
export function trackDeliveries(base: readonly Notifier[]): TrackedNotifiers {
  const open = new Set<Promise<unknown>>();
  const attempts: OutboxRow[] = [];
  const notifiers = base.map((n): Notifier => ({
    ...n,
    deliver: (item, ctx) => {
      attempts.push(item);
      const p = n.deliver(item, ctx);
      open.add(p);
      const done = () => void open.delete(p);
      p.then(done, done);
      return p;
    },
  }));
  return {
    notifiers,
    attempts,
    inflight: () => open.size,
    settle: async (deadlineMs) => {
      const deadline = Date.now() + deadlineMs;
      while (open.size) {
        if (Date.now() > deadline) throw new Error(`${open.size} delivery(ies) of a dead run still on the wire after ${deadlineMs} ms`);
        await Promise.race([Promise.allSettled([...open]), new Promise((r) => setTimeout(r, 50))]);
      }
      // Let the dead run's continuations (which now only throw) run out.
      await new Promise((r) => setImmediate(r));
    },
  };
}

export { startSmtpInbox, type SmtpInbox } from './smtp-inbox';
