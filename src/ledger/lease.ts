/**
 * The writer lease: one process at a time changes the output or the ledger (docs/publication.md,
 * "One writer"). The contract is small: acquire, renew while working, prove it is still held right
 * before a write, release. It is a row with an expiry and a fence, on either engine (./sql.ts): on
 * PostgreSQL the row is shared by every instance, so only one of them writes at a time.
 */
import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { FAILURES } from '../failures';
import { envInteger } from '../util/env-integer';
import type { SqlDriver, SqlRunner } from './sql';

export interface LeaseHolder {
  holder: string;
  purpose: string;
  pid: number;
  host: string;
  acquired: string;
  expires: string;
  fence: number;
}

export interface WriterLease {
  readonly fence: number;
  readonly purpose: string;
  /** Aborted when a renewal finds the lease taken by someone else. */
  readonly signal: AbortSignal;
  /** Rejects with JC_LEASE_LOST unless this lease is still the current one; extends it when it is. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Wait this long for another holder (ms); 0 fails at once. */
  waitMs?: number;
  /** Lease time (ms); default JOBCAST_LEASE_TTL_MS or 60 s. */
  ttlMs?: number;
  /** Told once when the lease is busy and the caller waits. */
  onWait?: (holder: LeaseHolder) => void;
}

export interface LeaseStore {
  acquire(purpose: string, opts?: AcquireOptions): Promise<WriterLease>;
  /** The current holder, when the lease is held and not expired. */
  current(now?: Date): Promise<LeaseHolder | undefined>;
}

/** The writer lease's row; delivery workers hold rows of their own named `worker:…` (WORKER_PREFIX). */
export const WRITER = 'writer';
export const WORKER_PREFIX = 'worker:';
const POLL_MS = 100;

const defaultTtlMs = (env: NodeJS.ProcessEnv = process.env): number => envInteger('JOBCAST_LEASE_TTL_MS', 60_000, 200, env);

/** This machine as a pid can be checked on: the host name and the pid namespace (containers differ). */
export function thisHost(): string {
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    // Not Linux: the host name alone.
  }
  return ns ? `${os.hostname()}#${ns}` : os.hostname();
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Who holds it, for the loser's message. */
export function describeHolder(h: LeaseHolder, now = new Date()): string {
  const left = Math.max(0, Math.round((Date.parse(h.expires) - now.getTime()) / 1000));
  const host = h.host.split('#')[0];
  return `${h.purpose} by pid ${h.pid} on ${host}, since ${h.acquired} (expires in ${left} s)`;
}

const SELECT_ROW = 'SELECT holder, purpose, pid, host, acquired, expires, fence FROM lease WHERE name = ?';

/** Free: never taken, released, expired, or its holder's process on this machine (`host`) is gone. */
export function leaseFree(row: LeaseHolder | undefined, now: number, host: string): boolean {
  if (!row || !row.holder) return true;
  // An unreadable expiry counts as expired: a damaged row must never block every later run.
  if (!(Date.parse(row.expires) > now)) return true;
  return row.host === host && row.pid !== process.pid && processGone(row.pid);
}

export class SqlLeaseStore implements LeaseStore {
  private readonly host = thisHost();

  constructor(
    private readonly sql: SqlDriver,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The row: the writer's, or a delivery worker's own. */
    readonly name: string = WRITER,
  ) {}

  private free(row: LeaseHolder | undefined, now: number): boolean {
    return leaseFree(row, now, this.host);
  }

  async current(now = new Date()): Promise<LeaseHolder | undefined> {
    const row = await this.sql.get<LeaseHolder>(SELECT_ROW, [this.name]);
    return this.free(row, now.getTime()) ? undefined : row;
  }

  /** One attempt, in a transaction that locks the row, so that two starters never both win. */
  private tryTake(purpose: string, ttlMs: number): Promise<{ lease: LeaseHolder } | { busy: LeaseHolder }> {
    return this.sql.transaction(async (tx) => {
      // The row exists before it is locked: a first start on PostgreSQL has nothing to lock yet.
      await tx.run(
        `INSERT INTO lease (name, holder, purpose, pid, host, acquired, expires, fence) VALUES (?, '', '', 0, '', '', '', 0) ON CONFLICT (name) DO NOTHING`,
        [this.name],
      );
      const row = await tx.get<LeaseHolder>(SELECT_ROW + tx.dialect.forUpdate, [this.name]);
      const now = Date.now();
      if (!this.free(row, now)) return { busy: row! };
      const lease: LeaseHolder = {
        holder: randomUUID(),
        purpose,
        pid: process.pid,
        host: this.host,
        acquired: new Date(now).toISOString(),
        expires: new Date(now + ttlMs).toISOString(),
        fence: (row?.fence ?? 0) + 1,
      };
      await tx.run(`UPDATE lease SET holder = ?, purpose = ?, pid = ?, host = ?, acquired = ?, expires = ?, fence = ? WHERE name = ?`, [
        lease.holder,
        lease.purpose,
        lease.pid,
        lease.host,
        lease.acquired,
        lease.expires,
        lease.fence,
        this.name,
      ]);
      return { lease };
    });
  }

  async acquire(purpose: string, opts: AcquireOptions = {}): Promise<WriterLease> {
    const ttlMs = opts.ttlMs ?? defaultTtlMs(this.env);
    const deadline = Date.now() + (opts.waitMs ?? 0);
    let told = false;
    for (;;) {
      const got = await this.tryTake(purpose, ttlMs);
      if ('lease' in got) return this.held(got.lease, ttlMs);
      if (Date.now() >= deadline) {
        throw FAILURES.leaseHeld(describeHolder(got.busy));
      }
      if (!told) opts.onWait?.(got.busy);
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
  }

  private held(lease: LeaseHolder, ttlMs: number): WriterLease {
    const lost = new AbortController();
    const sql: SqlRunner = this.sql;
    /** True when the row still names this holder and fence (and is now extended). */
    const extendOnce = async (): Promise<boolean> => {
      if (lost.signal.aborted) return false;
      const changed = await sql.run('UPDATE lease SET expires = ? WHERE name = ? AND holder = ? AND fence = ?', [
        new Date(Date.now() + ttlMs).toISOString(),
        this.name,
        lease.holder,
        lease.fence,
      ]);
      if (changed !== 1) lost.abort(FAILURES.leaseTakenOver());
      return changed === 1;
    };
    // A busy or unreachable database is not a lost lease; the next renewal or assertHeld decides.
    const renew = () => void extendOnce().catch(() => undefined);
    const timer = setInterval(renew, Math.max(50, Math.floor(ttlMs / 3)));
    timer.unref();
    let released = false;
    return {
      fence: lease.fence,
      purpose: lease.purpose,
      signal: lost.signal,
      assertHeld: async () => {
        // Extending proves it: the row still names this holder and fence, so no one else took it.
        if (released || !(await extendOnce())) throw FAILURES.leaseLostBeforeWrite(String(lease.fence));
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        try {
          await sql.run(`UPDATE lease SET holder = '', expires = ? WHERE name = ? AND holder = ?`, [new Date().toISOString(), this.name, lease.holder]);
        } catch {
          // Closing over a broken database: the lease simply expires.
        }
      },
    };
  }
}
