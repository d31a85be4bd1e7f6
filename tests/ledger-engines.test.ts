/**
 * The ledger on both engines (src/ledger/sql.ts): the embedded SQLite file and PostgreSQL (a server
 * started by tests/helpers/postgres.ts, or the one JOBCAST_TEST_POSTGRES_URL names). The same
 * behaviours are asserted on each, and random sequences of writes must leave both in the same state.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { claimById } from './helpers/claim';
import { rejection } from './helpers/rejection';
import { Ledger, type OutboxRow, type RunCommit } from '../src/ledger/ledger';
import type { WriterLease } from '../src/ledger/lease';
import { usePostgres } from './helpers/postgres';

const postgres = usePostgres();
const dirs: string[] = [];
const open: Ledger[] = [];
const held: WriterLease[] = [];

afterEach(async () => {
  for (const l of held.splice(0)) await l.release();
  for (const l of open.splice(0)) await l.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Engine = 'sqlite' | 'postgres';

/** A new, empty place for a ledger on `engine`. */
async function target(engine: Engine): Promise<string> {
  if (engine === 'postgres') return postgres().freshDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-engines-'));
  dirs.push(dir);
  return path.join(dir, 'state.db');
}

/** One statement straight on the database, as another program (or a damaged row) would leave it. */
async function raw(at: string, sql: string): Promise<void> {
  if (!at.startsWith('postgres')) {
    const db = new Database(at);
    db.exec(sql);
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: at });
  await c.connect();
  await c.query(sql);
  await c.end();
}

async function ledgerAt(at: string): Promise<Ledger> {
  const l = await Ledger.open(at, {});
  open.push(l);
  return l;
}

async function take(ledger: Ledger): Promise<WriterLease> {
  const lease = await ledger.lease.acquire('publish', { waitMs: 0 });
  held.push(lease);
  return lease;
}

const AT = '2026-12-01T12:00:00.000Z';
const NOW = new Date(AT);

function run(
  subjects: string[],
  items: { key: string; subject: string; receiver?: string; cancelIfGone?: boolean }[],
  extra: Partial<RunCommit> = {},
): RunCommit {
  return {
    subjects: subjects.map((s) => ({
      subject: s,
      kind: 'posting',
      version: 1,
      digest: `d-${s}`,
      lifecycle: 'open',
      hash: `h-${s}`,
      since: AT,
      changed: AT,
      content: JSON.stringify({ title: s }),
    })),
    told: subjects.map((s) => ({ receiver: 'webhook:board', subject: s, state: 'live', version: 1, fingerprint: `f-${s}`, detail: null, at: AT })),
    items: items.map((i) => ({
      key: i.key,
      notifier: 'webhook',
      receiver: i.receiver ?? 'webhook:board',
      subject: i.subject,
      version: 1,
      event: 'posting.published',
      payload: { i: i.key },
      ...(i.cancelIfGone ? { cancelIfGone: true } : {}),
    })),
    gone: [],
    ...extra,
  };
}

