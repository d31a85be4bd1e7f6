/**
 * The writer lease (docs/publication.md, "One writer: the lease"): one holder at a time, the loser
 * told who holds it and since when; a lease is free when released, expired, damaged, or left by a
 * dead process on this machine, and only then; a writer that lost its lease is fenced off and
 * writes nothing. First in-process against src/, then with real processes on the compiled ledger
 * (tests/helpers/lease-contender.js; `npm run build` first).
 */
import { claimById } from './helpers/claim';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobcastError } from '../src/errors';
import { rejection } from './helpers/rejection';
import { Ledger, type RunCommit } from '../src/ledger/ledger';
import { thisHost, type LeaseHolder, type WriterLease } from '../src/ledger/lease';
import { countRows, patchLease, pidGone, readLease, writeLease } from './helpers/lease-db';
import { killLeftovers, pool, sleep, spawnContender, track, waitUntil, type Contender, type ContenderEvent } from './helpers/lease-procs';

const dirs: string[] = [];
const ledgers: Ledger[] = [];
const leases: WriterLease[] = [];

afterEach(async () => {
  for (const l of leases.splice(0)) await l.release();
  for (const l of ledgers.splice(0)) await l.close();
  await killLeftovers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-lease-'));
  dirs.push(dir);
  return dir;
}

const tempDb = (): string => path.join(tempDir(), 'state.db');

async function open(file: string, env: NodeJS.ProcessEnv = {}): Promise<Ledger> {
  const ledger = await Ledger.open(file, env);
  ledgers.push(ledger);
  return ledger;
}

async function take(ledger: Ledger, purpose = 'publish', opts: Parameters<Ledger['lease']['acquire']>[1] = {}): Promise<WriterLease> {
  const lease = await ledger.lease.acquire(purpose, opts);
  leases.push(lease);
  return lease;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

/** The loser's message, naming `pid` on `host` since `acquired`. */
const heldMessage = (purpose: string, pid: number, host: string, acquired: string): RegExp =>
  new RegExp(
    `^another jobcast run holds the writer lease: ${purpose} by pid ${pid} on ${esc(host)}, since ${esc(acquired)} \\(expires in (\\d+) s\\); nothing was done$`,
  );

/** A tiny run: one subject and one notification. */
function tinyRun(subject: string, key: string): RunCommit {
  const at = '2026-11-28T12:00:00.000Z';
  return {
    subjects: [{ subject, kind: 'posting', version: 1, digest: 'd', lifecycle: 'open', hash: 'h', since: at, changed: at, content: null }],
    told: [],
    items: [{ key, notifier: 'webhook', receiver: 'webhook:board', subject, version: 1, event: 'posting.published', payload: { subject } }],
    gone: [],
  };
}

const NOW = new Date('2026-11-28T12:00:00Z');

/** Spawn a short-lived process and wait for it to be gone: a pid that is dead on this machine. */
async function deadPid(): Promise<number> {
  const child = track(spawn(process.execPath, ['-e', ''], { stdio: 'ignore' }));
  await new Promise((r) => child.once('exit', r));
  expect(pidGone(child.pid!)).toBe(true);
  return child.pid!;
}

function row(patch: Partial<LeaseHolder>): LeaseHolder {
  return { holder: 'another-run', purpose: 'publish', pid: process.pid, host: thisHost(), acquired: iso(-5_000), expires: iso(600_000), fence: 7, ...patch };
}

describe('the writer lease, in one process', () => {
  it('lets a second acquirer lose at once, told who holds it and since when, and changes nothing', async () => {
    const file = tempDb();
    const a = await open(file);
    const b = await open(file);
    const held = await take(a, 'publish');
    const before = readLease(file)!;
    expect(before).toMatchObject({ purpose: 'publish', pid: process.pid, host: thisHost(), fence: 1 });
    expect(before.holder).toMatch(/^[0-9a-f-]{36}$/);
    expect(held.fence).toBe(1);

    const err = await rejection(b.lease.acquire('build', { waitMs: 0 }));
    expect(err.code).toBe('JC_LEASE_HELD');
    expect(err.exitCode).toBe(1);
    const m = heldMessage('publish', process.pid, os.hostname(), before.acquired).exec(err.message);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(60);
    expect(await b.lease.current()).toEqual(before);
    expect(readLease(file)).toEqual(before);
    await expect(held.assertHeld()).resolves.toBeUndefined();
  });

  it('gives up after waitMs while the lease stays held', async () => {
    const file = tempDb();
    await take(await open(file));
    const told: LeaseHolder[] = [];
    const err = await rejection((await open(file)).lease.acquire('build', { waitMs: 300, onWait: (h) => told.push(h) }));
    expect(err.code).toBe('JC_LEASE_HELD');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ purpose: 'publish', pid: process.pid, fence: 1 });
  });

  it('lets a waiting acquirer win once the holder releases, and not before', async () => {
    const file = tempDb();
    const a = await open(file);
    const b = await open(file);
    const first = await take(a, 'publish');
    const told: LeaseHolder[] = [];
    let released = false;
    let wonBeforeRelease: boolean | undefined;
    const waiting = b.lease.acquire('build', { waitMs: 20_000, onWait: (h) => told.push(h) }).then((l) => {
      wonBeforeRelease = !released;
      leases.push(l);
      return l;
    });
    await waitUntil('the waiter to be told about the holder', () => told.length > 0);
    await sleep(300); // it polls meanwhile
    expect(wonBeforeRelease).toBeUndefined();
    released = true;
    await first.release();
    const second = await waiting;
    expect(wonBeforeRelease).toBe(false);
    expect(second.fence).toBe(first.fence + 1);
    expect(second.purpose).toBe('build');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ purpose: 'publish', pid: process.pid, fence: first.fence });
    expect(readLease(file)).toMatchObject({ purpose: 'build', fence: 2 });
  });

  it('takes over an expired lease with a higher fence; the old holder is fenced off and writes nothing', async () => {
    const file = tempDb();
    // Renewed every 100 ms, so the old holder notices quickly.
    const a = await open(file, { JOBCAST_LEASE_TTL_MS: '300' });
    const b = await open(file);
    const old = await take(a, 'publish');
    await a.commitRun(old, tinyRun('role-a', 'webhook:board|role-a|v1'), NOW);
    const queued = (await a.outbox())[0]!;
    const oldRow = readLease(file)!;

    // The old holder hangs past its expiry (its renewals did not run); the expiry passes.
    patchLease(file, { expires: iso(-1_000) });
    expect(await b.lease.current()).toBeUndefined();
    const fresh = await take(b, 'publish', { waitMs: 0 });
    expect(fresh.fence).toBe(old.fence + 1);
    const freshRow = readLease(file)!;
    expect(freshRow.holder).not.toBe(oldRow.holder);
    expect(freshRow.fence).toBe(fresh.fence);

    // The old holder's renewal finds the lease taken and aborts its signal.
    await waitUntil('the old lease signal to abort', () => old.signal.aborted, { timeoutMs: 5_000 });
    expect((old.signal.reason as JobcastError).code).toBe('JC_LEASE_LOST');
    expect((await rejection(old.assertHeld())).code).toBe('JC_LEASE_LOST');

    // Every fenced write with the old lease fails and writes nothing.
    const snapshot = async () => ({
      subjects: await a.subjects(),
      told: await a.told(),
      outbox: await a.outbox(),
      identity: await a.identity(),
      lease: readLease(file),
    });
    const before = await snapshot();
    const commit = await rejection(a.commitRun(old, tinyRun('role-b', 'webhook:board|role-b|v1'), NOW));
    expect(commit.code).toBe('JC_LEASE_LOST');
    expect(commit.message).toContain(`fence ${old.fence}`);
    expect(await claimById(a, { writer: old }, queued.id)).toBeUndefined();
    expect((await rejection(a.recoverInterrupted(old))).code).toBe('JC_LEASE_LOST');
    expect(await snapshot()).toEqual(before);
    expect(before.subjects.has('role-b')).toBe(false);

    // Releasing the old lease does not free the new holder's.
    await old.release();
    expect(readLease(file)).toEqual(freshRow);
    expect((await a.lease.current())?.holder).toBe(freshRow.holder);
    await expect(fresh.assertHeld()).resolves.toBeUndefined();
    expect(fresh.signal.aborted).toBe(false);
    // The same writes with the current lease go through (the old ones failed for the lease only).
    expect(await b.commitRun(fresh, tinyRun('role-b', 'webhook:board|role-b|v1'), NOW)).toBe(1);
    expect(await claimById(b, { writer: fresh }, queued.id)).toEqual(expect.any(String));
  });

  it.each([
    ['an empty holder (released)', { holder: '', expires: iso(600_000) }],
    ['an expiry that is not a date', { expires: 'garbage' }],
    ['an empty expiry', { expires: '' }],
  ])('counts a lease with %s as free', async (_what, patch) => {
    const file = tempDb();
    const ledger = await open(file);
    // On another machine, so that only the holder and expiry columns can make it free.
    writeLease(file, row({ host: 'elsewhere#x', pid: 1, fence: 7, ...patch }));
    expect(await ledger.lease.current()).toBeUndefined();
    const lease = await take(ledger, 'publish', { waitMs: 0 });
    expect(lease.fence).toBe(8);
    expect(readLease(file)).toMatchObject({ pid: process.pid, host: thisHost(), fence: 8 });
    expect(Date.parse(readLease(file)!.expires)).toBeGreaterThan(Date.now());
  });

  it('takes a lease at once, before its expiry, when its holder on this machine is gone, and not while it lives', async () => {
    const file = tempDb();
    const ledger = await open(file);
    const holder = track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
    const pid = holder.pid!;
    writeLease(file, row({ holder: 'running-run', pid, fence: 3 }));
    const busy = await rejection(ledger.lease.acquire('publish', { waitMs: 0 }));
    expect(busy.code).toBe('JC_LEASE_HELD');
    expect(busy.message).toContain(`by pid ${pid} on ${os.hostname()}, since `);

    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect(pidGone(pid)).toBe(true);
    expect(Date.parse(readLease(file)!.expires)).toBeGreaterThan(Date.now() + 60_000);
    expect(await ledger.lease.current()).toBeUndefined();
    const lease = await take(ledger, 'publish', { waitMs: 0 });
    expect(lease.fence).toBe(4);
    expect(readLease(file)).toMatchObject({ pid: process.pid, fence: 4 });
  });

  it('takes a lease left by an exited process on this machine at once', async () => {
    const file = tempDb();
    const ledger = await open(file);
    const pid = await deadPid();
    writeLease(file, row({ holder: 'killed-run', pid, fence: 11 }));
    const lease = await take(ledger, 'publish', { waitMs: 0 });
    expect(lease.fence).toBe(12);
  });

  it('does not take a lease held on another machine before it expires, whatever its pid looks like here', async () => {
    const file = tempDb();
    const ledger = await open(file);
    // A pid that is dead on this machine: on another host it says nothing.
    const pid = await deadPid();
    const expires = iso(2_000);
    writeLease(file, row({ holder: 'remote-run', pid, host: 'elsewhere#x', acquired: iso(-30_000), expires, fence: 20 }));
    const busy = await rejection(ledger.lease.acquire('publish', { waitMs: 0 }));
    expect(busy.code).toBe('JC_LEASE_HELD');
    expect(busy.message).toMatch(heldMessage('publish', pid, 'elsewhere', readLease(file)!.acquired));
    expect((await ledger.lease.current())?.holder).toBe('remote-run');
    // The same with a pid that is alive here.
    patchLease(file, { pid: process.pid === 1 ? 2 : 1 });
    expect((await rejection(ledger.lease.acquire('publish', { waitMs: 0 }))).code).toBe('JC_LEASE_HELD');
    patchLease(file, { pid });

    const told: LeaseHolder[] = [];
    const lease = await take(ledger, 'publish', { waitMs: 20_000, onWait: (h) => told.push(h) });
    expect(told).toEqual([expect.objectContaining({ holder: 'remote-run', host: 'elsewhere#x' })]);
    expect(lease.fence).toBe(21);
    // Taken only once the expiry had passed.
    expect(Date.parse(readLease(file)!.acquired)).toBeGreaterThanOrEqual(Date.parse(expires));
  });

  it('releases: the next acquirer wins at once; the released lease proves nothing and writes nothing', async () => {
    const file = tempDb();
    const a = await open(file);
    const b = await open(file);
    const first = await take(a, 'publish');
    await first.release();
    expect(readLease(file)).toMatchObject({ holder: '', fence: 1 });
    expect(Date.parse(readLease(file)!.expires)).toBeLessThanOrEqual(Date.now());
    expect(await a.lease.current()).toBeUndefined();
    expect((await rejection(first.assertHeld())).code).toBe('JC_LEASE_LOST');
    expect((await rejection(a.commitRun(first, tinyRun('role-a', 'k-a'), NOW))).code).toBe('JC_LEASE_LOST');
    expect((await a.subjects()).size).toBe(0);
    expect(await a.outbox()).toEqual([]);

    const second = await take(b, 'build', { waitMs: 0 });
    expect(second.fence).toBe(2);
    await first.release(); // twice: harmless, and not the new holder's
    expect(readLease(file)).toMatchObject({ purpose: 'build', fence: 2 });
    expect(readLease(file)!.holder).not.toBe('');
    await second.release();
    const third = await take(a, 'publish', { waitMs: 0 });
    expect(third.fence).toBe(3);
  });

  it('never lets two ledgers on one file hold it together while they race acquire() in a loop', async () => {
    const file = tempDb();
    const a = await open(file);
    const b = await open(file);
    const rounds = 20;
    let clock = 0;
    let holding: string | undefined;
    const overlaps: string[] = [];
    const held: { who: string; fence: number; holder: string; from: number; to: number }[] = [];
    const worker = async (who: string, ledger: Ledger) => {
      let won = 0;
      for (let tries = 0; won < rounds; tries++) {
        if (tries > 5_000) throw new Error(`${who} won only ${won} rounds`);
        let lease: WriterLease;
        try {
          lease = await ledger.lease.acquire('publish', { waitMs: tries % 4 === 3 ? 150 : 0 });
        } catch (err) {
          if ((err as JobcastError).code !== 'JC_LEASE_HELD') throw err;
          await sleep(Math.floor(Math.random() * 3));
          continue;
        }
        if (holding) overlaps.push(`${who} got fence ${lease.fence} while ${holding} held it`);
        holding = `${who}#${lease.fence}`;
        const from = ++clock;
        const holder = readLease(file)!.holder;
        await sleep(Math.floor(Math.random() * 4));
        await lease.assertHeld();
        const to = ++clock;
        holding = undefined;
        held.push({ who, fence: lease.fence, holder, from, to });
        await lease.release();
        won++;
        await sleep(Math.floor(Math.random() * 2));
      }
    };
    await Promise.all([worker('a', a), worker('b', b)]);
    expect(overlaps).toEqual([]);
    expect(held).toHaveLength(2 * rounds);
    const byFence = [...held].sort((x, y) => x.fence - y.fence);
    expect(byFence.map((h) => h.fence)).toEqual(Array.from({ length: 2 * rounds }, (_, i) => i + 1));
    expect(new Set(held.map((h) => h.holder)).size).toBe(2 * rounds);
    for (let i = 1; i < byFence.length; i++) expect(byFence[i]!.from).toBeGreaterThan(byFence[i - 1]!.to);
    expect(new Set(held.map((h) => h.who))).toEqual(new Set(['a', 'b']));
  });
});

