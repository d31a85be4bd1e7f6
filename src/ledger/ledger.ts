/**
 * The ledger: what the world has been told, in an embedded SQLite file (better-sqlite3@12) or on a
 * PostgreSQL server shared by several instances (`state: postgres://…`); the same code runs on both
 * through ./sql.ts. The protocol it records is docs/publication.md:
 *
 * - `subjects`: every posting and feed with its version (only grows), lifecycle, content hash and
 *   the digest of its last observation; a posting also keeps its last good content.
 * - `told`: per (receiver, subject), what the receiver was last told: live or gone, at which version.
 * - `outbox`: notifications keyed (receiver, subject, version), written in the same transaction as
 *   the versions and told states they announce, delivered afterwards.
 * - `lease`: the one-writer lease (./lease.ts); `meta`: the ledger's id and last run's sequence.
 *
 * No SQL outside this folder: callers use the methods below.
 */
import { randomUUID } from 'node:crypto';
import { FAILURES } from '../failures';
import type { PostingHistory, PostingLanguages } from '../model/history';
import type { Posting } from '../model/posting';
import { claimedBy, claimSql, holdsSql, orphanedSql, type Claimant, type ClaimQuery, type DeliveryWorker } from './claims';
import { leaseFree, SqlLeaseStore, thisHost, WORKER_PREFIX, WRITER, type LeaseHolder, type LeaseStore, type WriterLease } from './lease';
import { environmentCode, environmentError } from '../util/environment';
import { PostgresDriver } from './postgres-driver';
import { migrate, migratePostgres } from './schema';
import type { SqlDriver, SqlRunner, SqlValue } from './sql';
import { DAMAGED_HINT, SqliteDriver } from './sqlite-driver';
import { isPostgresUrl, unsetVariableOf } from './state-target';

export type { Claimant, ClaimQuery, DeliveryWorker } from './claims';

export type SubjectKind = 'posting' | 'feed';
export type TellState = 'live' | 'gone';
export type OutboxStatus = 'pending' | 'sending' | 'done' | 'failed' | 'waiting' | 'cancelled';

/** A subject's row as planning reads it (Ledger.knownSubjects): all but the stored content. */
export type KnownSubject = Omit<SubjectRow, 'content'>;

export interface SubjectRow {
  subject: string;
  kind: SubjectKind;
  version: number;
  /** Digest of the observation recorded at `version` (see src/publish/observe.ts). */
  digest: string;
  /** Lifecycle state (open, closed, expired, draft, scheduled, removed) or `feed`. */
  lifecycle: string;
  hash: string;
  /** When the content took its current form (sitemap lastmod, feed dates). */
  since: string;
  /** When `version` was reached. */
  changed: string;
  /** A posting's last good content (JSON). */
  content: string | null;
  /** A role in several languages: each language's hash and since (JSON of PostingHistory's `languages`). */
  languages?: string | null;
}

/** Apply clicks of one role from one source channel on one day. */
export interface ClickCount {
  posting: string;
  channel: string;
  day: string;
  count: number;
}

export interface ToldRow {
  receiver: string;
  subject: string;
  state: TellState;
  version: number;
  fingerprint: string;
  /** What the receiver knows beyond the fingerprint (the page URLs it was told), JSON. */
  detail: string | null;
  at: string;
}

export interface OutboxRow {
  id: number;
  key: string;
  notifier: string;
  receiver: string;
  subject: string | null;
  version: number | null;
  event: string | null;
  payload: string;
  created: string;
  run: number | null;
  status: OutboxStatus;
  attempts: number;
  attempt_id: string | null;
  ambiguous: number;
  cancel_if_gone: number;
  next_attempt: string | null;
  last_error: string | null;
  response: string | null;
  done_at: string | null;
  /** Who is sending it (./claims.ts), while `sending`. */
  claimed_by: string | null;
}

