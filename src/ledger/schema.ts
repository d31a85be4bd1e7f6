/**
 * The ledger's tables, on both engines: versioned with SQLite's `user_version`, and on PostgreSQL
 * with the `jobcast_schema` table. Each migration runs once, in one transaction, when a ledger is
 * opened; a database newer than this code is refused rather than written with a schema it does not
 * know. The protocol the tables serve is docs/publication.md. The two engines' tables have the same
 * columns, types as each engine spells them, so a row reads the same from either.
 */
import type Database from 'better-sqlite3';
import type { PostgresDriver } from './postgres-driver';

export const SCHEMA_VERSION = 5;

/** Version 2's tables; `id` is how each engine spells an integer key it generates. */
const v2 = (id: string): string => `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lease (
  name TEXT PRIMARY KEY, holder TEXT NOT NULL, purpose TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
  acquired TEXT NOT NULL, expires TEXT NOT NULL, fence INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subjects (
  subject TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('posting', 'feed')),
  version INTEGER NOT NULL, digest TEXT NOT NULL, lifecycle TEXT NOT NULL, hash TEXT NOT NULL,
  since TEXT NOT NULL, changed TEXT NOT NULL, content TEXT
);
CREATE TABLE IF NOT EXISTS told (
  receiver TEXT NOT NULL, subject TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('live', 'gone')),
  version INTEGER NOT NULL, fingerprint TEXT NOT NULL, detail TEXT, at TEXT NOT NULL,
  PRIMARY KEY (receiver, subject)
);
CREATE TABLE IF NOT EXISTS outbox (
  id ${id}, key TEXT NOT NULL UNIQUE, notifier TEXT NOT NULL, receiver TEXT NOT NULL,
  subject TEXT, version INTEGER, event TEXT, payload TEXT NOT NULL, created TEXT NOT NULL, run INTEGER,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'done', 'failed', 'waiting', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0, attempt_id TEXT, ambiguous INTEGER NOT NULL DEFAULT 0,
  cancel_if_gone INTEGER NOT NULL DEFAULT 0, next_attempt TEXT, last_error TEXT, response TEXT, done_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (status, id);
CREATE INDEX IF NOT EXISTS outbox_subject ON outbox (subject, receiver, id);
CREATE TABLE IF NOT EXISTS quota (notifier TEXT NOT NULL, day TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (notifier, day));
CREATE TABLE IF NOT EXISTS runs (id ${id}, started TEXT NOT NULL, finished TEXT, ok INTEGER, summary TEXT);
`;

const V2 = v2('INTEGER PRIMARY KEY AUTOINCREMENT');

/**
 * Version 3: an item being sent names who claimed it (`claimed_by`: the writer's run by its fence,
 * or a delivery worker by its lease row), so that several workers deliver at once and only a dead
 * claimant's items are recovered; receivers' open items are found by an index.
 */
const V3 = `
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
CREATE INDEX IF NOT EXISTS outbox_receiver_open ON outbox (receiver, status, id);
`;

/**
 * Version 4: a role in several languages keeps, per language, the hash of that language's version
 * and when it took that form (`languages`, JSON), so a language's feed is dated by its own changes.
 */
const V4 = `ALTER TABLE subjects ADD COLUMN languages TEXT;`;

/**
 * Version 5: apply clicks counted by the redirect, per role, source channel and day (the site's
 * time zone); instances add their batches to the same row, so several count without counting twice.
 */
const V5 = `CREATE TABLE IF NOT EXISTS clicks (
  posting TEXT NOT NULL, channel TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (posting, channel, day)
);`;

const hasTable = (db: Database.Database, name: string): boolean =>
  Boolean(db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name));

/**
 * The first ledgers (no user_version) kept content-hash keys, page rows and per-channel rows. Their
 * roles become subjects at version 1; what each receiver was told cannot be recovered from them, so
 * the next writer adopts the output it finds as already told (`adopt_pending`), which is what those
 * ledgers had recorded. Unsent notifications are kept and still delivered.
 */
function fromLegacy(db: Database.Database): void {
  db.exec(`ALTER TABLE outbox RENAME TO outbox_legacy`);
  db.exec(V2);
  db.exec(`INSERT INTO outbox (key, notifier, receiver, subject, payload, created, status, attempts, next_attempt, last_error, response, done_at)
    SELECT key, notifier, target, posting, payload, created, status, attempts, next_attempt, last_error, response, done_at FROM outbox_legacy`);
  if (hasTable(db, 'history')) {
    db.exec(`INSERT INTO subjects (subject, kind, version, digest, lifecycle, hash, since, changed, content)
      SELECT posting, 'posting', 1, '', COALESCE(state, 'open'), hash, since, since, content FROM history`);
  }
  for (const t of ['outbox_legacy', 'history', 'pages', 'publications']) db.exec(`DROP TABLE IF EXISTS ${t}`);
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('adopt_pending', 'legacy ledger')`).run();
}

/** Bring `db` to SCHEMA_VERSION; returns the version it found. Throws a plain Error when it is newer. */
export function migrate(db: Database.Database): number {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) throw new Error(`it has schema version ${found}, newer than this jobcast (${SCHEMA_VERSION}); upgrade jobcast`);
  if (found === SCHEMA_VERSION) return found;
  db.transaction(() => {
    // Read again under the write lock: another process may have created the schema meanwhile.
    const now = db.pragma('user_version', { simple: true }) as number;
    if (now === SCHEMA_VERSION) return;
    if (now === 0 && hasTable(db, 'outbox')) fromLegacy(db);
    else if (now < 2) db.exec(V2);
    if (now < 3) db.exec(V3);
    if (now < 4) db.exec(V4);
    db.exec(V5);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  return found;
}

/** Version 2 on PostgreSQL: the same tables; ids are identities, timestamps ISO text as in SQLite. */
const PG_V2 = v2('INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY');

/** Migrations by the version they bring the database to (PostgreSQL starts at 2: it came after the legacy tables). */
const PG_MIGRATIONS: Readonly<Record<number, string>> = { 2: PG_V2, 3: V3, 4: V4, 5: V5 };

/** Any number: one lock id for every jobcast migration on the server. */
const MIGRATION_LOCK = 0x6a6f6263;

/** Bring a PostgreSQL ledger to SCHEMA_VERSION; returns the version it found. Throws a plain Error when it is newer. */
export async function migratePostgres(driver: PostgresDriver): Promise<number> {
  return driver.session(async (s) => {
    // Instances starting together: one migrates, the others wait and then find it done.
    await s.run('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK]);
    try {
      await s.run('CREATE TABLE IF NOT EXISTS jobcast_schema (version INTEGER NOT NULL)');
      const found = (await s.get<{ version: number }>('SELECT MAX(version) AS version FROM jobcast_schema'))?.version ?? 0;
      if (found > SCHEMA_VERSION) throw new Error(`it has schema version ${found}, newer than this jobcast (${SCHEMA_VERSION}); upgrade jobcast`);
      for (let v = Math.max(found + 1, 2); v <= SCHEMA_VERSION; v++) {
        await s.run('BEGIN');
        await s.run('SET LOCAL synchronous_commit TO on');
        try {
          await s.client.query(PG_MIGRATIONS[v]!);
          await s.run('INSERT INTO jobcast_schema (version) VALUES (?)', [v]);
          await s.run('COMMIT');
        } catch (err) {
          await s.run('ROLLBACK');
          throw err;
        }
      }
      return found;
    } finally {
      await s.run('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK]);
    }
  });
}