// Real processes ---------------------------------------------------------------------------------

interface Outcome {
  pid: number;
  /** This trial's events from this contender. */
  events: ContenderEvent[];
}

/** Groups of `size` contender processes; each group runs its share of the trials. */
function groups(n: number, size: number): Contender[][] {
  return Array.from({ length: n }, () => Array.from({ length: size }, () => spawnContender(['serve'])));
}

/**
 * One trial: every contender of `group` is told at the same moment to open `file` and take the
 * lease; the winner holds it (150–300 ms, and until all have answered), then releases.
 */
async function race(group: Contender[], id: string, file: string, marker: string): Promise<Outcome[]> {
  await Promise.all(group.map((c) => c.next('ready', (e) => Boolean(e.ready), 30_000)));
  const opts = JSON.stringify({ file, marker, holdMs: 150 + Math.floor(Math.random() * 150) });
  for (const c of group) c.send(`TRY ${id} ${opts}`);
  const answers = await Promise.all(group.map((c) => c.next(`the outcome of ${id}`, (e) => e.id === id && Boolean(e.won || e.lost || e.error), 30_000)));
  for (const c of group) c.send(`RELEASE ${id}`);
  await Promise.all(
    group.map((c, k) => (answers[k]!.won ? c.next(`the release in ${id}`, (e) => e.id === id && Boolean(e.released || e.error), 30_000) : Promise.resolve())),
  );
  return group.map((c) => ({ pid: c.pid, events: c.events.filter((e) => e.id === id) }));
}

