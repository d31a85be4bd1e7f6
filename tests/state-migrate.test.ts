/**
 * `jobcast state migrate --to` (docs/operations.md, "The ledger on PostgreSQL"): a ledger that has
 * published moves to PostgreSQL (or another SQLite file) with its identity, told states, outbox and
 * fence, so the next publish on the new ledger tells nothing for unchanged roles and exactly the
 * edited one; a target that already holds a ledger is refused and left as it was.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ledger } from '../src/ledger/ledger';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { hasStackTrace } from './helpers/follow-cli';
import { webhookEvents } from './helpers/follow-state';
import { usePostgres } from './helpers/postgres';
import { projectFlags, runJobcast } from './helpers/jobcast-process';
import { MINIMAL_POSTING } from './helpers/project';
import { publishEnv, type PublishEnv } from './helpers/publish-env';

const postgres = usePostgres();
let remote: FakeRemote;
let env: PublishEnv;

beforeEach(async () => {
  remote = await startFakeRemote();
  const roles = Object.fromEntries([1, 2, 3].map((n) => [`role-${n}.yaml`, MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`)]));
  env = await publishEnv(remote, roles);
  await env.ledger.close();
});
afterEach(async () => {
  await env.cleanup();
  await remote.close();
});

/** A real `jobcast` process on the project, its ledger at `state`. */
const jobcast = (args: string[], state: string) => runJobcast([...args, ...projectFlags(env.project), '--state', state], env.env);

const NOW = ['--now', '2026-11-28T12:00:00Z'];
const sqlite = () => path.join(env.project.dir, 'state.db');

it.each([
  ['postgres', () => postgres().freshDatabase()],
  ['another SQLite file', () => Promise.resolve(path.join(env.project.dir, 'moved', 'state.db'))],
])(
  'moves a ledger that has published to %s; the next publish there tells only the edit',
  async (_name, where) => {
    expect((await jobcast(['publish', ...NOW], sqlite())).code).toBe(0);
    expect(webhookEvents(remote.requests)).toEqual(['posting.published role-1', 'posting.published role-2', 'posting.published role-3']);
    const before = await Ledger.open(sqlite());
    const identity = await before.identity();
    const outbox = (await before.outbox()).map((o) => [o.id, o.key, o.status]);
    await before.close();

    const target = await where();
    const moved = await jobcast(['state', 'migrate', '--to', target], sqlite());
    expect(moved.code).toBe(0);
    expect(moved.out).toMatch(/copied the ledger .* into .*: 5 subject\(s\), \d+ told state\(s\), \d+ notification\(s\), 1 run\(s\)/);
    const after = await Ledger.open(target);
    expect(await after.identity()).toEqual(identity);
    expect((await after.outbox()).map((o) => [o.id, o.key, o.status])).toEqual(outbox);
    await after.close();

    const sent = remote.requests.length;
    expect((await jobcast(['publish', ...NOW], target)).code).toBe(0);
    expect(remote.requests.length).toBe(sent);
    writeFileSync(path.join(env.project.postingsDir, 'role-2.yaml'), MINIMAL_POSTING.replace('Backend Engineer', 'Engineer 2 (Senior)'));
    expect((await jobcast(['publish', ...NOW], target)).code).toBe(0);
    expect(webhookEvents(remote.requests.slice(sent))).toEqual(['posting.updated role-2']);
    const shown = await jobcast(['state', 'show', '--format', 'json'], target);
    expect(JSON.parse(shown.out)).toMatchObject({ matches: true, ledger: identity.id, run: identity.seq + 2 });
  },
  120_000,
);

it('refuses a target that already holds a ledger, and leaves it as it was', async () => {
  expect((await jobcast(['publish', ...NOW], sqlite())).code).toBe(0);
  const target = await postgres().freshDatabase();
  expect((await jobcast(['state', 'migrate', '--to', target], sqlite())).code).toBe(0);
  const held = await Ledger.open(target);
  const before = { identity: await held.identity(), outbox: await held.outbox(), told: await held.told() };
  await held.close();
  const again = await jobcast(['state', 'migrate', '--to', target], sqlite());
  expect(again.code).toBe(1);
  expect(again.out).toContain('JC_STATE_TARGET_IN_USE');
  expect(hasStackTrace(again.out)).toBe(false);
  const still = await Ledger.open(target);
  expect({ identity: await still.identity(), outbox: await still.outbox(), told: await still.told() }).toEqual(before);
  await still.close();
  const usage = await jobcast(['state', 'migrate'], sqlite());
  expect(usage.code).toBe(2);
  expect(usage.out).toContain('migrate --to TARGET');
}, 120_000);
