/**
 * Real `jobcast publish` processes (bin/jobcast.js → build/; `npm run build` first) against a fake
 * remote on 127.0.0.1 (docs/publication.md, "Delivery" and "One writer: the lease"):
 * - two publishes started together: exactly one runs, the other exits 1 naming the holder, and no
 *   notification reaches a receiver twice;
 * - a publish killed with SIGKILL mid-delivery leaves its lease behind, held and unexpired; the next
 *   run takes it at once (same machine, its process is gone) and re-sends exactly the unconfirmed
 *   notifications, under the same keys;
 * - a lease left on another machine is not taken on the strength of a pid: the next publish exits 1
 *   until the lease has expired, and then takes over.
 */
import { projectArgs } from './helpers/follow-cli';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger, type OutboxRow } from '../src/ledger/ledger';
import { thisHost } from '../src/ledger/lease';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { countRows, patchLease, pidGone, readLease, readOutbox } from './helpers/lease-db';
import { killLeftovers, track, waitUntil } from './helpers/lease-procs';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING, REPO } from './helpers/project';

const remotes: FakeRemote[] = [];
const envs: PublishEnv[] = [];
afterEach(async () => {
  await killLeftovers();
  for (const e of envs.splice(0)) await e.cleanup();
  for (const r of remotes.splice(0)) await r.close();
});

