/**
 * The embedded engine: one better-sqlite3@12 connection (its calls are synchronous), in WAL mode.
 * A transaction's body awaits between statements, so while it is open every other statement on the
 * same file from this process waits for it, asynchronously: on the same connection it would land
 * inside the transaction, and on another connection SQLite's busy wait would block the one thread
 * that could end it. Other processes wait for SQLite's lock as before.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { FAILURES } from '../failures';
import { makeDirSync } from '../util/environment';
import type { Dialect, SqlDriver, SqlRunner, SqlValue } from './sql';

const SQLITE: Dialect = { engine: 'sqlite', greatest: 'MAX', forShare: '', forUpdate: '', skipLocked: '', identityPast: () => '' };

/**
 * Switch to WAL. On a new file another process may hold the write lock; SQLite then answers BUSY at
 * once, without its busy handler (which could deadlock there), so wait here instead, up to 5 s.
 */
function walMode(db: Database.Database): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

export const DAMAGED_HINT = 'if the file is damaged, `jobcast state adopt` sets it aside and rebuilds the ledger from the current output';

/** Open (creating its folder) the SQLite file; a wrong path or a damaged file is the user's JC_STATE_OPEN, not a stack trace. */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') makeDirSync(path.dirname(file), 'state');
  try {
    const db = new Database(file);
    db.pragma('busy_timeout = 5000');
    walMode(db);
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const damaged = typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)/.test(code);
    throw FAILURES.stateOpen(file, (err as Error).message, damaged ? DAMAGED_HINT : "check the config's state: path");
  }
}

class SqliteRunner implements SqlRunner {
  readonly dialect = SQLITE;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(protected readonly db: Database.Database) {}

  private prepared(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  allNow<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.prepared(sql).all(...params) as T[];
  }

  runNow(sql: string, params: readonly SqlValue[] = []): number {
    return this.prepared(sql).run(...params).changes;
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return Promise.resolve(this.allNow<T>(sql, params));
  }

  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return Promise.resolve(this.runNow(sql, params));
  }

  runMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<number> {
    const s = this.prepared(sql);
    let changed = 0;
    for (const r of rows) changed += s.run(...r).changes;
    return Promise.resolve(changed);
  }
}

/** Whether a transaction is open on a file in this process, and a promise that settles when it ends. */
interface Turn {
  open: boolean;
  ended: Promise<unknown>;
}

const turns = new Map<string, Turn>();

function turnFor(file: string): Turn {
  if (file === ':memory:') return { open: false, ended: Promise.resolve() };
  const key = path.resolve(file);
  let turn = turns.get(key);
  if (!turn) turns.set(key, (turn = { open: false, ended: Promise.resolve() }));
  return turn;
}

export class SqliteDriver extends SqliteRunner implements SqlDriver {
  readonly where: string;
  private readonly turn: Turn;

  constructor(readonly file: string) {
    super(openSqlite(file));
    this.where = file;
    this.turn = turnFor(file);
  }

  /** The raw connection, for the migrations (./schema.ts). */
  get connection(): Database.Database {
    return this.db;
  }

  override async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    // Checked again after each wait, with no await between the check and the statement.
    while (this.turn.open) await this.turn.ended;
    return this.allNow<T>(sql, params);
  }

  override async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    while (this.turn.open) await this.turn.ended;
    return this.runNow(sql, params);
  }

  override async runMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<number> {
    while (this.turn.open) await this.turn.ended;
    return super.runMany(sql, rows);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    while (this.turn.open) await this.turn.ended;
    this.turn.open = true;
    const done = (async () => {
      // IMMEDIATE takes the write lock at once: two processes never both read, then both write.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new SqliteRunner(this.db));
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    })();
    this.turn.ended = done.then(
      () => (this.turn.open = false),
      () => (this.turn.open = false),
    );
    return done;
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
