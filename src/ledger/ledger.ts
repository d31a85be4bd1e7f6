/**
 * The ledger: what the world has been told, in an embedded SQLite file (better-sqlite3@12). The
 * protocol it records is docs/publication.md:
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
import path from 'node:path';
import Database from 'better-sqlite3';
import { FAILURES } from '../failures';
import type { PostingHistory } from '../model/history';
import type { Posting } from '../model/posting';
import { SqliteLeaseStore, type LeaseStore, type WriterLease } from './lease';
import { environmentCode, environmentError, makeDirSync } from '../util/environment';
import { migrate } from './schema';

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

export interface LedgerIdentity {
  id: string;
  /** Sequence number of the last publish run that committed. */
  seq: number;
}

const toldKey = (receiver: string, subject: string): string => `${receiver}\u0000${subject}`;

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

const DAMAGED_HINT = 'if the file is damaged, `jobcast state adopt` sets it aside and rebuilds the ledger from the current output';

/** Unsent items a departure withdraws: flagged so, never sent (no attempt may have reached anyone), still queued. */
const WITHDRAWABLE = `receiver = ? AND subject = ? AND cancel_if_gone = 1 AND ambiguous = 0 AND status IN ('pending', 'waiting')`;

export class Ledger {
  readonly #db: Database.Database;
  readonly file: string;
  readonly lease: LeaseStore;

