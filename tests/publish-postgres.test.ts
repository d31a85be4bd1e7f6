/**
 * `jobcast publish` with the ledger on PostgreSQL (docs/operations.md, "The ledger on
 * PostgreSQL"): real `jobcast` processes against a server started by the tests, the URL in the
 * variable `stateEnv` names. Every change is told once across runs and across two processes racing,
 * and a missing variable or an unreachable server is one line with its code, never a stack trace
 * or the password.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
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
  const roles = Object.fromEntries([1, 2].map((n) => [`role-${n}.yaml`, MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`)]));
  env = await publishEnv(remote, roles, 'stateEnv: JOBCAST_STATE_URL\n');
});
afterEach(async () => {
  await env.cleanup();
  await remote.close();
});

/** A real `jobcast` process on the project (no --state: the config's stateEnv decides). */
const jobcast = (args: string[], extraEnv: NodeJS.ProcessEnv) =>
  runJobcast([...args, ...projectFlags(env.project)], { JOBCAST_STATE_URL: '', ...env.env, ...extraEnv });

const NOW = ['--now', '2026-11-28T12:00:00Z'];

it('tells each change once across runs, and once when two processes publish at the same time', async () => {
  const url = await postgres().freshDatabase();
  const state = { JOBCAST_STATE_URL: url };
  const first = await jobcast(['publish', ...NOW], state);
  expect(first).toMatchObject({ code: 0 });
  expect(webhookEvents(remote.requests)).toEqual(['posting.published role-1', 'posting.published role-2']);

  const again = await jobcast(['publish', ...NOW], state);
  expect(again.code).toBe(0);
  expect(webhookEvents(remote.requests)).toHaveLength(2);

  writeFileSync(path.join(env.project.postingsDir, 'role-2.yaml'), MINIMAL_POSTING.replace('Backend Engineer', 'Engineer 2 (Senior)'));
  const racing = await Promise.all([jobcast(['publish', ...NOW], state), jobcast(['publish', ...NOW], state)]);
  // One of them publishes; the other finds the lease held and says who holds it, or finds nothing left to tell.
  expect(racing.map((r) => hasStackTrace(r.out))).toEqual([false, false]);
  expect(webhookEvents(remote.requests)).toEqual(['posting.published role-1', 'posting.published role-2', 'posting.updated role-2']);

  const shown = await jobcast(['state', 'show', '--format', 'json'], state);
  expect(shown.code).toBe(0);
  const info = JSON.parse(shown.out) as { state: string; matches: boolean; run: number };
  expect(info.matches).toBe(true);
  expect(info.state).toBe(url.replace(':jobcast@', ':***@'));
}, 120_000);

it('stops with one line when the variable is not set or the server cannot be reached', async () => {
  // Checking the postings needs no ledger: it runs without the variable.
  expect((await jobcast(['validate'], {})).code).toBe(0);
  const unset = await jobcast(['publish', ...NOW], {});
  expect(unset.code).toBe(1);
  expect(unset.out).toMatch(/JOBCAST_STATE_URL \(stateEnv\), and it is not set/);
  expect(unset.out).toContain('JC_STATE_ENV_UNSET');
  expect(hasStackTrace(unset.out)).toBe(false);

  const closed = await jobcast(['publish', ...NOW], { JOBCAST_STATE_URL: 'postgres://jobcast:hunter2secret@127.0.0.1:1/jobcast' });
  expect(closed.code).toBe(1);
  expect(closed.out).toContain('JC_STATE_OPEN');
  expect(closed.out).toContain('postgres://jobcast:***@127.0.0.1:1/jobcast');
  expect(closed.out).not.toContain('hunter2secret');
  expect(hasStackTrace(closed.out)).toBe(false);
  expect(remote.requests).toEqual([]);
}, 60_000);
