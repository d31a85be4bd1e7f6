/**
 * Real processes: a publish killed with SIGKILL mid-delivery leaves exactly the unconfirmed
 * notifications for the next run, which sends each once; two concurrent `jobcast publish` runs
 * never interleave.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Ledger } from '../src/ledger/ledger';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING, REPO } from './helpers/project';

let remote: FakeRemote;
let env: PublishEnv;
afterEach(async () => {
  env?.cleanup();
  await remote?.close();
});

const postings = Object.fromEntries([1, 2, 3].map((n) => [`role-${n}.yaml`, MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`)]));

function cli(now: string) {
  const p = env.project;
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), 'publish', '--config', p.configFile, '--postings', p.postingsDir, '--out', p.outDir, '--state', path.join(p.dir, 'state.db'), '--now', now], {
    env: { ...process.env, ...env.env, LOG_LEVEL: 'silent', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out })));
  return { child, exited };
}

const deliveryIds = (reqs: { body: string }[]) => reqs.map((r) => JSON.parse(r.body).delivery as string);

describe('publish across processes', () => {
  it('re-delivers exactly the unconfirmed notifications after a SIGKILL mid-delivery', async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, postings);
    env.ledger.close();
    // The first webhook is confirmed; every later one hangs until the process dies.
    remote.script('/webhook', { status: 200 });
    remote.otherwise('/webhook', { hang: true });
    const run = cli('2026-11-28T12:00:00Z');
    // Kill once one webhook is confirmed in the ledger and another is in flight.
    const confirmedOne = () => {
      try {
        const db = new Database(path.join(env.project.dir, 'state.db'), { readonly: true, fileMustExist: true });
        try {
          return (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE notifier = 'webhook' AND status = 'done'`).get() as { n: number }).n >= 1;
        } finally {
          db.close();
        }
      } catch {
        return false;
      }
    };
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (remote.to('/webhook').length >= 2 && confirmedOne()) (clearInterval(poll), resolve());
      }, 10);
    });
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');

    const ledger = new Ledger(path.join(env.project.dir, 'state.db'));
    const before = ledger.outbox();
    ledger.close();
    const confirmed = new Set(before.filter((o) => o.status === 'done').map((o) => o.key));
    const outstanding = before.filter((o) => o.status !== 'done');
    // Per role a URL_UPDATED and a webhook, plus one IndexNow batch (and WebSub pings per feed).
    expect(before.length).toBeGreaterThanOrEqual(3 + 1 + 3);
    expect(outstanding.length).toBeGreaterThan(0);
    expect(before.filter((o) => o.notifier === 'webhook' && o.status === 'done')).toHaveLength(1);

    remote.otherwise('/webhook', { status: 200 });
    const sentBefore = remote.requests.length;
    const rerun = cli('2026-11-28T12:01:00Z');
    const done = await rerun.exited;
    expect(done.code).toBe(0);
    const resent = remote.requests.slice(sentBefore).filter((r) => r.path !== '/token');
    expect(resent).toHaveLength(outstanding.length);

    const after = new Ledger(path.join(env.project.dir, 'state.db'));
    const rows = after.outbox();
    after.close();
    expect(rows.every((o) => o.status === 'done')).toBe(true);
    expect(rows.filter((o) => confirmed.has(o.key)).every((o) => o.attempts === 1)).toBe(true);
    // Each webhook delivery was answered 200 exactly once across both processes.
    const answered = deliveryIds(remote.to('/webhook').filter((r) => r.answered === 200));
    expect(answered.sort()).toEqual([...new Set(answered)].sort());
    expect(answered).toHaveLength(3);
  });

  it('lets only one of two concurrent publishes run', async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, postings);
    env.ledger.close();
    for (const p of ['/indexing', '/indexnow', '/hub', '/webhook']) remote.otherwise(p, { status: 200, body: '{}', delayMs: 300 });
    const a = cli('2026-11-28T12:00:00Z');
    const b = cli('2026-11-28T12:00:00Z');
    const results = await Promise.all([a.exited, b.exited]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(loser.out).toMatch(/another jobcast run holds the writer lease: publish by pid \d+ on .+, since \d{4}-\d\d-\d\dT[^ ]+ \(expires in \d+ s\); nothing was done \[JC_LEASE_HELD\]/);
    const nonToken = remote.requests.filter((r) => r.path !== '/token');
    const keys = nonToken.map((r) => `${r.path} ${r.body}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(remote.to('/webhook')).toHaveLength(3);
  });
});