export interface NewOutboxItem {
  key: string;
  /** The transport that delivers it (a notifier's name). */
  notifier: string;
  receiver: string;
  subject?: string;
  version?: number;
  event?: string;
  payload: unknown;
  /** Withdraw it when its subject leaves the receiver before it was sent (emails). */
  cancelIfGone?: boolean;
}

/** What one publish run records, in one transaction. */
export interface RunCommit {
  subjects: readonly SubjectRow[];
  told: readonly ToldRow[];
  items: readonly NewOutboxItem[];
  /** (receiver, subject) pairs that went gone: their unsent `cancelIfGone` items are withdrawn. */
  gone: readonly { receiver: string; subject: string }[];
  /** This run's sequence number (default: the last one + 1); versions recorded in it are this number. */
  seq?: number;
}

export interface RunRow {
  id: number;
  started: string;
  finished: string | null;
  ok: number | null;
  summary: string | null;
}

/** Every row of a ledger, for moving it to another engine (`jobcast state migrate`); the lease keeps only its fence. */
export interface LedgerDump {
  meta: { key: string; value: string }[];
  subjects: SubjectRow[];
  told: ToldRow[];
  outbox: OutboxRow[];
  quota: { notifier: string; day: string; used: number }[];
  runs: RunRow[];
  fence: number;
}

const OUTBOX_COLUMNS = [
  'id',
  'key',
  'notifier',
  'receiver',
  'subject',
  'version',
  'event',
  'payload',
  'created',
  'run',
  'status',
  'attempts',
  'attempt_id',
  'ambiguous',
  'cancel_if_gone',
  'next_attempt',
  'last_error',
  'response',
  'done_at',
  'claimed_by',
] as const;

export interface LedgerIdentity {
  id: string;
  /** Sequence number of the last publish run that committed. */
  seq: number;
}

const toldKey = (receiver: string, subject: string): string => `${receiver}\u0000${subject}`;

/** Unsent items a departure withdraws: flagged so, never sent (no attempt may have reached anyone), still queued. */
const WITHDRAWABLE = `receiver = ? AND subject = ? AND cancel_if_gone = 1 AND ambiguous = 0 AND status IN ('pending', 'waiting')`;

/** Open the engine `target` names and bring its schema to this code's (or refuse a newer one). */
async function openDriver(target: string): Promise<SqlDriver> {
  const unset = unsetVariableOf(target);
  if (unset) throw FAILURES.stateEnvUnset(unset);
  if (isPostgresUrl(target)) {
    const driver = await PostgresDriver.connect(target);
    await guardedMigration(driver, () => migratePostgres(driver), 'check that the database is one jobcast made');
    return driver;
  }
  const driver = new SqliteDriver(target);
  await guardedMigration(driver, () => Promise.resolve(migrate(driver.connection)), DAMAGED_HINT);
  return driver;
}

async function guardedMigration(driver: SqlDriver, run: () => Promise<number>, hint: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    await driver.close();
    const newer = /newer than this jobcast/.test((err as Error).message);
    throw newer ? FAILURES.stateNewer(driver.where, (err as Error).message) : FAILURES.stateUnusable(driver.where, `${(err as Error).message} (${hint})`);
  }
}

export class Ledger {
  readonly #sql: SqlDriver;
  /** Where the ledger is: the SQLite file, or the PostgreSQL URL without its password. */
  readonly file: string;
  readonly lease: LeaseStore;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(sql: SqlDriver, env: NodeJS.ProcessEnv) {
    this.#sql = sql;
    this.env = env;
    this.file = sql.where;
    this.lease = new SqlLeaseStore(sql, env);
  }

