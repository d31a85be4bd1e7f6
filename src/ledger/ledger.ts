/**
 * The ledger: what the world has been told, in an embedded SQLite file (better-sqlite3@12).
 *
 * - `publications`: one row per (posting, channel) — hash, status, first published, last changed,
 *   attempts, last error.
 * - `pages`: the last state of every public file that notifications were planned for. The next run
 *   diffs the new output against this (not against the previous output folder), so a crash between
 *   the swap and the outbox write loses nothing: the change is simply planned again.
 * - `history`: when each posting's content first took its current form (sitemap lastmod, feed dates).
 * - `outbox`: notifications, written in the same transaction as the state they announce, delivered
 *   afterwards, marked done only on a confirmed success. Keys are idempotency keys: the same change
 *   can never be queued twice.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { JobcastError } from '../errors';
import type { PostingHistory } from '../build/validate';

export type PublicationStatus = 'pending' | 'live' | 'failed' | 'closed';
export type OutboxStatus = 'pending' | 'done' | 'failed';

export interface PublicationRow {
  posting: string;
  channel: string;
  hash: string | null;
  status: PublicationStatus;
  first_published: string | null;
  last_changed: string | null;
  attempts: number;
  last_error: string | null;
}

export interface PageRow {
  path: string;
  sha256: string;
  status: number;
  posting: string | null;
  channel: string;
  content_type: string;
  since: string;
}

export interface OutboxRow {
  id: number;
  key: string;
  notifier: string;
  target: string;
  posting: string | null;
  payload: string;
  created: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt: string | null;
  last_error: string | null;
  response: string | null;
  done_at: string | null;
}

export interface NewOutboxItem {
  key: string;
  notifier: string;
  target: string;
  posting?: string;
  payload: unknown;
}

export interface KnownPostingRow {
  hash: string;
  since: string;
  state: string | null;
  /** The posting's JSON as last published. */
  content: string | null;
}

export interface RunRow {
  id: number;
  started: string;
  finished: string | null;
  ok: number | null;
  summary: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS publications (
  posting TEXT NOT NULL, channel TEXT NOT NULL, hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'live', 'failed', 'closed')),
  first_published TEXT, last_changed TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
  PRIMARY KEY (posting, channel)
);
CREATE TABLE IF NOT EXISTS pages (
  path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, status INTEGER NOT NULL, posting TEXT, channel TEXT NOT NULL,
  content_type TEXT NOT NULL, since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS history (posting TEXT PRIMARY KEY, hash TEXT NOT NULL, since TEXT NOT NULL, state TEXT, content TEXT);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, notifier TEXT NOT NULL, target TEXT NOT NULL,
  posting TEXT, payload TEXT NOT NULL, created TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt TEXT, last_error TEXT, response TEXT, done_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, id);