describe.each<Engine>(['sqlite', 'postgres'])('the ledger on %s', (engine) => {
  it('is created with an identity that a second opening keeps', async () => {
    const at = await target(engine);
    const a = await ledgerAt(at);
    const id = await a.identity();
    expect(a.engine).toBe(engine);
    expect(id).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), seq: 0 });
    expect(await a.isBlank()).toBe(true);
    expect(await (await ledgerAt(at)).identity()).toEqual(id);
  });

  it('refuses a database with a newer schema than this code knows', async () => {
    const at = await target(engine);
    await (await Ledger.open(at)).close();
    await raw(at, engine === 'sqlite' ? 'PRAGMA user_version = 99' : 'INSERT INTO jobcast_schema (version) VALUES (99)');
    const err = await rejection(Ledger.open(at));
    expect(err.code).toBe('JC_STATE_NEWER');
    expect(err.message).toContain('schema version 99');
    expect(err.message).not.toContain('jobcast@');
  });

  it('records a run in one fenced transaction: versions, told states, new notifications only, the next run number', async () => {
    const l = await ledgerAt(await target(engine));
    const lease = await take(l);
    expect(
      await l.commitRun(
        lease,
        run(
          ['a', 'b'],
          [
            { key: 'k1', subject: 'a' },
            { key: 'k2', subject: 'b' },
          ],
        ),
        NOW,
      ),
    ).toBe(2);
    expect(
      await l.commitRun(
        lease,
        run(
          ['a'],
          [
            { key: 'k1', subject: 'a' },
            { key: 'k3', subject: 'a' },
          ],
        ),
        NOW,
      ),
    ).toBe(1);
    expect((await l.identity()).seq).toBe(2);
    expect([...(await l.knownSubjects()).keys()].sort()).toEqual(['a', 'b']);
    expect(await l.lastGood('a')).toEqual({ title: 'a' });
    expect((await l.told()).get(Ledger.toldKey('webhook:board', 'b'))).toMatchObject({ state: 'live', version: 1, fingerprint: 'f-b' });
    expect((await l.outbox()).map((o) => [o.key, o.status, o.run])).toEqual([
      ['k1', 'pending', 1],
      ['k2', 'pending', 1],
      ['k3', 'pending', 2],
    ]);
    expect(await l.history()).toEqual({ a: { hash: 'h-a', since: AT }, b: { hash: 'h-b', since: AT } });
  });

  it('lets one of two instances hold the lease; a holder whose lease was taken over writes nothing', async () => {
    const at = await target(engine);
    const a = await ledgerAt(at);
    const b = await ledgerAt(at);
    const first = await take(a);
    const busy = await rejection(b.lease.acquire('build', { waitMs: 0 }));
    expect(busy.code).toBe('JC_LEASE_HELD');
    expect(busy.message).toContain(`publish by pid ${process.pid}`);
    // The holder hangs past its lease (as a stopped machine would): the other instance takes over.
    await raw(at, `UPDATE lease SET expires = '2000-01-01T00:00:00.000Z'`);
    const second = await take(b);
    expect(second.fence).toBe(first.fence + 1);
    const lost = await rejection(a.commitRun(first, run(['late'], [{ key: 'late', subject: 'late' }]), NOW));
    expect(lost.code).toBe('JC_LEASE_LOST');
    expect(await rejection(first.assertHeld())).toMatchObject({ code: 'JC_LEASE_LOST' });
    expect(await a.outbox()).toEqual([]);
    expect(await a.knownSubjects()).toEqual(new Map());
    await expect(second.assertHeld()).resolves.toBeUndefined();
  });

  it('takes an outbox item through its states only under its own attempt, and recovers one a dead writer left sending', async () => {
    const l = await ledgerAt(await target(engine));
    const lease = await take(l);
    await l.commitRun(
      lease,
      run(
        ['a'],
        [
          { key: 'k1', subject: 'a' },
          { key: 'k2', subject: 'a' },
          { key: 'k3', subject: 'a' },
        ],
      ),
      NOW,
    );
    const [one, two, three] = (await l.outbox()) as [OutboxRow, OutboxRow, OutboxRow];
    const mine = { writer: lease };
    // Only a lane's head is claimed: the second and third wait behind the first.
    expect(await claimById(l, mine, two.id)).toBeUndefined();
    const x1 = (await claimById(l, mine, one.id))!;
    expect(await claimById(l, mine, one.id)).toBeUndefined();
    await l.markDone(one.id, 'stale', 'should not land', NOW);
    await l.markDone(one.id, x1, '200 OK', NOW);
    const x2 = (await claimById(l, mine, two.id))!;
    await l.markRetry(two.id, x2, 'HTTP 503', new Date('2026-12-01T12:05:00Z'), true);
    // Not due yet at 12:04; due at 12:05.
    expect(await claimById(l, mine, two.id, new Date('2026-12-01T12:04:00Z'))).toBeUndefined();
    const x2b = (await claimById(l, mine, two.id, new Date('2026-12-01T12:05:00Z')))!;
    await l.markRetry(two.id, x2b, 'HTTP 503 again', new Date('2026-12-01T12:10:00Z'), false);
    expect(await claimById(l, mine, three.id)).toBeUndefined();
    await l.markFailed(two.id, (await claimById(l, mine, two.id))!, 'HTTP 400');
    expect(await claimById(l, mine, three.id)).toEqual(expect.any(String));
    expect(await l.recoverInterrupted(lease)).toBe(0);
    expect(await l.recoverInterrupted()).toBe(0);
    // The claimant's lease moved on (a new writer): its item is recovered.
    await lease.release();
    const next = await take(l);
    expect(await l.recoverInterrupted(next)).toBe(1);
    const rows = new Map((await l.outbox()).map((o) => [o.key, o]));
    expect(rows.get('k1')).toMatchObject({ status: 'done', attempts: 1, response: '200 OK', done_at: AT });
    expect(rows.get('k2')).toMatchObject({ status: 'failed', attempts: 3, ambiguous: 1, last_error: 'HTTP 400', next_attempt: null });
    expect(rows.get('k3')).toMatchObject({ status: 'pending', ambiguous: 1, attempt_id: null, claimed_by: null });
    expect((await l.unresolved()).map((o) => o.key)).toEqual(['k3']);
    expect((await l.latestPerReceiver('a')).get(Ledger.toldKey('webhook:board', 'a'))?.key).toBe('k3');
  });

  it('withdraws an unsent notification whose role left, and says so beforehand', async () => {
    const l = await ledgerAt(await target(engine));
    const lease = await take(l);
    await l.commitRun(lease, run(['a'], [{ key: 'mail-a', subject: 'a', receiver: 'email:list', cancelIfGone: true }]), NOW);
    const gone = [{ receiver: 'email:list', subject: 'a' }];
    expect((await l.withdrawable(gone)).map((o) => o.key)).toEqual(['mail-a']);
    await l.commitRun(lease, run([], [], { gone }), NOW);
    expect((await l.outbox())[0]).toMatchObject({ key: 'mail-a', status: 'cancelled' });
  });

  it('hands out a daily budget exactly once across instances taking it at the same time', async () => {
    const at = await target(engine);
    const [a, b] = [await ledgerAt(at), await ledgerAt(at)];
    const takes = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).takeQuota('google-indexing', '2026-12-01', 7)));
    expect(takes.filter(Boolean)).toHaveLength(7);
    expect(await a.quotaUsed('google-indexing', '2026-12-01')).toBe(7);
    await a.useQuota('google-indexing', '2026-12-01', -1);
    expect(await b.takeQuota('google-indexing', '2026-12-01', 7)).toBe(true);
    expect(await b.takeQuota('google-indexing', '2026-12-01', 7)).toBe(false);
    expect(await a.takeQuota('google-indexing', '2026-12-02', 0)).toBe(false);
  });

  it('keeps runs and adopts an output as already told', async () => {
    const l = await ledgerAt(await target(engine));
    const id = await l.startRun(NOW);
    await l.finishRun(id, true, { planned: 3 }, NOW);
    expect(await l.lastSuccessfulRun()).toMatchObject({ id, ok: 1, finished: AT, summary: '{"planned":3}' });
    const lease = await take(l);
    await l.commitRun(lease, run(['old'], [{ key: 'q', subject: 'old' }]), NOW);
    await l.adopt(lease, { subjects: run(['new'], []).subjects, told: run(['new'], []).told }, { id: 'adopted-ledger', seq: 41 }, NOW);
    expect(await l.identity()).toEqual({ id: 'adopted-ledger', seq: 41 });
    expect([...(await l.knownSubjects()).keys()]).toEqual(['new']);
    expect((await l.outbox()).map((o) => o.key)).toEqual(['q']);
    expect(await l.lifecycleCounts()).toEqual([{ lifecycle: 'open', n: 1 }]);
    expect(await l.outboxCounts()).toEqual([{ notifier: 'webhook', status: 'pending', n: 1 }]);
  });
});

