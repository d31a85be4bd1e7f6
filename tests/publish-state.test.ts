/**
 * The ledger cannot be lost silently (docs/publication.md, "The output and the ledger belong
 * together"): a state database that was deleted, truncated, damaged, restored from an older backup
 * or taken from another site makes `jobcast publish` refuse, send nothing and leave the output as it
 * is; `jobcast state adopt` and `jobcast publish --resend-all` are the two ways on, and after either
 * publishing is back to telling exactly what changed.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { hasStackTrace, jobcastChild, jobcastHere, killChildren, statePath } from './helpers/follow-cli';
import { copyState, deleteState, hubPings, indexingCalls, indexNowUrls, notifications, outputState, replaceState, webhookEvents } from './helpers/follow-state';
import { BASE_URL, publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

const ROLES = ['role-1', 'role-2', 'role-3'];
const roleText = (n: number, extra = '') =>
  MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`).replace('jobs/backend-engineer/apply', `jobs/role-${n}/apply`) + extra;
const T0 = Date.parse('2026-11-28T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const page = (id: string) => `${BASE_URL}/jobs/${id}/`;
const FEEDS = [`${BASE_URL}/feeds/jobs.json`, `${BASE_URL}/feeds/jobs.rss`];

let remote: FakeRemote;
let env: PublishEnv;
const others: { env: PublishEnv; remote: FakeRemote }[] = [];

async function site(): Promise<{ env: PublishEnv; remote: FakeRemote }> {
  const r = await startFakeRemote();
  const e = await publishEnv(r, Object.fromEntries([1, 2, 3].map((n) => [`role-${n}.yaml`, roleText(n)])));
  // The commands below open the ledger themselves, as they would in production.
  await e.ledger.close();
  return { env: e, remote: r };
}

beforeEach(async () => {
  ({ env, remote } = await site());
});

afterEach(async () => {
  await killChildren();
  for (const o of [{ env, remote }, ...others.splice(0)]) {
    await o.env?.cleanup();
    await o.remote?.close();
  }
});

const state = () => statePath(env.project);

/** A command in this process; returns what it printed and only the requests it made. */
async function here(command: string[], extra: string[] = [], e: PublishEnv = env, r: FakeRemote = remote) {
  const before = r.requests.length;
  const run = await jobcastHere(e.project, command, extra, e.env);
  return { ...run, out: run.stdout + run.stderr, requests: r.requests.slice(before) };
}

/** A command as a real `jobcast` process; returns what it printed and only the requests it made. */
async function child(command: string[], extra: string[] = []) {
  const before = remote.requests.length;
  const done = await jobcastChild(env.project, command, extra, env.env).exited;
  return { code: done.code, out: done.out, requests: remote.requests.slice(before) };
}

/** The first publish of the three roles: everything is told once. */
async function firstPublish() {
  const run = await here(['publish'], ['--now', at(0)]);
  expect({ code: run.code, out: run.out }).toEqual({ code: 0, out: expect.stringContaining('notifications:') });
  expect(webhookEvents(run.requests)).toEqual(ROLES.map((id) => `posting.published ${id}`));
  return run;
}

/**
 * `publish` as a process refuses: exit 1, the mismatch and both ways on named, no stack trace,
 * nothing sent (not even a token fetch), and the output exactly as it was.
 */
async function expectRefused(extra: string[], why: RegExp) {
  const output = outputState(env.project);
  const run = await child(['publish'], extra);
  expect(run.code).toBe(1);
  expect(run.out).toContain('[JC_STATE_MISMATCH]');
  expect(run.out).toMatch(why);
  expect(run.out).toContain('nothing was sent');
  expect(run.out).toContain('`jobcast state adopt`');
  expect(run.out).toContain('`jobcast publish --resend-all`');
  expect(hasStackTrace(run.out)).toBe(false);
  expect(run.requests).toEqual([]);
  expect(outputState(env.project)).toEqual(output);
  return run;
}

const show = async () => {
  const run = await here(['state', 'show'], ['--format', 'json']);
  return {
    code: run.code,
    info: JSON.parse(run.stdout) as { matches: boolean; problem: string | null; ledger: string; run: number; output: { ledger: string; run: number } | null },
  };
};

const asideFiles = (kind: 'damaged' | 'replaced') => readdirSync(env.project.dir).filter((f) => f.startsWith(`state.db.${kind}-`) && !/-(wal|shm)$/.test(f));

