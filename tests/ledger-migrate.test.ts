/**
 * The ledger's schema is versioned: a ledger written by the first jobcast (content-hash keys, page and
 * per-channel rows) is migrated on open — its roles kept, its unsent notifications still delivered,
 * and the output it served adopted as already told, so nothing is announced twice. A ledger newer
 * than this code is refused.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildProject } from '../src/pipeline/build';
import { Ledger } from '../src/ledger/ledger';
import { SCHEMA_VERSION } from '../src/ledger/schema';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';
import { publish } from '../src/publish/run';
import { silentLogger } from '../src/log';

/** The first ledger's tables, exactly as that version created them. */
const LEGACY = `
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

let remote: FakeRemote;
let env: PublishEnv;
afterEach(async () => {
  await env?.cleanup();
  await remote?.close();
});

describe('ledger migrations', () => {
  it('migrates a first-version ledger: unsent notifications still go out, served roles are not announced again', async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, { 'backend-engineer.yaml': MINIMAL_POSTING });
    await env.ledger.close();
    const file = path.join(env.project.dir, 'state.db');
    rmSync(file, { force: true });
    // What the first version left: the output it served, its history, and one webhook still queued.
    const built = await buildProject(await env.project.open(), { now: new Date('2026-11-28T12:00:00Z') });
    rmSync(file, { force: true });
    for (const s of ['-wal', '-shm']) rmSync(file + s, { force: true });
    const old = new Database(file);
    old.exec(LEGACY);
    const e = built.validation.entries[0]!;
    old
      .prepare('INSERT INTO history (posting, hash, since, state, content) VALUES (?, ?, ?, ?, ?)')
      .run(e.id, e.hash, e.changedAt.toISOString(), 'open', JSON.stringify(e.posting));
    const body = JSON.stringify({ event: 'posting.published', delivery: 'legacy-1', posting: { id: e.id } });
    old
      .prepare(`INSERT INTO outbox (key, notifier, target, posting, payload, created) VALUES (?, 'webhook', 'webhook:board', ?, ?, ?)`)
      .run(
        'webhook:board:posting.published:backend-engineer:>abc',
        e.id,
        JSON.stringify({ endpoint: 'board', event: 'posting.published', delivery: 'legacy-1', body }),
        '2026-11-28T12:00:00Z',
      );
    old.close();
    // The legacy output has no ledger identity in its manifest.
    const manifestFile = path.join(built.generation, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    delete manifest.ledger;
    writeFileSync(manifestFile, JSON.stringify(manifest));

    const ledger = await Ledger.open(file);
    env.ledger = ledger;
    const run = async (now: string) =>
      publish(await env.project.open(), ledger, { now: new Date(now), env: env.env, log: silentLogger(), sleep: async () => undefined });
    expect(await ledger.adoptPending()).toBe('legacy ledger');
    expect((await ledger.subjects()).get(e.id)).toMatchObject({ version: 1, lifecycle: 'open', hash: e.hash });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.prepare(`SELECT name FROM sqlite_master WHERE name IN ('history', 'pages', 'publications')`).all()).toEqual([]);
    raw.close();

    const r = await run('2026-11-28T12:15:00Z');
    expect(r.error).toBeUndefined();
    // Only the queued legacy webhook: the role the old ledger had announced is not announced again.
    expect(remote.requests.filter((q) => q.path !== '/token').map((q) => q.path)).toEqual(['/webhook']);
    expect(JSON.parse(remote.to('/webhook')[0]!.body).delivery).toBe('legacy-1');
    expect(await ledger.adoptPending()).toBeUndefined();
    await run('2026-11-28T12:30:00Z');
    expect(remote.requests.filter((q) => q.path !== '/token')).toHaveLength(1);
  });

  it('migrates a version-3 ledger to 4 (per-language history): every role kept, nothing told again, languages recorded from then on', async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, { 'backend-engineer.yaml': MINIMAL_POSTING });
    expect((await env.run('2026-11-28T12:00:00Z')).ok).toBe(true);
    await env.ledger.close();
    const file = path.join(env.project.dir, 'state.db');
    // What version 3 had: the same tables without subjects.languages.
    const v3 = new Database(file);
    v3.exec('ALTER TABLE subjects DROP COLUMN languages');
    v3.pragma('user_version = 3');
    v3.close();
    const ledger = await Ledger.open(file);
    env.ledger = ledger;
    const run = async (now: string) =>
      publish(await env.project.open(), ledger, { now: new Date(now), env: env.env, log: silentLogger(), sleep: async () => undefined });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((raw.prepare(`SELECT COUNT(*) AS n FROM pragma_table_info('subjects') WHERE name = 'languages'`).get() as { n: number }).n).toBe(1);
    raw.close();
    const before = remote.requests.length;
    expect((await run('2026-11-28T12:15:00Z')).planned).toEqual([]);
    expect(remote.requests.length).toBe(before);
    // A role given translations now records each language's hash and since.
    env.project.write('backend-engineer.yaml', `${MINIMAL_POSTING}language: en\ntranslations:\n  de: { title: Backend-Entwickler }\n`);
    expect((await run('2026-11-28T13:00:00Z')).ok).toBe(true);
    expect(Object.keys((await ledger.history())['backend-engineer']!.languages!).sort()).toEqual(['de', 'en']);
  });

  it('refuses a ledger written by a newer jobcast, naming the file', async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, {});
    await env.ledger.close();
    const file = path.join(env.project.dir, 'state.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(Ledger.open(file)).rejects.toThrow(expect.objectContaining({ code: 'JC_STATE_NEWER', message: expect.stringContaining(file) }));
    env.ledger = await Ledger.open(':memory:');
  });
});