  /** The ledger at `target`: a SQLite file path, or a `postgres://` URL. */
  static async open(target: string, env: NodeJS.ProcessEnv = process.env): Promise<Ledger> {
    const sql = await openDriver(target);
    const ledger = new Ledger(sql, env);
    try {
      await ledger.#guard(async () => {
        await sql.run(`INSERT INTO meta (key, value) VALUES ('ledger_id', ?) ON CONFLICT (key) DO NOTHING`, [randomUUID()]);
        await sql.run(`INSERT INTO meta (key, value) VALUES ('run_seq', '0') ON CONFLICT (key) DO NOTHING`);
      });
    } catch (err) {
      await sql.close();
      throw err;
    }
    return ledger;
  }

  get engine(): 'sqlite' | 'postgres' {
    return this.#sql.dialect.engine;
  }

  close(): Promise<void> {
    return this.#sql.close();
  }

  /** A write the machine refuses (disk full, read-only) is named with this file, not as a bug. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (environmentCode(err)) throw environmentError(err, `write the state database ${this.file}`);
      throw err;
    }
  }

  /** `fn` in one transaction, fenced: nothing is written unless `lease` is still the current one. */
  #fencedTransaction<T>(lease: WriterLease, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.#guard(() =>
      this.#sql.transaction(async (tx) => {
        await fenced(tx, lease);
        return fn(tx);
      }),
    );
  }

  // identity -----------------------------------------------------------------------------------

  async identity(): Promise<LedgerIdentity> {
    return identityIn(this.#sql);
  }

  /**
   * What makes this ledger's keys its own: a new ledger (a lost one replaced, `--resend-all`) never
   * reuses a key a receiver has seen. Adopting an output keeps its ledger's, and its run numbers.
   */
  async keySpace(): Promise<string> {
    return ((await meta(this.#sql, 'key_space')) ?? (await this.identity()).id).replace(/-/g, '').slice(0, 8);
  }

  /** Start a new key space (`--resend-all`: everything is told again, under new keys). */
  newKeySpace(): Promise<void> {
    return this.#guard(() => setMeta(this.#sql, 'key_space', randomUUID()));
  }

  /** Why the next writer must adopt the output as already told before planning (a legacy ledger). */
  adoptPending(): Promise<string | undefined> {
    return meta(this.#sql, 'adopt_pending');
  }

  /** Nothing recorded yet: no subject, no told state, no notification. */
  async isBlank(): Promise<boolean> {
    for (const t of ['subjects', 'told', 'outbox']) if (await this.#sql.get(`SELECT 1 AS x FROM ${t} LIMIT 1`)) return false;
    return true;
  }

  // subjects and told state ----------------------------------------------------------------------

  async subjects(): Promise<Map<string, SubjectRow>> {
    const rows = await this.#sql.all<SubjectRow>('SELECT * FROM subjects');
    return new Map(rows.map((r) => [r.subject, r]));
  }

  /**
   * Every subject's row without its stored content, which only `lastGood` reads: what planning starts
   * from. At 10,000 roles the contents are some 50 MB, and reading them was most of planning's reads.
   */
  async knownSubjects(): Promise<Map<string, KnownSubject>> {
    const rows = await this.#sql.all<KnownSubject>('SELECT subject, kind, version, digest, lifecycle, hash, since, changed, languages FROM subjects');
    return new Map(rows.map((r) => [r.subject, r]));
  }

  /** Add counted apply clicks (one batch, in one statement per row): the counts grow, whoever else adds. */
  async addClicks(rows: readonly ClickCount[]): Promise<void> {
    if (!rows.length) return;
    await this.#sql.transaction(async (tx) =>
      tx.runMany(
        `INSERT INTO clicks (posting, channel, day, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (posting, channel, day) DO UPDATE SET count = clicks.count + excluded.count`,
        rows.map((r) => [r.posting, r.channel, r.day, r.count]),
      ),
    );
  }

  /** The counted clicks from `since` (a YYYY-MM-DD day, inclusive) on, by role, channel and day. */
  async clicks(since = '0000-00-00'): Promise<ClickCount[]> {
    return this.#sql.all<ClickCount>('SELECT posting, channel, day, count FROM clicks WHERE day >= ? ORDER BY day, posting, channel', [since]);
  }

  /** Each posting's content hash and since, for the build (without the stored contents). */
  async history(): Promise<PostingHistory> {
    const rows = await this.#sql.all<{ subject: string; hash: string; since: string; languages: string | null }>(
      `SELECT subject, hash, since, languages FROM subjects WHERE kind = 'posting'`,
    );
    return Object.fromEntries(
      rows.map((r) => [r.subject, { hash: r.hash, since: r.since, ...(r.languages ? { languages: JSON.parse(r.languages) as PostingLanguages } : {}) }]),
    );
  }

  /** A posting's last good content, as last recorded; none once its file was deleted. */
  async lastGood(id: string): Promise<Posting | undefined> {
    const row = await this.#sql.get<{ content: string | null }>(
      `SELECT content FROM subjects WHERE subject = ? AND kind = 'posting' AND lifecycle != 'removed'`,
      [id],
    );
    return row?.content ? (JSON.parse(row.content) as Posting) : undefined;
  }

  async told(): Promise<Map<string, ToldRow>> {
    const rows = await this.#sql.all<ToldRow>('SELECT * FROM told');
    return new Map(rows.map((r) => [toldKey(r.receiver, r.subject), r]));
  }

  static toldKey = toldKey;

  /**
   * Record one run — new versions, told states and their notifications — in one transaction, and
   * advance the run sequence. Fenced: nothing is written unless `lease` is still current.
   * Returns how many notifications were new (a key already queued is never queued twice).
   */
  commitRun(lease: WriterLease, run: RunCommit, now: Date): Promise<number> {
    return this.#fencedTransaction(lease, (tx) => writeRun(tx, run, now));
  }

  /**
   * Replace what the ledger knows with `run` as already told (nothing queued), under `identity`.
   * Used by `jobcast state adopt` and by the first run on a legacy ledger.
   */
  async adopt(lease: WriterLease, run: Omit<RunCommit, 'items' | 'gone'>, identity: LedgerIdentity, now: Date): Promise<void> {
    await this.#fencedTransaction(lease, async (tx) => {
      await tx.run('DELETE FROM subjects');
      await tx.run('DELETE FROM told');
      await writeRun(tx, { ...run, items: [], gone: [] }, now);
      await setMeta(tx, 'ledger_id', identity.id);
      await setMeta(tx, 'run_seq', String(identity.seq));
      await setMeta(tx, 'adopt_pending', undefined);
    });
  }

  /** Every row, read in one fenced transaction (nothing changes meanwhile under `lease`). */
  dump(lease: WriterLease): Promise<LedgerDump> {
    return this.#fencedTransaction(lease, async (tx) => ({
      meta: await tx.all<{ key: string; value: string }>('SELECT key, value FROM meta ORDER BY key'),
      subjects: await tx.all<SubjectRow>('SELECT * FROM subjects ORDER BY subject'),
      told: await tx.all<ToldRow>('SELECT * FROM told ORDER BY receiver, subject'),
      outbox: await tx.all<OutboxRow>('SELECT * FROM outbox ORDER BY id'),
      quota: await tx.all<{ notifier: string; day: string; used: number }>('SELECT * FROM quota ORDER BY notifier, day'),
      runs: await tx.all<RunRow>('SELECT * FROM runs ORDER BY id'),
      fence: lease.fence,
    }));
  }

  /** Fill this ledger, which must be blank and unleased, with `dump` in one transaction: the same identity, rows and ids, and fences that go on from the dump's. */
  async restore(dump: LedgerDump): Promise<void> {
    await this.#guard(() =>
      this.#sql.transaction(async (tx) => {
        for (const t of ['subjects', 'told', 'outbox', 'runs']) {
          if (await tx.get(`SELECT 1 AS x FROM ${t} LIMIT 1`)) throw FAILURES.stateTargetInUse(this.file, t);
        }
        for (const m of dump.meta) await setMeta(tx, m.key, m.value);
        await writeRun(
          tx,
          { subjects: dump.subjects, told: dump.told, items: [], gone: [], seq: Number(dump.meta.find((m) => m.key === 'run_seq')?.value ?? 0) },
          new Date(0),
        );
        await tx.runMany(
          `INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}) VALUES (${OUTBOX_COLUMNS.map(() => '?').join(', ')})`,
          dump.outbox.map((o) => OUTBOX_COLUMNS.map((c) => o[c])),
        );
        await tx.runMany(
          'INSERT INTO quota (notifier, day, used) VALUES (?, ?, ?)',
          dump.quota.map((q) => [q.notifier, q.day, q.used]),
        );
        await tx.runMany(
          'INSERT INTO runs (id, started, finished, ok, summary) VALUES (?, ?, ?, ?, ?)',
          dump.runs.map((r) => [r.id, r.started, r.finished, r.ok, r.summary]),
        );
        for (const t of ['outbox', 'runs']) if (tx.dialect.identityPast(t)) await tx.get(tx.dialect.identityPast(t));
        await tx.run(
          `INSERT INTO lease (name, holder, purpose, pid, host, acquired, expires, fence) VALUES ('writer', '', '', 0, '', '', '', ?) ON CONFLICT (name) DO UPDATE SET fence = ${tx.dialect.greatest}(lease.fence, excluded.fence)`,
          [dump.fence],
        );
      }),
    );
  }

  // outbox -------------------------------------------------------------------------------------

  async outbox(filter: { status?: OutboxStatus; subject?: string; keys?: readonly string[] } = {}): Promise<OutboxRow[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.subject) {
      where.push('subject = ?');
      args.push(filter.subject);
    }
    const rows = await this.#sql.all<OutboxRow>(`SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`, args);
    if (!filter.keys) return rows;
    const keys = new Set(filter.keys);
    return rows.filter((r) => keys.has(r.key));
  }

  /** What `commitRun` would withdraw for these departures (the same rule, read only): for --dry-run. */
  async withdrawable(gone: readonly { receiver: string; subject: string }[]): Promise<OutboxRow[]> {
    const found: OutboxRow[] = [];
    for (const g of gone) found.push(...(await this.#sql.all<OutboxRow>(`SELECT * FROM outbox WHERE ${WITHDRAWABLE} ORDER BY id`, [g.receiver, g.subject])));
    return found;
  }

  /** Items still to deliver (pending or waiting for configuration), oldest first. */
  unresolved(): Promise<OutboxRow[]> {
    return this.#sql.all<OutboxRow>(`SELECT * FROM outbox WHERE status IN ('pending', 'waiting') ORDER BY id`);
  }

  /** Each receiver with items due by `now` (pending, or also waiting), with its notifier: the queues a delivery round opens. */
  receiversWithWork(waiting: boolean, now: Date): Promise<{ receiver: string; notifier: string }[]> {
    return this.#sql.all(
      `SELECT receiver, notifier FROM outbox WHERE status IN (${waiting ? `'pending', 'waiting'` : `'pending'`})
        AND (status = 'waiting' OR next_attempt IS NULL OR next_attempt <= ?) GROUP BY receiver, notifier ORDER BY receiver`,
      [now.toISOString()],
    );
  }

  async unresolvedCount(): Promise<number> {
    return Number((await this.#sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'waiting')`))?.n ?? 0);
  }

  /** The newest item per (receiver, subject): what the admin shows as a delivery's state. */
  async latestPerReceiver(subject?: string): Promise<Map<string, OutboxRow>> {
    const rows = await this.#sql.all<OutboxRow>(
      `SELECT o.* FROM outbox o JOIN (SELECT MAX(id) AS id FROM outbox WHERE subject IS NOT NULL ${subject ? 'AND subject = ?' : ''} GROUP BY receiver, subject) m ON o.id = m.id`,
      subject ? [subject] : [],
    );
    return new Map(rows.map((r) => [toldKey(r.receiver, r.subject!), r]));
  }

  /**
   * Items a dead claimant left `sending` (a writer whose lease moved on or lapsed, a delivery worker
   * whose lease row is gone or lapsed): the request may or may not have reached the receiver, so they
   * go back to pending, marked ambiguous, and are re-sent under the same key. A live claimant's items
   * are left alone: it is sending them. Fenced when `lease` is given (a publish run).
   */
  recoverInterrupted(lease?: WriterLease): Promise<number> {
    const recover = async (tx: SqlRunner): Promise<number> => {
      const now = Date.now();
      const host = thisHost();
      const rows = await tx.all<LeaseHolder & { name: string }>('SELECT name, holder, purpose, pid, host, acquired, expires, fence FROM lease');
      for (const w of rows.filter((r) => r.name.startsWith(WORKER_PREFIX) && leaseFree(r, now, host))) {
        // Only as read: a worker that renewed meanwhile keeps its row and its items.
        await tx.run('DELETE FROM lease WHERE name = ? AND holder = ? AND expires = ?', [w.name, w.holder, w.expires]);
      }
      const writer = rows.find((r) => r.name === WRITER);
      const liveWriter = writer && !leaseFree(writer, now, host) ? claimedBy({ writer: writer }) : '';
      return tx.run(
        `UPDATE outbox SET status = 'pending', ambiguous = 1, attempt_id = NULL, claimed_by = NULL,
          last_error = 'interrupted while sending: it may have been delivered; re-sent with the same key' WHERE ${orphanedSql}`,
        [liveWriter],
      );
    };
    return lease ? this.#fencedTransaction(lease, recover) : this.#guard(() => this.#sql.transaction(recover));
  }

  /** A new delivery worker's lease row, held (renewed) until released; its claims die with it. */
  async deliveryWorker(purpose: string): Promise<DeliveryWorker> {
    const name = `${WORKER_PREFIX}${randomUUID()}`;
    const lease = await this.#guard(() => new SqlLeaseStore(this.#sql, this.env, name).acquire(purpose));
    return { name, lease };
  }

  /**
   * Claim up to `q.limit` items of one receiver to send (`sending`, under one new attempt id), oldest
   * first: only items due, of the notifiers named, each the first unsettled item of its lane (receiver
   * and subject), so a subject's items still go in order when several workers deliver. Rows another
   * worker is claiming are passed over (SKIP LOCKED). Nothing is claimed once `who` lost its lease.
   */
  async claim(who: Claimant, q: ClaimQuery): Promise<OutboxRow[]> {
    if (!q.notifiers.length || q.limit <= 0) return [];
    const { sql, params } = claimSql(this.#sql.dialect, who, q, randomUUID());
    const rows = await this.#guard(() => this.#sql.all<OutboxRow>(sql, params));
    return rows.map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
  }

  /** Whether `who` still holds the lease its claims need. */
  async holds(who: Claimant): Promise<boolean> {
    const { sql, params } = holdsSql(this.#sql.dialect, who, 'SELECT 1 AS x WHERE');
    return Boolean(await this.#sql.get(sql, params));
  }

  /** A claimed item not attempted after all (the run stopped): back to pending, no attempt counted. */
  async release(id: number, attemptId: string): Promise<void> {
    await this.#outcome(`status = 'pending'`, [], id, attemptId);
  }

  /*
   * An attempt's outcome is written only while the item is still `sending` under that attempt: a
   * writer that lost its lease (stopped, then woke up) cannot overwrite what the next one recorded.
   */
  private static readonly MINE = `WHERE id = ? AND status = 'sending' AND attempt_id = ?`;

  async #outcome(set: string, params: readonly SqlValue[], id: number, attemptId: string): Promise<void> {
    await this.#guard(() => this.#sql.run(`UPDATE outbox SET ${set} ${Ledger.MINE}`, [...params, id, attemptId]));
  }

  markDone(id: number, attemptId: string, response: string, now: Date): Promise<void> {
    return this.#outcome(
      `status = 'done', attempts = attempts + 1, response = ?, done_at = ?, last_error = NULL, next_attempt = NULL`,
      [response, now.toISOString()],
      id,
      attemptId,
    );
  }

  /** A failed attempt to try again at `next`; `ambiguous` when the receiver may have got it. */
  markRetry(id: number, attemptId: string, error: string, next: Date, ambiguous: boolean): Promise<void> {
    const greatest = this.#sql.dialect.greatest;
    return this.#outcome(
      `status = 'pending', attempts = attempts + 1, last_error = ?, next_attempt = ?, ambiguous = ${greatest}(ambiguous, ?)`,
      [error, next.toISOString(), ambiguous ? 1 : 0],
      id,
      attemptId,
    );
  }

  markFailed(id: number, attemptId: string, error: string): Promise<void> {
    return this.#outcome(`status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt = NULL`, [error], id, attemptId);
  }

  /** Not attempted: the transport is not configured. No attempt counted; checked again every run. */
  markWaiting(id: number, attemptId: string, reason: string): Promise<void> {
    return this.#outcome(`status = 'waiting', last_error = ?, next_attempt = NULL`, [reason], id, attemptId);
  }

  /** Back to pending without counting an attempt (quota, a receiver's budget for this run). */
  defer(id: number, attemptId: string, until: Date | null, reason?: string): Promise<void> {
    return this.#outcome(
      `status = 'pending', next_attempt = ?, last_error = COALESCE(?, last_error)`,
      [until ? until.toISOString() : null, reason ?? null],
      id,
      attemptId,
    );
  }

  outboxCounts(): Promise<{ notifier: string; status: string; n: number }[]> {
    return this.#sql.all(`SELECT notifier, status, COUNT(*) AS n FROM outbox GROUP BY notifier, status ORDER BY notifier, status`);
  }

  /** Postings per lifecycle state as last recorded (for /metrics). */
  lifecycleCounts(): Promise<{ lifecycle: string; n: number }[]> {
    return this.#sql.all(`SELECT lifecycle, COUNT(*) AS n FROM subjects WHERE kind = 'posting' GROUP BY lifecycle ORDER BY lifecycle`);
  }

  // quota --------------------------------------------------------------------------------------

  async quotaUsed(notifier: string, day: string): Promise<number> {
    return (await this.#sql.get<{ used: number }>('SELECT used FROM quota WHERE notifier = ? AND day = ?', [notifier, day]))?.used ?? 0;
  }

  /** Take one request of the day's `budget` when one is left, in one statement (concurrent deliveries, several instances): whether it was taken. */
  async takeQuota(notifier: string, day: string, budget: number): Promise<boolean> {
    if (budget <= 0) return false;
    const taken = await this.#guard(() =>
      this.#sql.run(
        `INSERT INTO quota (notifier, day, used) VALUES (?, ?, 1) ON CONFLICT (notifier, day) DO UPDATE SET used = quota.used + 1 WHERE quota.used < ?`,
        [notifier, day, budget],
      ),
    );
    return taken === 1;
  }

  /** Count `by` requests against the day's budget (−1 gives back a reservation that was not used). */
  async useQuota(notifier: string, day: string, by = 1): Promise<void> {
    const greatest = this.#sql.dialect.greatest;
    await this.#guard(() =>
      this.#sql.run(
        `INSERT INTO quota (notifier, day, used) VALUES (?, ?, ${greatest}(0, ?)) ON CONFLICT (notifier, day) DO UPDATE SET used = ${greatest}(0, quota.used + ?)`,
        [notifier, day, by, by],
      ),
    );
  }

  // runs ---------------------------------------------------------------------------------------

  async startRun(now: Date): Promise<number> {
    const row = await this.#guard(() => this.#sql.get<{ id: number }>('INSERT INTO runs (started) VALUES (?) RETURNING id', [now.toISOString()]));
    return Number(row!.id);
  }

  async finishRun(id: number, ok: boolean, summary: unknown, now: Date): Promise<void> {
    await this.#guard(() =>
      this.#sql.run('UPDATE runs SET finished = ?, ok = ?, summary = ? WHERE id = ?', [now.toISOString(), ok ? 1 : 0, JSON.stringify(summary), id]),
    );
  }

  runs(limit = 20): Promise<RunRow[]> {
    return this.#sql.all<RunRow>('SELECT * FROM runs ORDER BY id DESC LIMIT ?', [limit]);
  }

  lastSuccessfulRun(): Promise<RunRow | undefined> {
    return this.#sql.get<RunRow>('SELECT * FROM runs WHERE ok = 1 ORDER BY id DESC LIMIT 1');
  }
}