/**
 * The id a state database file names itself by. Read-write only so that closing the connection
 * cleans up the WAL files (a read-only one leaves them behind); nothing is written.
 */
function ledgerIdOf(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    return (db.prepare(`SELECT value FROM meta WHERE key = 'ledger_id'`).get() as { value: string }).value;
  } finally {
    db.close();
  }
}

/** Every live role and feed told to every receiver, as a first publish tells them. */
function expectEverythingTold(told: ReturnType<typeof notifications>): void {
  expect(webhookEvents(told)).toEqual(ROLES.map((id) => `posting.published ${id}`));
  expect(indexingCalls(told)).toEqual(ROLES.map((id) => `URL_UPDATED ${page(id)}`));
  expect(indexNowUrls(told)).toEqual(ROLES.map(page));
  expect(hubPings(told)).toEqual(FEEDS.map((f) => `publish ${f}`));
}

describe('a lost state database makes publish refuse', () => {
  it('deleted: refused with the remedy, nothing sent, output untouched, and still refused the next time', async () => {
    await firstPublish();
    deleteState(state());
    // Something a publish would tell, were it allowed to.
    env.project.write('role-2.yaml', roleText(2).replace('max: 90000', 'max: 95000'));
    await expectRefused(['--now', at(15)], /the state database .*state\.db is new or was emptied/);
    // The refused run left a new empty ledger behind; that does not make the next run trust it.
    const again = await here(['publish'], ['--now', at(30)]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('[JC_STATE_MISMATCH]');
    expect(again.requests).toEqual([]);
    expect((await show()).info).toMatchObject({ matches: false });
  });

  it('truncated to 0 bytes: refused the same way', async () => {
    await firstPublish();
    replaceState(state(), Buffer.alloc(0));
    await expectRefused(['--now', at(15)], /is new or was emptied \(deleted or truncated\?\)/);
  });

  it('garbage bytes: refused naming the file, no stack trace; `state adopt` keeps it aside as state.db.damaged-*', async () => {
    await firstPublish();
    const garbage = Buffer.concat([Buffer.from('definitely not an SQLite file\n'), randomBytes(8192)]);
    replaceState(state(), garbage);
    const output = outputState(env.project);

    const run = await child(['publish'], ['--now', at(15)]);
    expect(run.code).toBe(1);
    expect(run.out).toContain(state());
    expect(hasStackTrace(run.out)).toBe(false);
    expect(run.requests).toEqual([]);
    expect(outputState(env.project)).toEqual(output);

    const adopted = await here(['state', 'adopt'], ['--now', at(20)]);
    expect(adopted.code).toBe(0);
    expect(adopted.requests).toEqual([]);
    const [aside] = asideFiles('damaged');
    expect(adopted.out).toContain(`kept as ${path.join(env.project.dir, aside!)}`);
    expect(readFileSync(path.join(env.project.dir, aside!))).toEqual(garbage);
    expect(await show()).toMatchObject({ code: 0, info: { matches: true } });
    expect(notifications((await here(['publish'], ['--now', at(30)])).requests)).toEqual([]);

    // The refusal named the way on, as for any other lost ledger: the damaged file is exactly the
    // case `state adopt` handles. (Checked last so that everything above is checked regardless.)
    expect(run.out).toContain('`jobcast state adopt`');
  });

  it("another site's ledger: refused; `state adopt` keeps it aside as state.db.replaced-*", async () => {
    await firstPublish();
    const other = await site();
    others.push(other);
    expect((await here(['publish'], ['--now', at(0)], other.env, other.remote)).code).toBe(0);
    const otherState = statePath(other.env.project);
    const otherLedger = ledgerIdOf(otherState);
    expect(otherLedger).not.toBe(ledgerIdOf(state()));
    copyState(otherState, state());
    const otherRequests = other.remote.requests.length;

    await expectRefused(['--now', at(15)], /belongs to another output \(ledger [0-9a-f-]{36}\)/);
    expect(other.remote.requests.length).toBe(otherRequests);

    const adopted = await here(['state', 'adopt'], ['--now', at(20)]);
    expect(adopted.code).toBe(0);
    const [aside] = asideFiles('replaced');
    expect(aside).toBeDefined();
    expect(adopted.out).toContain(`belonged to another output; kept as ${path.join(env.project.dir, aside!)}`);
    // The other site's ledger, kept whole beside the new one.
    expect(ledgerIdOf(path.join(env.project.dir, aside!))).toBe(otherLedger);
    expect(asideFiles('damaged')).toEqual([]);
    expect(await show()).toMatchObject({ code: 0, info: { matches: true } });
    expect(notifications([...(await here(['publish'], ['--now', at(30)])).requests, ...other.remote.requests.slice(otherRequests)])).toEqual([]);
  });

  it('restored from an older backup: refused as older than the output', async () => {
    await firstPublish();
    const backup = path.join(env.project.dir, 'backup-after-run-1.db');
    copyState(state(), backup);
    for (const [n, minutes] of [
      [1, 15],
      [2, 30],
    ] as const) {
      env.project.write('role-1.yaml', roleText(1, `# edit ${n}\n`).replace('max: 90000', `max: ${90000 + n * 1000}`));
      const run = await here(['publish'], ['--now', at(minutes)]);
      expect(run.code).toBe(0);
      expect(webhookEvents(run.requests)).toEqual(['posting.updated role-1']);
    }
    copyState(backup, state());
    env.project.write('role-1.yaml', roleText(1).replace('max: 90000', 'max: 99000'));
    await expectRefused(['--now', at(45)], /is older than the output in .*: it recorded run 1, the output was built by run 3 \(restored from a backup\?\)/);
  });

  it('--dry-run on a mismatch refuses too, sends nothing and does not claim everything was told', async () => {
    await firstPublish();
    deleteState(state());
    env.project.write('role-3.yaml', roleText(3).replace('status: open', 'status: closed'));
    const run = await expectRefused(['--dry-run', '--now', at(15)], /is new or was emptied/);
    // What ops see on a refusal must not read as "all is well": no verdict on what there is to send.
    expect(run.out).not.toMatch(/nothing to send|would send/);
  });
});

describe('the ways on', () => {
  it('after `state adopt`: they belong together, an unchanged publish tells nothing, an edit tells exactly that role', async () => {
    await firstPublish();
    deleteState(state());
    expect((await here(['publish'], ['--now', at(10)])).code).toBe(1);
    expect((await show()).code).toBe(1);

    const adopted = await here(['state', 'adopt'], ['--now', at(15)]);
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toMatch(/adopted the output .*: 3 role\(s\) and 2 feed\(s\) recorded as already told to \d+ receiver\(s\); nothing was sent/);
    expect(adopted.requests).toEqual([]);
    // A blank ledger is adopted in place: nothing to keep aside.
    expect([...asideFiles('damaged'), ...asideFiles('replaced')]).toEqual([]);

    const shown = await here(['state', 'show']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^belong together yes$/m);
    const { info } = await show();
    expect(info.matches).toBe(true);
    expect(info.ledger).toBe(info.output!.ledger);

    const unchanged = await here(['publish'], ['--now', at(30)]);
    expect(unchanged.code).toBe(0);
    expect(notifications(unchanged.requests)).toEqual([]);

    env.project.write('role-2.yaml', roleText(2).replace('max: 90000', 'max: 95000'));
    const edited = await here(['publish'], ['--now', at(45)]);
    expect(edited.code).toBe(0);
    const told = notifications(edited.requests);
    expect(indexingCalls(told)).toEqual([`URL_UPDATED ${page('role-2')}`]);
    expect(indexNowUrls(told)).toEqual([page('role-2')]);
    expect(webhookEvents(told)).toEqual(['posting.updated role-2']);
    expect(hubPings(told)).toEqual(FEEDS.map((f) => `publish ${f}`));
    // Nothing else: one of each, one ping per changed feed.
    expect(told).toHaveLength(1 + 1 + 1 + FEEDS.length);

    expect(notifications((await here(['publish'], ['--now', at(60)])).requests)).toEqual([]);
  });

  it('after `state adopt`, an edit goes out as a new delivery, not under a key boards already saw before the loss', async () => {
    await firstPublish();
    // role-2 was edited and told once before the state was lost.
    env.project.write('role-2.yaml', roleText(2).replace('max: 90000', 'max: 95000'));
    const before = await here(['publish'], ['--now', at(15)]);
    expect(webhookEvents(before.requests)).toEqual(['posting.updated role-2']);
    const seen = new Set(remote.requests.filter((r) => r.path === '/webhook').map((r) => String(r.headers['idempotency-key'])));

    deleteState(state());
    expect((await here(['state', 'adopt'], ['--now', at(20)])).code).toBe(0);
    env.project.write('role-2.yaml', roleText(2).replace('max: 90000', 'max: 99000'));
    const edited = await here(['publish'], ['--now', at(30)]);
    const hooks = edited.requests.filter((r) => r.path === '/webhook');
    expect(webhookEvents(hooks)).toEqual(['posting.updated role-2']);
    // A board that drops keys it has seen (docs/publication.md) must not drop this one.
    expect(hooks.map((r) => String(r.headers['idempotency-key'])).filter((k) => seen.has(k))).toEqual([]);
  });

  it('`publish --resend-all` tells every receiver everything, and the publishes after it are back to normal', async () => {
    const first = await firstPublish();
    deleteState(state());
    const output = outputState(env.project);

    const resent = await here(['publish'], ['--resend-all', '--now', at(15)]);
    expect(resent.code).toBe(0);
    const told = notifications(resent.requests);
    expectEverythingTold(told);
    // Exactly what the first publish told, again.
    expect(told.map((r) => r.path).sort()).toEqual(
      notifications(first.requests)
        .map((r) => r.path)
        .sort(),
    );
    // It built the output anew, now with this ledger.
    expect(outputState(env.project).link).not.toBe(output.link);
    expect(await show()).toMatchObject({ code: 0, info: { matches: true } });

    const next = await here(['publish'], ['--now', at(30)]);
    expect(next.code).toBe(0);
    expect(notifications(next.requests)).toEqual([]);
    env.project.write('role-1.yaml', roleText(1).replace('status: open', 'status: closed'));
    const closed = notifications((await here(['publish'], ['--now', at(45)])).requests);
    expect(webhookEvents(closed)).toEqual(['posting.closed role-1']);
    expect(indexingCalls(closed)).toEqual([`URL_DELETED ${page('role-1')}`]);
  });

  it('`publish --resend-all` sends new deliveries, not copies that a board remembering keys would drop', async () => {
    // Boards see the key (Idempotency-Key, X-Jobcast-Delivery, the body's `delivery`) and "a receiver
    // that remembers keys drops the copy" (docs/publication.md). What --resend-all sends after the
    // state was lost is not a copy: here role-2 changed after it was last told.
    const first = await firstPublish();
    env.project.write('role-2.yaml', roleText(2).replace('max: 90000', 'max: 95000'));
    const update = await here(['publish'], ['--now', at(15)]);
    expect(webhookEvents(update.requests)).toEqual(['posting.updated role-2']);
    const delivered = new Set([...first.requests, ...update.requests].filter((r) => r.path === '/webhook').map((r) => String(r.headers['idempotency-key'])));
    expect(delivered.size).toBe(4);

    deleteState(state());
    env.project.write('role-2.yaml', roleText(2).replace('max: 90000', 'max: 99000'));
    const resent = await here(['publish'], ['--resend-all', '--now', at(30)]);
    expect(resent.code).toBe(0);
    const hooks = resent.requests.filter((r) => r.path === '/webhook');
    expect(webhookEvents(hooks)).toEqual(ROLES.map((id) => `posting.published ${id}`));
    // A board that drops keys it has seen would drop all of these, and so never hear of role-2's new pay.
    expect(hooks.map((r) => String(r.headers['idempotency-key'])).filter((k) => delivered.has(k))).toEqual([]);
  });

  it('`publish --resend-all` on a state restored from an older backup also tells every receiver everything', async () => {
    // The refusal offers --resend-all for this case too ("to tell every receiver everything again").
    await firstPublish();
    const backup = path.join(env.project.dir, 'backup-after-run-1.db');
    copyState(state(), backup);
    env.project.write('role-1.yaml', roleText(1).replace('max: 90000', 'max: 91000'));
    expect((await here(['publish'], ['--now', at(15)])).code).toBe(0);
    expect((await here(['publish'], ['--now', at(30)])).code).toBe(0);
    copyState(backup, state());
    expect((await here(['publish'], ['--now', at(45)])).code).toBe(1);

    const resent = await here(['publish'], ['--resend-all', '--now', at(60)]);
    expect(resent.code).toBe(0);
    const told = notifications(resent.requests);
    expectEverythingTold(told);
    expect(await show()).toMatchObject({ code: 0, info: { matches: true } });
    expect(notifications((await here(['publish'], ['--now', at(75)])).requests)).toEqual([]);
  });
});