/** Problems with one trial: exactly one winner that committed and released, every other one lost and told who won. */
function judge(trial: string, file: string, marker: string, priorFence: number, outcomes: Outcome[]): string[] {
  const won = outcomes.filter((o) => o.events.some((e) => e.won));
  const lost = outcomes.filter((o) => o.events.some((e) => e.lost));
  const summary = JSON.stringify(outcomes);
  if (won.length !== 1 || lost.length !== outcomes.length - 1) return [`${trial}: ${won.length} won, ${lost.length} lost: ${summary}`];
  const problems: string[] = [];
  const w = won[0]!;
  const win = w.events.find((e) => e.won)!;
  if (outcomes.some((o) => o.events.some((e) => e.error)) || !w.events.some((e) => e.released))
    problems.push(`${trial}: the winner did not finish cleanly: ${summary}`);
  if (win.fence !== priorFence + 1) problems.push(`${trial}: the winner's fence is ${win.fence}, expected ${priorFence + 1}`);
  for (const l of lost) {
    const loss = l.events.find((e) => e.lost)!;
    if (loss.code !== 'JC_LEASE_HELD' || !heldMessage('publish', w.pid, os.hostname(), String(win.acquired)).test(String(loss.message))) {
      problems.push(`${trial}: the loser was not told the winner (pid ${w.pid} since ${win.acquired}): ${loss.code} ${loss.message}`);
    }
  }
  const keys = countRows(file, `SELECT COUNT(*) AS n FROM outbox WHERE key = ?`, `marker|${w.pid}`);
  const all = countRows(file, `SELECT COUNT(*) AS n FROM outbox`);
  if (keys !== 1 || all !== 1) problems.push(`${trial}: ${all} marker rows in the outbox, expected the winner's one`);
  const left = readLease(file);
  if (!left || left.holder !== '' || left.fence !== priorFence + 1) problems.push(`${trial}: the lease was left ${JSON.stringify(left)}`);
  const lines = readFileSync(marker, 'utf8');
  if (lines !== `start ${w.pid} ${win.fence}\nend ${w.pid} ${win.fence}\n`) problems.push(`${trial}: marker file ${JSON.stringify(lines)}`);
  return problems;
}