async function meta(sql: SqlRunner, key: string): Promise<string | undefined> {
  return (await sql.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]))?.value;
}

async function setMeta(sql: SqlRunner, key: string, value: string | undefined): Promise<void> {
  if (value === undefined) await sql.run('DELETE FROM meta WHERE key = ?', [key]);
  else await sql.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}

async function identityIn(sql: SqlRunner): Promise<LedgerIdentity> {
  return { id: (await meta(sql, 'ledger_id'))!, seq: Number((await meta(sql, 'run_seq')) ?? 0) };
}

/** Throws JC_LEASE_LOST inside a transaction unless `lease` is still the current one; the row stays locked until the transaction ends. */
async function fenced(tx: SqlRunner, lease: WriterLease): Promise<void> {
  const row = await tx.get<{ fence: number; holder: string }>(`SELECT fence, holder FROM lease WHERE name = 'writer'${tx.dialect.forShare}`);
  if (!row || row.fence !== lease.fence || !row.holder) {
    throw FAILURES.leaseLostInWrite(String(lease.fence), String(row?.fence ?? 'none'));
  }
}

async function writeRun(tx: SqlRunner, run: RunCommit, now: Date): Promise<number> {
  await tx.runMany(
    `INSERT INTO subjects (subject, kind, version, digest, lifecycle, hash, since, changed, content, languages)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (subject) DO UPDATE SET kind = excluded.kind, version = excluded.version, digest = excluded.digest,
       lifecycle = excluded.lifecycle, hash = excluded.hash, since = excluded.since, changed = excluded.changed,
       content = COALESCE(excluded.content, subjects.content), languages = excluded.languages`,
    run.subjects.map((s) => [s.subject, s.kind, s.version, s.digest, s.lifecycle, s.hash, s.since, s.changed, s.content, s.languages ?? null]),
  );
  await tx.runMany(
    `INSERT INTO told (receiver, subject, state, version, fingerprint, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (receiver, subject) DO UPDATE SET state = excluded.state, version = excluded.version, fingerprint = excluded.fingerprint, detail = excluded.detail, at = excluded.at`,
    run.told.map((t) => [t.receiver, t.subject, t.state, t.version, t.fingerprint, t.detail, t.at]),
  );
  for (const g of run.gone) {
    await tx.run(`UPDATE outbox SET status = 'cancelled', last_error = 'withdrawn: the role left before this was sent' WHERE ${WITHDRAWABLE}`, [
      g.receiver,
      g.subject,
    ]);
  }
  const seq = run.seq ?? (await identityIn(tx)).seq + 1;
  const added = await tx.runMany(
    `INSERT INTO outbox (key, notifier, receiver, subject, version, event, payload, created, run, cancel_if_gone)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    run.items.map((it) => [
      it.key,
      it.notifier,
      it.receiver,
      it.subject ?? null,
      it.version ?? null,
      it.event ?? null,
      JSON.stringify(it.payload),
      now.toISOString(),
      seq,
      it.cancelIfGone ? 1 : 0,
    ]),
  );
  await setMeta(tx, 'run_seq', String(seq));
  return added;
}