  constructor(file: string, env: NodeJS.ProcessEnv = process.env) {
    this.file = file;
    if (file !== ':memory:') makeDirSync(path.dirname(file), 'state');
    try {
      this.#db = new Database(file);
      this.#db.pragma('busy_timeout = 5000');
      walMode(this.#db);
      this.#db.pragma('synchronous = NORMAL');
    } catch (err) {
      // A wrong `state` path or permissions is a setup mistake: say which file, not a stack trace.
      const code = (err as { code?: unknown }).code;
      const damaged = typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)/.test(code);
      const hint = damaged ? DAMAGED_HINT : "check the config's state: path";
      throw FAILURES.stateOpen(file, (err as Error).message, hint);
    }
    try {
      migrate(this.#db);
    } catch (err) {
      this.#db.close();
      const newer = /newer than this jobcast/.test((err as Error).message);
      throw newer ? FAILURES.stateNewer(file, (err as Error).message) : FAILURES.stateUnusable(file, `${(err as Error).message} (${DAMAGED_HINT})`);
    }
    this.lease = new SqliteLeaseStore(this.#db, env);
    this.#db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('ledger_id', ?)`).run(randomUUID());
    this.#db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('run_seq', '0')`).run();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** A write the machine refuses (disk full, read-only) is named with this file, not as a bug. */
  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (environmentCode(err)) throw environmentError(err, `write the state database ${this.file}`);
      throw err;
    }
  }

  private meta(key: string): string | undefined {
    return (this.#db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.#db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else this.#db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Throws JC_LEASE_LOST inside a transaction unless `lease` is still the current one. */
  private fenced(lease: WriterLease): void {
    const row = this.#db.prepare(`SELECT fence, holder FROM lease WHERE name = 'writer'`).get() as { fence: number; holder: string } | undefined;
    if (!row || row.fence !== lease.fence || !row.holder) {
      throw FAILURES.leaseLostInWrite(String(lease.fence), String(row?.fence ?? 'none'));
    }
  }

  // identity -----------------------------------------------------------------------------------

  identity(): LedgerIdentity {
    return { id: this.meta('ledger_id')!, seq: Number(this.meta('run_seq') ?? 0) };
  }

  /**
   * What makes this ledger's keys its own: a new ledger (a lost one replaced, `--resend-all`) never
   * reuses a key a receiver has seen. Adopting an output keeps its ledger's, and its run numbers.
   */
  keySpace(): string {
    return (this.meta('key_space') ?? this.identity().id).replace(/-/g, '').slice(0, 8);
  }

  /** Start a new key space (`--resend-all`: everything is told again, under new keys). */
  newKeySpace(): void {
    this.setMeta('key_space', randomUUID());
  }

  /** Why the next writer must adopt the output as already told before planning (a legacy ledger). */
  adoptPending(): string | undefined {
    return this.meta('adopt_pending');
  }

  /** Nothing recorded yet: no subject, no told state, no notification. */
  isBlank(): boolean {
    const n = (t: string) => (this.#db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return n('subjects') === 0 && n('told') === 0 && n('outbox') === 0;
  }

  // subjects and told state ----------------------------------------------------------------------

  subjects(): Map<string, SubjectRow> {
    const rows = this.#db.prepare('SELECT * FROM subjects').all() as SubjectRow[];
    return new Map(rows.map((r) => [r.subject, r]));
  }

  /**
   * Every subject's row without its stored content, which only `lastGood` reads: what planning starts
   * from. At 10,000 roles the contents are some 50 MB, and reading them was most of planning's reads.
   */
  knownSubjects(): Map<string, KnownSubject> {
    const rows = this.#db.prepare('SELECT subject, kind, version, digest, lifecycle, hash, since, changed FROM subjects').all() as KnownSubject[];
    return new Map(rows.map((r) => [r.subject, r]));
  }

  /** Each posting's content hash and since, for the build (without the stored contents). */
  history(): PostingHistory {
    const rows = this.#db.prepare(`SELECT subject, hash, since FROM subjects WHERE kind = 'posting'`).all() as {
      subject: string;
      hash: string;
      since: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.subject, { hash: r.hash, since: r.since }]));
  }

  /** A posting's last good content, as last recorded; none once its file was deleted. */
  lastGood(id: string): Posting | undefined {
    const row = this.#db.prepare(`SELECT content FROM subjects WHERE subject = ? AND kind = 'posting' AND lifecycle != 'removed'`).get(id) as
      { content: string | null } | undefined;
    return row?.content ? (JSON.parse(row.content) as Posting) : undefined;
  }

  told(): Map<string, ToldRow> {
    const rows = this.#db.prepare('SELECT * FROM told').all() as ToldRow[];
    return new Map(rows.map((r) => [toldKey(r.receiver, r.subject), r]));
  }

  static toldKey = toldKey;

  private writeRun(run: RunCommit, now: Date): number {
    const subject = this.#db.prepare(
      `INSERT INTO subjects (subject, kind, version, digest, lifecycle, hash, since, changed, content)
       VALUES (@subject, @kind, @version, @digest, @lifecycle, @hash, @since, @changed, @content)
       ON CONFLICT (subject) DO UPDATE SET kind = excluded.kind, version = excluded.version, digest = excluded.digest,
         lifecycle = excluded.lifecycle, hash = excluded.hash, since = excluded.since, changed = excluded.changed,
         content = COALESCE(excluded.content, subjects.content)`,
    );
    const told = this.#db.prepare(
      `INSERT INTO told (receiver, subject, state, version, fingerprint, detail, at) VALUES (@receiver, @subject, @state, @version, @fingerprint, @detail, @at)
       ON CONFLICT (receiver, subject) DO UPDATE SET state = excluded.state, version = excluded.version, fingerprint = excluded.fingerprint, detail = excluded.detail, at = excluded.at`,
    );
    const withdraw = this.#db.prepare(
      `UPDATE outbox SET status = 'cancelled', last_error = 'withdrawn: the role left before this was sent' WHERE ${WITHDRAWABLE}`,
    );
    const insert = this.#db.prepare(
      `INSERT OR IGNORE INTO outbox (key, notifier, receiver, subject, version, event, payload, created, run, cancel_if_gone)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const s of run.subjects) subject.run(s);
    for (const t of run.told) told.run(t);
    for (const g of run.gone) withdraw.run(g.receiver, g.subject);
    const seq = run.seq ?? this.identity().seq + 1;
    let added = 0;
    for (const it of run.items) {
      added += insert.run(
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
      ).changes;
    }
    this.setMeta('run_seq', String(seq));
    return added;
  }

  /**
   * Record one run — new versions, told states and their notifications — in one transaction, and
   * advance the run sequence. Fenced: nothing is written unless `lease` is still current.
   * Returns how many notifications were new (a key already queued is never queued twice).
   */
  commitRun(lease: WriterLease, run: RunCommit, now: Date): number {
    return this.#guard(() => {
      return this.#db
        .transaction(() => {
          this.fenced(lease);
          return this.writeRun(run, now);
        })
        .immediate();
    });
  }

  /**
   * Replace what the ledger knows with `run` as already told (nothing queued), under `identity`.
   * Used by `jobcast state adopt` and by the first run on a legacy ledger.
   */
  adopt(lease: WriterLease, run: Omit<RunCommit, 'items' | 'gone'>, identity: LedgerIdentity, now: Date): void {
    this.#guard(() => {
      this.#db
        .transaction(() => {
          this.fenced(lease);
          this.#db.prepare('DELETE FROM subjects').run();
          this.#db.prepare('DELETE FROM told').run();
          this.writeRun({ ...run, items: [], gone: [] }, now);
          this.setMeta('ledger_id', identity.id);
          this.setMeta('run_seq', String(identity.seq));
          this.setMeta('adopt_pending', undefined);
        })
        .immediate();
    });
  }

  // outbox -------------------------------------------------------------------------------------

  outbox(filter: { status?: OutboxStatus; subject?: string; keys?: readonly string[] } = {}): OutboxRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.subject) {
      where.push('subject = ?');
      args.push(filter.subject);
    }
    const rows = this.#db.prepare(`SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`).all(...args) as OutboxRow[];
    if (!filter.keys) return rows;
    const keys = new Set(filter.keys);
    return rows.filter((r) => keys.has(r.key));
  }

  /** Items still to deliver (pending or waiting for configuration), oldest first. */
  /** What `commitRun` would withdraw for these departures (the same rule, read only): for --dry-run. */
  withdrawable(gone: readonly { receiver: string; subject: string }[]): OutboxRow[] {
    const find = this.#db.prepare(`SELECT * FROM outbox WHERE ${WITHDRAWABLE} ORDER BY id`);
    return gone.flatMap((g) => find.all(g.receiver, g.subject) as OutboxRow[]);
  }

  unresolved(): OutboxRow[] {
    return this.#db.prepare(`SELECT * FROM outbox WHERE status IN ('pending', 'waiting') ORDER BY id`).all() as OutboxRow[];
  }

  /** The newest item per (receiver, subject): what the admin shows as a delivery's state. */
  latestPerReceiver(subject?: string): Map<string, OutboxRow> {
    const rows = this.#db
      .prepare(
        `SELECT o.* FROM outbox o JOIN (SELECT MAX(id) AS id FROM outbox WHERE subject IS NOT NULL ${subject ? 'AND subject = ?' : ''} GROUP BY receiver, subject) m ON o.id = m.id`,
      )
      .all(...(subject ? [subject] : [])) as OutboxRow[];
    return new Map(rows.map((r) => [toldKey(r.receiver, r.subject!), r]));
  }

  /**
   * Items a dead writer left `sending`: the request may or may not have reached the receiver, so they
   * go back to pending, marked ambiguous, and are re-sent under the same key. Fenced.
   */
  recoverInterrupted(lease: WriterLease): number {
    return this.#guard(() => {
      return this.#db
        .transaction(() => {
          this.fenced(lease);
          return this.#db
            .prepare(
              `UPDATE outbox SET status = 'pending', ambiguous = 1, attempt_id = NULL,
            last_error = 'interrupted while sending: it may have been delivered; re-sent with the same key' WHERE status = 'sending'`,
            )
            .run().changes;
        })
        .immediate();
    });
  }

  /** Mark an item `sending` under this attempt, if the lease is still ours and the item still open. */
  claim(id: number, attemptId: string, lease: WriterLease): boolean {
    return this.#guard(() => {
      return (
        this.#db
          .prepare(
            `UPDATE outbox SET status = 'sending', attempt_id = ? WHERE id = ? AND status IN ('pending', 'waiting')
          AND EXISTS (SELECT 1 FROM lease WHERE name = 'writer' AND fence = ? AND holder != '')`,
          )
          .run(attemptId, id, lease.fence).changes === 1
      );
    });
  }

  /*
   * An attempt's outcome is written only while the item is still `sending` under that attempt: a
   * writer that lost its lease (stopped, then woke up) cannot overwrite what the next one recorded.
   */
  private static readonly MINE = `WHERE id = ? AND status = 'sending' AND attempt_id = ?`;

  markDone(id: number, attemptId: string, response: string, now: Date): void {
    this.#guard(() => {
      this.#db
        .prepare(`UPDATE outbox SET status = 'done', attempts = attempts + 1, response = ?, done_at = ?, last_error = NULL, next_attempt = NULL ${Ledger.MINE}`)
        .run(response, now.toISOString(), id, attemptId);
    });
  }

  /** A failed attempt to try again at `next`; `ambiguous` when the receiver may have got it. */
  markRetry(id: number, attemptId: string, error: string, next: Date, ambiguous: boolean): void {
    this.#guard(() => {
      this.#db
        .prepare(
          `UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = ?, next_attempt = ?, ambiguous = MAX(ambiguous, ?) ${Ledger.MINE}`,
        )
        .run(error, next.toISOString(), ambiguous ? 1 : 0, id, attemptId);
    });
  }

  markFailed(id: number, attemptId: string, error: string): void {
    this.#guard(() => {
      this.#db
        .prepare(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt = NULL ${Ledger.MINE}`)
        .run(error, id, attemptId);
    });
  }

  /** Not attempted: the transport is not configured. No attempt counted; checked again every run. */
  markWaiting(id: number, attemptId: string, reason: string): void {
    this.#guard(() => {
      this.#db.prepare(`UPDATE outbox SET status = 'waiting', last_error = ?, next_attempt = NULL ${Ledger.MINE}`).run(reason, id, attemptId);
    });
  }

  /** Back to pending without counting an attempt (quota, a receiver's budget for this run). */
  defer(id: number, attemptId: string, until: Date | null, reason?: string): void {
    this.#guard(() => {
      this.#db
        .prepare(`UPDATE outbox SET status = 'pending', next_attempt = ?, last_error = COALESCE(?, last_error) ${Ledger.MINE}`)
        .run(until ? until.toISOString() : null, reason ?? null, id, attemptId);
    });
  }

  outboxCounts(): { notifier: string; status: string; n: number }[] {
    return this.#db.prepare(`SELECT notifier, status, COUNT(*) AS n FROM outbox GROUP BY notifier, status ORDER BY notifier, status`).all() as {
      notifier: string;
      status: string;
      n: number;
    }[];
  }

  /** Postings per lifecycle state as last recorded (for /metrics). */
  lifecycleCounts(): { lifecycle: string; n: number }[] {
    return this.#db.prepare(`SELECT lifecycle, COUNT(*) AS n FROM subjects WHERE kind = 'posting' GROUP BY lifecycle ORDER BY lifecycle`).all() as {
      lifecycle: string;
      n: number;
    }[];
  }

  // quota --------------------------------------------------------------------------------------

  quotaUsed(notifier: string, day: string): number {
    const row = this.#db.prepare('SELECT used FROM quota WHERE notifier = ? AND day = ?').get(notifier, day) as { used: number } | undefined;
    return row?.used ?? 0;
  }

  /** Count `by` requests against the day's budget (−1 gives back a reservation that was not used). */
  useQuota(notifier: string, day: string, by = 1): void {
    this.#guard(() => {
      this.#db
        .prepare('INSERT INTO quota (notifier, day, used) VALUES (?, ?, MAX(0, ?)) ON CONFLICT (notifier, day) DO UPDATE SET used = MAX(0, used + ?)')
        .run(notifier, day, by, by);
    });
  }

  // runs ---------------------------------------------------------------------------------------

  startRun(now: Date): number {
    return this.#guard(() => {
      return Number(this.#db.prepare('INSERT INTO runs (started) VALUES (?)').run(now.toISOString()).lastInsertRowid);
    });
  }

  finishRun(id: number, ok: boolean, summary: unknown, now: Date): void {
    this.#guard(() => {
      this.#db.prepare('UPDATE runs SET finished = ?, ok = ?, summary = ? WHERE id = ?').run(now.toISOString(), ok ? 1 : 0, JSON.stringify(summary), id);
    });
  }

  runs(limit = 20): RunRow[] {
    return this.#db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as RunRow[];
  }

  lastSuccessfulRun(): RunRow | undefined {
    return this.#db.prepare('SELECT * FROM runs WHERE ok = 1 ORDER BY id DESC LIMIT 1').get() as RunRow | undefined;
  }
}