/** Everything a ledger holds that the protocol reads, comparable across engines (outbox ids differ: PostgreSQL spends one on every conflict). */
async function stateOf(l: Ledger) {
  const outbox = (await l.outbox())
    .map(({ id: _id, attempt_id, ...rest }) => ({ ...rest, attempt_id: attempt_id === null ? null : 'set' }))
    .sort((x, y) => (x.key < y.key ? -1 : 1));
  return {
    identitySeq: (await l.identity()).seq,
    subjects: [...(await l.subjects()).values()].sort((x, y) => (x.subject < y.subject ? -1 : 1)),
    told: [...(await l.told()).values()].sort((x, y) => (x.subject + x.receiver < y.subject + y.receiver ? -1 : 1)),
    outbox,
    quota: await l.quotaUsed('n', 'd'),
  };
}

type Op =
  | { op: 'commit'; subjects: string[]; keys: string[]; gone: string[] }
  | { op: 'claim' | 'done' | 'retry' | 'fail' | 'wait' | 'defer'; key: string }
  | { op: 'recover' }
  | { op: 'quota'; by: number };

const subject = fc.constantFrom('a', 'b', 'c');
const key = fc.constantFrom('k1', 'k2', 'k3', 'k4');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('commit' as const),
    subjects: fc.uniqueArray(subject, { maxLength: 3 }),
    keys: fc.uniqueArray(key, { maxLength: 3 }),
    gone: fc.uniqueArray(subject, { maxLength: 2 }),
  }),
  fc.record({ op: fc.constantFrom('claim' as const, 'done' as const, 'retry' as const, 'fail' as const, 'wait' as const, 'defer' as const), key }),
  fc.constant({ op: 'recover' as const }),
  fc.record({ op: fc.constant('quota' as const), by: fc.integer({ min: -2, max: 3 }) }),
);

