/**
 * The one seam between the ledger and its engine: statements with `?` placeholders, rows as plain
 * objects, and transactions. The ledger (./ledger.ts) and the lease (./lease.ts) are written once
 * over it; ./sqlite-driver.ts and ./postgres-driver.ts carry what differs between the engines.
 */

export type SqlValue = string | number | null;

/** What differs in the SQL the ledger writes. */
export interface Dialect {
  readonly engine: 'sqlite' | 'postgres';
  /** The larger of two values: SQLite's scalar `MAX`, PostgreSQL's `GREATEST`. */
  readonly greatest: string;
  /** Appended to a SELECT in a transaction to keep the rows from changing until it ends ('' where the transaction already excludes every other writer). */
  readonly forShare: string;
  readonly forUpdate: string;
  /** Appended to a SELECT … FOR UPDATE that claims queue rows: rows another connection has locked are passed over ('' where only one writer runs at a time). */
  readonly skipLocked: string;
  /** After rows were inserted with explicit ids: the statement that moves `table`'s id generator past them ('' where the engine does it itself). */
  identityPast(table: string): string;
}

/** Statements on one connection (or inside one transaction). */
export interface SqlRunner {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement that writes: how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** The same statement for each row of parameters (batched where the engine allows): rows changed in all. */
  runMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<number>;
}

export interface SqlDriver extends SqlRunner {
  /** Where the ledger is, as the user may be shown it (no password). */
  readonly where: string;
  /**
   * `fn` in one transaction that excludes every other writer of the rows it locks: committed when it
   * resolves, rolled back when it throws. Statements outside it wait until it ends (an in-process
   * SQLite connection is shared; PostgreSQL gives the transaction a connection of its own).
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