const postings = Object.fromEntries([1, 2, 3].map((n) => [`role-${n}.yaml`, MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`)]));

/** A project wired to a fresh fake remote; the test's own ledger handle is closed (the CLI opens its own). */
async function setup(): Promise<{ remote: FakeRemote; env: PublishEnv; state: string }> {
  const remote = await startFakeRemote();
  remotes.push(remote);
  // Hung deliveries and lease expiry are timed against a short request timeout.
  const env = await publishEnv(remote, postings, '', { timeoutMs: 400 });
  envs.push(env);
  await env.ledger.close();
  // A slow answer is no timeout on a loaded machine, and a hung request stays in flight
  // (`sending`) until the process is killed.
  const text = readFileSync(env.project.configFile, 'utf8');
  expect(text).toContain('timeoutMs: 400');
  writeFileSync(env.project.configFile, text.replace('timeoutMs: 400', 'timeoutMs: 60000'));
  return { remote, env, state: path.join(env.project.dir, 'state.db') };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Run {
  child: ChildProcess;
  pid: number;
  /** Its exit; fails (after a SIGKILL) when it has not exited within `timeoutMs`. */
  exit(timeoutMs?: number): Promise<Exit>;
}

function cli(env: PublishEnv, now: string, extraEnv: NodeJS.ProcessEnv = {}): Run {
  const p = env.project;
  const child = track(
    spawn(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), 'publish', ...projectArgs(p), '--now', now], {
      // Every posting's own files rendered in worker threads, as in a large build (src/pipeline/render-pool.ts).
      env: { ...process.env, ...env.env, LOG_LEVEL: 'silent', NO_COLOR: '1', JOBCAST_RENDER_WORKERS_MIN: '1', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const closed = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    pid: child.pid!,
    exit: async (timeoutMs = 45_000) => {
      let timedOut = false;
      const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
      const r = await closed;
      clearTimeout(timer);
      if (timedOut) throw new Error(`jobcast publish (pid ${child.pid}) did not exit within ${timeoutMs} ms:\n${r.stdout}\n${r.stderr}`);
      return r;
    },
  };
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const heldLine = (pid: number, host: string): RegExp =>
  new RegExp(
    `jobcast: another jobcast run holds the writer lease: publish by pid ${pid} on ${esc(host)}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(expires in (\\d+) s\\); nothing was done \\[JC_LEASE_HELD\\]`,
  );

const outbox = (state: string): OutboxRow[] => readOutbox(state);

const nonToken = (reqs: readonly Recorded[]) => reqs.filter((r) => r.path !== '/token');
const deliveryOf = (r: Recorded) => JSON.parse(r.body).delivery as string;

/** The statuses of the outbox by notifier, e.g. { webhook: { done: 1, sending: 2 } }, read while a run writes. */
function statuses(state: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const o of outbox(state)) (out[o.notifier] ??= {})[o.status] = (out[o.notifier]![o.status] ?? 0) + 1;
  return out;
}

/**
 * Start a publish whose webhooks hang (after `confirm` of them were answered 200) and wait until all
 * three webhooks are in flight (`sending`) and every other notification is confirmed.
 */
async function midDelivery(remote: FakeRemote, env: PublishEnv, state: string, confirm: number, extraEnv: NodeJS.ProcessEnv = {}) {
  for (let i = 0; i < confirm; i++) remote.script('/webhook', { status: 200 });
  remote.otherwise('/webhook', { hang: true });
  const sentBefore = remote.requests.length;
  const run = cli(env, '2026-11-28T12:00:00Z', extraEnv);
  await waitUntil(
    'three webhooks in flight and everything else confirmed',
    () => {
      if (remote.requests.slice(sentBefore).filter((r) => r.path === '/webhook').length < 3) return false;
      const s = statuses(state);
      const others = Object.entries(s).filter(([n]) => n !== 'webhook');
      return (
        s.webhook?.done === (confirm || undefined) &&
        s.webhook?.sending === 3 - confirm &&
        others.length > 0 &&
        others.every(([, by]) => Object.keys(by).join() === 'done')
      );
    },
    { alive: [run.child], timeoutMs: 30_000, intervalMs: 20 },
  );
  const hung = () => remote.requests.slice(sentBefore).filter((r) => r.path === '/webhook' && r.answered === undefined);
  expect(hung()).toHaveLength(3 - confirm);
  return { run, hung: hung() };
}

/** midDelivery, then SIGKILL: returns what the dead run left (its lease row, the outbox, the unanswered webhooks). */
async function killMidDelivery(remote: FakeRemote, env: PublishEnv, state: string, confirm: number) {
  const { run, hung } = await midDelivery(remote, env, state, confirm);
  run.child.kill('SIGKILL');
  const killed = await run.exit();
  expect(killed.signal).toBe('SIGKILL');
  expect(pidGone(run.pid)).toBe(true);
  const lease = readLease(state)!;
  // Left held by the dead run, on this machine, far from expiring.
  expect(lease).toMatchObject({ purpose: 'publish', pid: run.pid, host: thisHost() });
  expect(lease.holder).not.toBe('');
  expect(Date.parse(lease.expires)).toBeGreaterThan(Date.now() + 30_000);
  return { pid: run.pid, lease, before: outbox(state), hung };
}

/** `resent` must be exactly the `hung` webhook requests again: same bytes, same keys. */
function expectSameKeys(resent: readonly Recorded[], hung: readonly Recorded[]): void {
  const view = (r: Recorded) => ({ body: r.body, key: r.headers['idempotency-key'], delivery: r.headers['x-jobcast-delivery'], inBody: deliveryOf(r) });
  const sort = (xs: ReturnType<typeof view>[]) => [...xs].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  const again = sort(resent.map(view));
  expect(again).toEqual(sort(hung.map(view)));
  for (const v of again) expect([v.key, v.delivery]).toEqual([v.inBody, v.inBody]);
}

describe('publish across processes', () => {
  it('lets exactly one of two publishes started together run; the other names the holder; nothing is delivered twice', async () => {
    for (let trial = 1; trial <= 3; trial++) {
      const { remote, env, state } = await setup();
      // The winner's deliveries are held until the other process has exited: however slow either
      // starts, the two overlap (the loser meets the held lease), without a timing guess.
      let firstExit!: () => void;
      const oneExited = new Promise<void>((resolve) => (firstExit = resolve));
      for (const p of ['/indexing', '/indexnow', '/hub', '/webhook']) remote.otherwise(p, { status: 200, body: '{}', after: oneExited });
      const runs = [cli(env, '2026-11-28T12:00:00Z'), cli(env, '2026-11-28T12:00:00Z')];
      const exits = runs.map((r) => r.exit());
      void Promise.race(exits).then(firstExit, firstExit);
      const results = await Promise.all(exits);
      const why = `trial ${trial}: ${JSON.stringify(results)}`;
      expect({ why, codes: results.map((r) => r.code).sort() }).toEqual({ why, codes: [0, 1] });
      const w = results.findIndex((r) => r.code === 0);
      const winner = runs[w]!;
      const loser = results[1 - w]!;
      expect(loser.stderr).toMatch(heldLine(winner.pid, os.hostname()));
      expect(results[w]!.stdout).toMatch(/notifications: \d+ queued, \d+ sent, 0 to retry, 0 deferred, 0 waiting for configuration, 0 failed/);

      // Every request once: no key or body twice, one webhook per role, each under its own id.
      const keys = nonToken(remote.requests).map((r) => `${r.path} ${r.body}`);
      expect(new Set(keys).size).toBe(keys.length);
      const hooks = remote.to('/webhook');
      expect(hooks).toHaveLength(3);
      expect(new Set(hooks.map(deliveryOf)).size).toBe(3);
      expect(new Set(hooks.map((r) => r.headers['idempotency-key'])).size).toBe(3);
      const rows = outbox(state);
      expect(rows.length).toBeGreaterThanOrEqual(3 + 1 + 3);
      expect(rows.every((o) => o.status === 'done' && o.attempts === 1)).toBe(true);
      // The loser did nothing: one run recorded, one acquisition, released.
      expect(countRows(state, 'SELECT COUNT(*) AS n FROM runs')).toBe(1);
      expect(readLease(state)).toMatchObject({ holder: '', pid: winner.pid, fence: 1 });
    }
  }, 120_000);

  it('after a SIGKILL mid-delivery, the next run takes the lease at once (pid gone) and re-sends exactly the unconfirmed notifications under the same keys', async () => {
    const { remote, env, state } = await setup();
    // The first webhook is confirmed; the two others hang until the process dies.
    const { lease, before, hung } = await killMidDelivery(remote, env, state, 1);
    const confirmed = new Set(before.filter((o) => o.status === 'done').map((o) => o.key));
    const outstanding = before.filter((o) => o.status !== 'done');
    // Per role a URL_UPDATED and a webhook, plus one IndexNow batch (and WebSub pings per feed).
    expect(before.length).toBeGreaterThanOrEqual(3 + 1 + 3);
    expect(outstanding.map((o) => [o.notifier, o.status])).toEqual([
      ['webhook', 'sending'],
      ['webhook', 'sending'],
    ]);

    remote.otherwise('/webhook', { status: 200 });
    const sentBefore = remote.requests.length;
    // Started right away: the lease is unexpired, but its holder on this machine is gone.
    const rerun = await cli(env, '2026-11-28T12:01:00Z').exit();
    expect(rerun).toMatchObject({ code: 0, stderr: '' });
    expect(rerun.stdout).toContain(`  2 interrupted by an earlier run's crash were re-sent with the same key\n`);
    const after = readLease(state)!;
    expect(after.fence).toBe(lease.fence + 1);
    expect(Date.parse(after.acquired)).toBeLessThan(Date.parse(lease.expires));

    // Exactly the unconfirmed ones again, byte for byte, under the same delivery ids.
    const resent = nonToken(remote.requests.slice(sentBefore));
    expect(resent).toHaveLength(outstanding.length);
    expectSameKeys(resent, hung);

    const rows = outbox(state);
    expect(rows.every((o) => o.status === 'done')).toBe(true);
    expect(rows.filter((o) => confirmed.has(o.key)).every((o) => o.attempts === 1)).toBe(true);
    // Each webhook delivery was answered 200 exactly once across both processes.
    const answered = remote
      .to('/webhook')
      .filter((r) => r.answered === 200)
      .map(deliveryOf);
    expect(answered.sort()).toEqual([...new Set(answered)].sort());
    expect(answered).toHaveLength(3);
  }, 90_000);

  it('does not take a lease left on another machine before it expires; then takes over and re-sends', async () => {
    const { remote, env, state } = await setup();
    const { pid, lease, hung } = await killMidDelivery(remote, env, state, 0);
    // From now on the board answers: a run that wrongly went ahead would finish, not hang.
    remote.otherwise('/webhook', { status: 200 });
    // The row now names another machine, where this dead pid says nothing.
    patchLease(state, { host: 'elsewhere#x', expires: new Date(Date.now() + 300_000).toISOString() });
    const sentBefore = remote.requests.length;
    const blocked = await cli(env, '2026-11-28T12:01:00Z').exit();
    expect(blocked.code).toBe(1);
    const m = heldLine(pid, 'elsewhere').exec(blocked.stderr);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    // Nothing was done: nothing sent, no run recorded, the interrupted items untouched.
    expect(remote.requests.length).toBe(sentBefore);
    expect(countRows(state, 'SELECT COUNT(*) AS n FROM runs')).toBe(1);
    expect(statuses(state).webhook).toEqual({ sending: 3 });
    expect(readLease(state)).toMatchObject({ holder: lease.holder, fence: lease.fence, host: 'elsewhere#x' });

    // It expires in 1.5 s; once it has, the next publish takes over.
    const expires = Date.now() + 1_500;
    patchLease(state, { expires: new Date(expires).toISOString() });
    const probe = await Ledger.open(state);
    try {
      expect((await probe.lease.current())?.holder).toBe(lease.holder);
      await waitUntil('the lease to expire', async () => Date.now() > expires && (await probe.lease.current()) === undefined, {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    } finally {
      await probe.close();
    }
    const resumed = await cli(env, '2026-11-28T12:02:00Z').exit();
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toContain(`  3 interrupted by an earlier run's crash were re-sent with the same key\n`);
    const after = readLease(state)!;
    expect(after).toMatchObject({ holder: '', fence: lease.fence + 1, host: thisHost() });
    expect(Date.parse(after.acquired)).toBeGreaterThanOrEqual(expires);
    expectSameKeys(nonToken(remote.requests.slice(sentBefore)), hung);
    expect(outbox(state).every((o) => o.status === 'done')).toBe(true);
  }, 90_000);

  it('a publish that hung past its lease expiry and then wakes up writes nothing over the run that took over', async () => {
    const { remote, env, state } = await setup();
    // Requests time out after 3 s, so the sleeper has something to record when it wakes.
    const text = readFileSync(env.project.configFile, 'utf8');
    writeFileSync(env.project.configFile, text.replace('timeoutMs: 60000', 'timeoutMs: 3000'));
    const { run: sleeper, hung } = await midDelivery(remote, env, state, 0, { JOBCAST_LEASE_TTL_MS: '1000' });
    sleeper.child.kill('SIGSTOP');
    const left = readLease(state)!;
    expect(left.pid).toBe(sleeper.pid);
    try {
      // Stopped, it renews nothing: the lease expires while its process lives.
      await waitUntil("the stopped run's lease to expire", () => Date.parse(readLease(state)!.expires) < Date.now() - 100, {
        alive: [sleeper.child],
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      remote.otherwise('/webhook', { status: 200 });
      const sentBefore = remote.requests.length;
      const next = await cli(env, '2026-11-28T12:01:00Z').exit();
      expect(next).toMatchObject({ code: 0, stderr: '' });
      expect(next.stdout).toContain(`  3 interrupted by an earlier run's crash were re-sent with the same key\n`);
      expectSameKeys(nonToken(remote.requests.slice(sentBefore)), hung);
      expect(readLease(state)).toMatchObject({ holder: '', fence: left.fence + 1 });
    } finally {
      sleeper.child.kill('SIGCONT');
    }
    const confirmed = outbox(state);
    expect(confirmed.every((o) => o.status === 'done')).toBe(true);
    // The sleeper wakes: its requests time out, its lease is gone. It must not write over the ledger.
    await sleeper.exit(30_000);
    const after = outbox(state);
    expect(after.map((o) => [o.key, o.status, o.attempts])).toEqual(confirmed.map((o) => [o.key, o.status, o.attempts]));
    expect(readLease(state)).toMatchObject({ holder: '', fence: left.fence + 1 });
    // And so the next run has nothing to send again.
    const sentBefore = remote.requests.length;
    const last = await cli(env, '2026-11-28T14:00:00Z').exit();
    // Its stderr shown only when it failed (it may warn of roles that closed since).
    expect({ code: last.code, stderr: last.code === 0 ? '' : last.stderr }).toEqual({ code: 0, stderr: '' });
    expect(nonToken(remote.requests.slice(sentBefore))).toEqual([]);
  }, 90_000);
});