CREATE INDEX IF NOT EXISTS outbox_posting ON outbox (posting, target, id);
CREATE TABLE IF NOT EXISTS quota (notifier TEXT NOT NULL, day TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (notifier, day));
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT, ok INTEGER, summary TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class Ledger {
  readonly db: Database.Database;

  constructor(file: string) {
    try {
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    } catch (err) {
      // A wrong `state` path or permissions is a setup mistake: say which file, not a stack trace.
      throw new JobcastError('JC_STATE_OPEN', `cannot open the state database ${file}: ${(err as Error).message} (check the config's state: path)`, 1);
    }
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // history ------------------------------------------------------------------------------------

  /** When each posting last changed (without the stored posting contents, which `known` reads). */
  history(): PostingHistory {
    const rows = this.db.prepare('SELECT posting, hash, since FROM history').all() as { posting: string; hash: string; since: string }[];
    return Object.fromEntries(rows.map((r) => [r.posting, { hash: r.hash, since: r.since }]));
  }

  /** Every posting the ledger knows: the state and content it was last published with. */
  known(): Record<string, KnownPostingRow> {
    const rows = this.db.prepare('SELECT posting, hash, since, state, content FROM history').all() as ({ posting: string } & KnownPostingRow)[];
    return Object.fromEntries(rows.map(({ posting, ...r }) => [posting, r]));
  }

  /** Replace the history with the latest build's (postings no longer in the sources are forgotten). */
  saveHistory(history: PostingHistory, current: Readonly<Record<string, { state: string; content: unknown }>>): void {
    const upsert = this.db.prepare('INSERT INTO history (posting, hash, since, state, content) VALUES (?, ?, ?, ?, ?) ON CONFLICT (posting) DO UPDATE SET hash = excluded.hash, since = excluded.since, state = excluded.state, content = excluded.content');
    const del = this.db.prepare('DELETE FROM history WHERE posting = ?');
    const known = (this.db.prepare('SELECT posting FROM history').all() as { posting: string }[]).map((r) => r.posting);
    for (const [id, h] of Object.entries(history)) {
      const c = current[id];
      upsert.run(id, h.hash, h.since, c?.state ?? null, c ? JSON.stringify(c.content) : null);
    }
    for (const id of known) if (!history[id]) del.run(id);
  }

  // pages --------------------------------------------------------------------------------------

  pages(): Map<string, PageRow> {
    const rows = this.db.prepare('SELECT * FROM pages').all() as PageRow[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  replacePages(rows: readonly PageRow[]): void {
    this.db.prepare('DELETE FROM pages').run();
    const ins = this.db.prepare('INSERT INTO pages (path, sha256, status, posting, channel, content_type, since) VALUES (@path, @sha256, @status, @posting, @channel, @content_type, @since)');
    for (const r of rows) ins.run(r);
  }

  // publications --------------------------------------------------------------------------------

  publications(): PublicationRow[] {
    return this.db.prepare('SELECT * FROM publications ORDER BY posting, channel').all() as PublicationRow[];
  }

  private upsertStatement?: Database.Statement;

  upsertPublication(row: Omit<PublicationRow, 'attempts' | 'last_error'> & { attempts?: number; last_error?: string | null }): void {
    // Prepared once: a publish of 10k roles upserts ~100k rows.
    (this.upsertStatement ??= this.db
      .prepare(
        `INSERT INTO publications (posting, channel, hash, status, first_published, last_changed, attempts, last_error)
         VALUES (@posting, @channel, @hash, @status, @first_published, @last_changed, @attempts, @last_error)
         ON CONFLICT (posting, channel) DO UPDATE SET hash = excluded.hash, status = excluded.status,
           first_published = COALESCE(publications.first_published, excluded.first_published),
           last_changed = excluded.last_changed,
           attempts = CASE WHEN excluded.attempts >= 0 THEN excluded.attempts ELSE publications.attempts END,
           last_error = excluded.last_error`,
      ))
      .run({ attempts: -1, last_error: null, ...row });
  }

  // outbox -------------------------------------------------------------------------------------

  /** Queue items; an item whose key is already queued (pending or done) is ignored. Returns how many were new. */
  enqueue(items: readonly NewOutboxItem[], now: Date): number {
    const ins = this.db.prepare(
      `INSERT OR IGNORE INTO outbox (key, notifier, target, posting, payload, created) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    let added = 0;
    for (const it of items) added += ins.run(it.key, it.notifier, it.target, it.posting ?? null, JSON.stringify(it.payload), now.toISOString()).changes;
    return added;
  }

  /** Pending items due at `now`, oldest first. */
  due(now: Date): OutboxRow[] {
    return this.db
      .prepare(`SELECT * FROM outbox WHERE status = 'pending' AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY id`)
      .all(now.toISOString()) as OutboxRow[];
  }

  outbox(filter: { status?: OutboxStatus; posting?: string } = {}): OutboxRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.posting) {
      where.push('posting = ?');
      args.push(filter.posting);
    }
    return this.db.prepare(`SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`).all(...args) as OutboxRow[];
  }

  markDone(id: number, response: string, now: Date): void {
    this.db.prepare(`UPDATE outbox SET status = 'done', attempts = attempts + 1, response = ?, done_at = ?, last_error = NULL WHERE id = ?`).run(response, now.toISOString(), id);
  }

  /** A failed attempt: retried at `next` (pending), or given up (failed) when `next` is null. */
  markFailed(id: number, error: string, next: Date | null): void {
    this.db
      .prepare(`UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?`)
      .run(next ? 'pending' : 'failed', error, next ? next.toISOString() : null, id);
  }

  /** Put an item back for a later run without counting an attempt (quota exhausted). */
  defer(id: number, until: Date): void {
    this.db.prepare(`UPDATE outbox SET next_attempt = ? WHERE id = ?`).run(until.toISOString(), id);
  }

  // quota --------------------------------------------------------------------------------------

  quotaUsed(notifier: string, day: string): number {
    const row = this.db.prepare('SELECT used FROM quota WHERE notifier = ? AND day = ?').get(notifier, day) as { used: number } | undefined;
    return row?.used ?? 0;
  }

  /** Count `by` requests against the day's budget (−1 gives back a reservation that was not used). */
  useQuota(notifier: string, day: string, by = 1): void {
    this.db.prepare('INSERT INTO quota (notifier, day, used) VALUES (?, ?, MAX(0, ?)) ON CONFLICT (notifier, day) DO UPDATE SET used = MAX(0, used + ?)').run(notifier, day, by, by);
  }

  // runs ---------------------------------------------------------------------------------------

  startRun(now: Date): number {
    return Number(this.db.prepare('INSERT INTO runs (started) VALUES (?)').run(now.toISOString()).lastInsertRowid);
  }

  finishRun(id: number, ok: boolean, summary: unknown, now: Date): void {
    this.db.prepare('UPDATE runs SET finished = ?, ok = ?, summary = ? WHERE id = ?').run(now.toISOString(), ok ? 1 : 0, JSON.stringify(summary), id);
  }

  runs(limit = 20): RunRow[] {
    return this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as RunRow[];
  }

  lastSuccessfulRun(): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE ok = 1 ORDER BY id DESC LIMIT 1').get() as RunRow | undefined;
  }
}