const TRIALS = 50;
/** Trials at a time, shared by GROUPS groups of contender processes. */
const WIDTH = 10;
const GROUPS = 3;

describe('the writer lease across processes', () => {
  /**
   * `n` trials, each on its own state file prepared by `setup` (which returns the fence it leaves),
   * WIDTH at a time by GROUPS groups of `size` contender processes.
   */
  async function trials(n: number, setup: (file: string) => number | Promise<number>, opts: { files?: string[]; size?: number } = {}): Promise<string[]> {
    const files = opts.files ?? Array.from({ length: n }, () => tempDb());
    const prior: number[] = [];
    for (const f of files) prior.push(await setup(f));
    const racers = groups(GROUPS, opts.size ?? 2);
    const results = await pool(n, WIDTH, async (i, lane) => {
      const marker = path.join(path.dirname(files[i]!), 'marker.log');
      return judge(`trial ${i + 1}`, files[i]!, marker, prior[i]!, await race(racers[lane % GROUPS]!, `t${i + 1}`, files[i]!, marker));
    });
    for (const c of racers.flat()) c.send('EXIT');
    await Promise.all(racers.flat().map((c) => c.exit(10_000)));
    // One line per problem, short enough to read 50 of them.
    return results.flat().map((p) => (p.length > 600 ? `${p.slice(0, 600)}…` : p));
  }

  it(`lets exactly one of two contenders run in each of ${TRIALS} trials with no lease yet`, async () => {
    const problems = await trials(TRIALS, async (file) => {
      await (await Ledger.open(file)).close();
      expect(readLease(file)).toBeUndefined();
      return 0;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it(`lets exactly one of two contenders take an expired lease in each of ${TRIALS} trials`, async () => {
    const problems = await trials(TRIALS, async (file) => {
      await (await Ledger.open(file)).close();
      // Held by a live process on this machine (this one), so only the expiry frees it.
      writeLease(file, row({ holder: 'hung-run', acquired: iso(-180_000), expires: iso(-60_000), fence: 41 }));
      return 41;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it(`lets exactly one of two contenders take a lease left by a killed holder in each of ${TRIALS} trials`, async () => {
    const files = Array.from({ length: TRIALS }, () => tempDb());
    for (const f of files) await (await Ledger.open(f)).close();
    // One holder takes the lease in every file with a long TTL and is killed while holding them.
    const holder = spawnContender(['hold', JSON.stringify({ ttlMs: 600_000 }), ...files]);
    await holder.next('the holder to hold every lease', (e) => e.holding === TRIALS, 30_000);
    holder.child.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    expect(pidGone(holder.pid)).toBe(true);
    for (const f of files) {
      const left = readLease(f)!;
      expect(left).toMatchObject({ pid: holder.pid, host: thisHost(), fence: 1 });
      expect(left.holder).not.toBe('');
      expect(Date.parse(left.expires)).toBeGreaterThan(Date.now() + 300_000);
    }
    expect(await trials(TRIALS, () => 1, { files })).toEqual([]);
  }, 120_000);

  it(`lets exactly one of four contenders run in each of ${TRIALS} trials when the state file does not exist yet (all create it)`, async () => {
    // Four, not two, so that opening a new file together is not a rare coincidence.
    const problems = await trials(
      TRIALS,
      (file) => {
        expect(existsSync(file)).toBe(false);
        return 0;
      },
      { size: 4 },
    );
    expect(problems).toEqual([]);
  }, 120_000);

  it('opens a new state file that another process is still setting up (holding its write lock a moment) instead of failing at once', async () => {
    // What the trials above run into: the first opener of a new file holds its write lock while it
    // creates the schema; the next opener must wait for it (busy_timeout), not fail.
    const file = tempDb();
    const first = spawnContender(['lock', file, '400']);
    await first.next('the first opener to hold its write lock', (e) => Boolean(e.locked), 30_000);
    let second: Ledger | undefined;
    let failure: string | undefined;
    try {
      second = await open(file);
    } catch (err) {
      failure = `${(err as JobcastError).code}: ${(err as Error).message}`;
    }
    expect(failure).toBeUndefined();
    expect((await first.exit(10_000)).code).toBe(0);
    const lease = await take(second!, 'publish', { waitMs: 0 });
    expect(lease.fence).toBe(1);
  });

  it('never lets two processes racing acquire() in a loop hold it together', async () => {
    const file = tempDb();
    await (await Ledger.open(file)).close();
    const marker = path.join(path.dirname(file), 'marker.log');
    const rounds = 30;
    const pair = [0, 1].map(() => spawnContender(['loop', file, JSON.stringify({ rounds, marker, deadlineMs: 40_000 })]));
    await Promise.all(pair.map((c) => c.next('ready', (e) => Boolean(e.ready), 30_000)));
    for (const c of pair) c.send('GO');
    const done = await Promise.all(pair.map((c) => c.next('done', (e) => Boolean(e.done || e.error), 60_000)));
    expect(done).toEqual([expect.objectContaining({ done: true, won: rounds }), expect.objectContaining({ done: true, won: rounds })]);
    // The marker file is appended by both: every start is followed by its own end, fences in order.
    const lines = readFileSync(marker, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(lines).toHaveLength(4 * rounds);
    const pids = new Map<string, number>();
    for (let i = 0; i < lines.length; i += 2) {
      const [s, sp, sf] = lines[i]!;
      const [e, ep, ef] = lines[i + 1]!;
      expect([s, e, ep, ef]).toEqual(['start', 'end', sp, sf]);
      expect(Number(sf)).toBe(i / 2 + 1);
      pids.set(sp!, (pids.get(sp!) ?? 0) + 1);
    }
    expect(Object.fromEntries(pids)).toEqual({ [String(pair[0]!.pid)]: rounds, [String(pair[1]!.pid)]: rounds });
    expect(countRows(file, `SELECT COUNT(*) AS n FROM outbox WHERE key LIKE 'loop|%'`)).toBe(2 * rounds);
    expect(readLease(file)).toMatchObject({ holder: '', fence: 2 * rounds });
  }, 90_000);
});
