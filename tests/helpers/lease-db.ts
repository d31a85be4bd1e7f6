/**
 * Direct access to a state database's `lease` row, for setting up what another process (alive,
 * killed, on another machine, damaged) would have left, and for reading what a run left.
 */
import Database from 'better-sqlite3';
import type { LeaseHolder } from '../../src/ledger/lease';
import type { OutboxRow } from '../../src/ledger/ledger';

function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export const readLease = (file: string): LeaseHolder | undefined =>
  withDb(
    file,
    (db) => db.prepare(`SELECT holder, purpose, pid, host, acquired, expires, fence FROM lease WHERE name = 'writer'`).get() as LeaseHolder | undefined,
  );

/** Insert or replace the writer row as given. */
export function writeLease(file: string, row: LeaseHolder): void {
  withDb(file, (db) =>
    db
      .prepare(
        `INSERT OR REPLACE INTO lease (name, holder, purpose, pid, host, acquired, expires, fence)
    VALUES ('writer', @holder, @purpose, @pid, @host, @acquired, @expires, @fence)`,
      )
      .run(row),
  );
}

/** Change some columns of the existing writer row. */
export function patchLease(file: string, patch: Partial<LeaseHolder>): void {
  const keys = Object.keys(patch);
  if (!keys.length) return;
  withDb(file, (db) => {
    const changed = db.prepare(`UPDATE lease SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE name = 'writer'`).run(patch).changes;
    if (changed !== 1) throw new Error(`no writer lease row in ${file} to patch`);
  });
}

/** Every outbox row, oldest first, as another process left them. */
export const readOutbox = (file: string): OutboxRow[] => withDb(file, (db) => db.prepare('SELECT * FROM outbox ORDER BY id').all() as OutboxRow[]);

export const countRows = (file: string, sql: string, ...args: unknown[]): number => withDb(file, (db) => (db.prepare(sql).get(...args) as { n: number }).n);

/** True when no process with this pid exists on this machine (kill -0 answers ESRCH). */
export function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