const attemptIds = new WeakMap<Ledger, Map<string, string>>();
/** Each ledger's attempt ids by key (claims draw them at random, so each engine has its own). */
function attemptsOf(l: Ledger): Map<string, string> {
  if (!attemptIds.has(l)) attemptIds.set(l, new Map());
  return attemptIds.get(l)!;
}

/** Apply one op; what it answered (compared across engines too). */
async function apply(l: Ledger, lease: WriterLease, o: Op, step: number): Promise<unknown> {
  const idOf = async (k: string) => (await l.outbox()).find((r) => r.key === k)?.id ?? -1;
  const attempts = attemptsOf(l);
  const attempt = (k: string) => attempts.get(k) ?? 'never-claimed';
  switch (o.op) {
    case 'commit': {
      const items = o.keys.map((k, i) => ({ key: k, subject: o.subjects[i % Math.max(1, o.subjects.length)] ?? 'a', cancelIfGone: i % 2 === 0 }));
      return l.commitRun(
        lease,
        run(o.subjects, items, { gone: o.gone.map((s) => ({ receiver: 'webhook:board', subject: s })) }),
        new Date(NOW.getTime() + step * 1000),
      );
    }
    case 'claim': {
      const got = await claimById(l, { writer: lease }, await idOf(o.key));
      if (got) attempts.set(o.key, got);
      return Boolean(got);
    }
    case 'done':
      return l.markDone(await idOf(o.key), attempt(o.key), 'ok', NOW);
    case 'retry':
      return l.markRetry(await idOf(o.key), attempt(o.key), 'again', new Date(NOW.getTime() + 60_000), step % 2 === 0);
    case 'fail':
      return l.markFailed(await idOf(o.key), attempt(o.key), 'no');
    case 'wait':
      return l.markWaiting(await idOf(o.key), attempt(o.key), 'set it');
    case 'defer':
      return l.defer(await idOf(o.key), attempt(o.key), null, step % 2 ? 'later' : undefined);
    case 'recover':
      return l.recoverInterrupted(lease);
    case 'quota':
      await l.useQuota('n', 'd', o.by);
      return l.takeQuota('n', 'd', 4);
  }
}

test('random sequences of writes leave both engines in the same state after every step', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
      const pair = [await Ledger.open(await target('sqlite')), await Ledger.open(await target('postgres'))];
      try {
        const leases = [await pair[0]!.lease.acquire('publish'), await pair[1]!.lease.acquire('publish')];
        for (const [step, o] of ops.entries()) {
          const answers = [await apply(pair[0]!, leases[0]!, o, step), await apply(pair[1]!, leases[1]!, o, step)];
          expect(answers[1]).toEqual(answers[0]);
          expect(await stateOf(pair[1]!)).toEqual(await stateOf(pair[0]!));
        }
        for (const lease of leases) await lease.release();
      } finally {
        for (const l of pair) await l.close();
      }
    }),
    { numRuns: 25 },
  );
}, 120_000);
