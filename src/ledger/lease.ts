/**
 * The writer lease: one process at a time changes the output or the ledger (docs/publication.md,
 * "One writer"). The contract is small so that it maps onto other engines (a PostgreSQL advisory
 * lock plus the same fence column): acquire, renew while working, prove it is still held right
 * before a write, release.
 */
import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import type Database from 'better-sqlite3';
import { FAILURES } from '../failures';
import { envInteger } from '../util/env-integer';

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
  /** Throws JC_LEASE_LOST unless this lease is still the current one; extends it when it is. */
  assertHeld(): void;
  release(): void;
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
  current(now?: Date): LeaseHolder | undefined;
}

const NAME = 'writer';
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

export class SqliteLeaseStore implements LeaseStore {
  private readonly host = thisHost();

  constructor(
    private readonly db: Database.Database,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private row(): LeaseHolder | undefined {
    return this.db.prepare('SELECT holder, purpose, pid, host, acquired, expires, fence FROM lease WHERE name = ?').get(NAME) as LeaseHolder | undefined;
  }

  /** Free: never taken, released, expired, or its holder's process on this machine is gone. */
  private free(row: LeaseHolder | undefined, now: number): boolean {
    if (!row || !row.holder) return true;
    // An unreadable expiry counts as expired: a damaged row must never block every later run.
    if (!(Date.parse(row.expires) > now)) return true;
    return row.host === this.host && row.pid !== process.pid && processGone(row.pid);
  }

  current(now = new Date()): LeaseHolder | undefined {
    const row = this.row();
    return this.free(row, now.getTime()) ? undefined : row;
  }

  /** One attempt, in an immediate transaction so that two starters never both win. */
  private tryTake(purpose: string, ttlMs: number): { lease: LeaseHolder } | { busy: LeaseHolder } {
    return this.db
      .transaction((): { lease: LeaseHolder } | { busy: LeaseHolder } => {
        const now = Date.now();
        const row = this.row();
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
        this.db
          .prepare(
            `INSERT INTO lease (name, holder, purpose, pid, host, acquired, expires, fence) VALUES (@name, @holder, @purpose, @pid, @host, @acquired, @expires, @fence)
          ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, purpose = excluded.purpose, pid = excluded.pid, host = excluded.host,
          acquired = excluded.acquired, expires = excluded.expires, fence = excluded.fence`,
          )
          .run({ name: NAME, ...lease });
        return { lease };
      })
      .immediate();
  }

  async acquire(purpose: string, opts: AcquireOptions = {}): Promise<WriterLease> {
    const ttlMs = opts.ttlMs ?? defaultTtlMs(this.env);
    const deadline = Date.now() + (opts.waitMs ?? 0);
    let told = false;
    for (;;) {
      const got = this.tryTake(purpose, ttlMs);
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
    const extend = this.db.prepare('UPDATE lease SET expires = ? WHERE name = ? AND holder = ? AND fence = ?');
    /** True when the row still names this holder and fence (and is now extended). */
    const extendOnce = (): boolean => {
      if (lost.signal.aborted) return false;
      const ok = extend.run(new Date(Date.now() + ttlMs).toISOString(), NAME, lease.holder, lease.fence).changes === 1;
      if (!ok) lost.abort(FAILURES.leaseTakenOver());
      return ok;
    };
    const renew = () => {
      try {
        extendOnce();
      } catch {
        // A busy database is not a lost lease; the next renewal or assertHeld decides.
      }
    };
    const timer = setInterval(renew, Math.max(50, Math.floor(ttlMs / 3)));
    timer.unref();
    let released = false;
    return {
      fence: lease.fence,
      purpose: lease.purpose,
      signal: lost.signal,
      assertHeld: () => {
        // Extending proves it: the row still names this holder and fence, so no one else took it.
        if (released || !extendOnce()) throw FAILURES.leaseLostBeforeWrite(String(lease.fence));
      },
      release: () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        try {
          this.db.prepare(`UPDATE lease SET holder = '', expires = ? WHERE name = ? AND holder = ?`).run(new Date().toISOString(), NAME, lease.holder);
        } catch {
          // Closing over a broken database: the lease simply expires.
        }
      },
    };
  }
}
