/**
 * The ledger on PostgreSQL (the `pg` client), for several instances sharing one ledger. Statements
 * keep the ledger's `?` placeholders, numbered here; `bigint` (COUNT, identities) is read as a
 * number, as SQLite gives it. A transaction has a pooled connection of its own.
 */
import pg from 'pg';
import { FAILURES } from '../failures';
import type { Dialect, SqlDriver, SqlRunner, SqlValue } from './sql';
import { shownUrl } from './state-target';

const POSTGRES: Dialect = {
  engine: 'postgres',
  greatest: 'GREATEST',
  forShare: ' FOR SHARE',
  forUpdate: ' FOR UPDATE',
  skipLocked: ' FOR UPDATE SKIP LOCKED',
  identityPast: (table) => `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM ${table}`,
};

/** PostgreSQL caps a statement at 65,535 parameters; batches stay well below. */
const BATCH_PARAMS = 30_000;

/** `?` → `$1`, `$2`, … (the ledger's SQL has no `?` inside literals). */
export function numbered(sql: string, from = 1): string {
  let n = from - 1;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const INT8 = 20;
const parserOf = (oid: number, format?: 'text' | 'binary'): ((v: string) => unknown) =>
  oid === INT8 ? (v: string) => Number(v) : (pg.types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown);
const types: pg.CustomTypesConfig = { getTypeParser: parserOf as pg.CustomTypesConfig['getTypeParser'] };

/** `INSERT … VALUES (?, ?)` with one row's parameters → the same for many rows, as one statement. */
function multiRow(sql: string, count: number): string | undefined {
  const m = /VALUES\s*\(([^)]*)\)/i.exec(sql);
  if (!m) return undefined;
  const row = `(${m[1]})`;
  return `${sql.slice(0, m.index)}VALUES ${Array.from({ length: count }, () => row).join(', ')}${sql.slice(m.index + m[0].length)}`;
}

class PostgresRunner implements SqlRunner {
  readonly dialect = POSTGRES;

  constructor(private readonly q: pg.Pool | pg.PoolClient) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.q.query(numbered(sql), params as SqlValue[])).rows as T[];
  }

  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.q.query(numbered(sql), params as SqlValue[])).rowCount ?? 0;
  }

  /** An INSERT … VALUES is sent a batch of rows at a time; anything else row by row. */
  async runMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<number> {
    const width = rows[0]?.length ?? 0;
    const per = width ? Math.max(1, Math.floor(BATCH_PARAMS / width)) : 1;
    let changed = 0;
    if (!width || !multiRow(sql, 1)) {
      for (const r of rows) changed += await this.run(sql, r);
      return changed;
    }
    for (let at = 0; at < rows.length; at += per) {
      const batch = rows.slice(at, at + per);
      changed += await this.run(multiRow(sql, batch.length)!, batch.flat());
    }
    return changed;
  }
}

export class PostgresDriver extends PostgresRunner implements SqlDriver {
  readonly where: string;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    super(pool);
    this.where = shownUrl(url);
  }

  /** Connect (one round trip proves the URL and the credentials), or JC_STATE_OPEN naming the server. */
  static async connect(url: string): Promise<PostgresDriver> {
    // A single statement (an attempt's claim or outcome, a lease renewal, a quota count) is not waited
    // for on the server's disk: losing the last of them to a server crash only re-sends an item under
    // its key, as a crash of jobcast does (7x faster delivery bookkeeping, measured). Transactions (a
    // run, a lease taken, a migration) still are, and flush every earlier write with them.
    const pool = new pg.Pool({ connectionString: url, max: 4, types, connectionTimeoutMillis: 10_000, options: '-c synchronous_commit=off' });
    // An idle connection the server dropped must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw FAILURES.stateOpen(
        shownUrl(url),
        (err as Error).message,
        "check the PostgreSQL URL of the config's state: (or the variable stateEnv names), and that the server is up",
      );
    }
    return new PostgresDriver(pool, url);
  }

  /**
   * A pooled connection for `fn` alone. A connection the server drops while it is checked out emits
   * 'error' on the client, which would end the process without a listener: the failure reaches `fn`
   * through its next query instead, and the broken connection is thrown away, not pooled again.
   */
  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => void (broken = err);
    client.on('error', onError);
    try {
      return await fn(client);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL synchronous_commit TO on');
        const result = await fn(new PostgresRunner(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** A session of its own for work that must keep one connection (the migrations' advisory lock). */
  session<T>(fn: (s: SqlRunner & { client: pg.PoolClient }) => Promise<T>): Promise<T> {
    return this.withClient((client) => fn(Object.assign(new PostgresRunner(client), { client })));
  }

  private closing: Promise<void> | undefined;

  /** Once: a second call waits for the first (a crashed run's ledger is closed by the crash and again by its owner). */
  close(): Promise<void> {
    return (this.closing ??= this.pool.end());
  }
}
