/**
 * The Mastodon notifier (notifiers/mastodon.ts) against a fake server on 127.0.0.1: one status per
 * new role with the bearer token and the outbox key as Idempotency-Key; nothing for reruns, edits
 * or closes; a new status on reopening; waiting without a token; the token never in the ledger or a log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger } from '../src/log';
import { isJobcastError } from '../src/errors';
import { statusText } from '../notifiers/mastodon';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { BASE_URL, publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

const ID = 'backend-engineer';
const PAGE = `${BASE_URL}/jobs/${ID}/`;
const TOKEN = 'mastodon-access-token-0123456789';
const STATUSES = '/api/v1/statuses';
const mastodonConfig = (instance: string, extra = '') => `  mastodon: { instance: "${instance}", tokenEnv: MASTODON_TOKEN${extra} }\n`;

/** The helper's 400 ms suits fault tests; here a slow machine must not turn a message into a retry. */
const relaxTimeout = (e: PublishEnv) =>
  writeFileSync(e.project.configFile, readFileSync(e.project.configFile, 'utf8').replace('timeoutMs: 400', 'timeoutMs: 5000'));

let remote: FakeRemote;
let env: PublishEnv;
let clock: number;

beforeEach(async () => {
  remote = await startFakeRemote();
  env = await publishEnv(remote, { [`${ID}.yaml`]: MINIMAL_POSTING }, mastodonConfig(remote.url));
  relaxTimeout(env);
  env.env.MASTODON_TOKEN = TOKEN;
  clock = Date.parse('2026-11-28T12:00:00Z');
});
afterEach(async () => {
  await env.cleanup();
  await remote.close();
});

/** One publish 15 minutes after the last: the statuses it posted. */
async function step(opts: Parameters<PublishEnv['run']>[1] = {}) {
  const before = remote.requests.length;
  clock += 15 * 60_000;
  const result = await env.run(new Date(clock).toISOString(), opts);
  const posted = remote.requests.slice(before).filter((r) => r.path === STATUSES);
  return { result, posted, statuses: posted.map((r) => (JSON.parse(r.body) as { status: string; visibility: string }).status) };
}

const outboxKeys = async () => (await env.ledger.outbox()).filter((r) => r.receiver === 'mastodon').map((r) => r.key);

function expectAuthorised(r: Recorded) {
  expect(r.method).toBe('POST');
  expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(r.headers['content-type']).toBe('application/json');
}

describe('mastodon notifier', () => {
  it('posts one status per new role, keyed by its outbox key, and nothing on a rerun, an edit or a close', async () => {
    env.project.write('data-engineer.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Data Engineer'));
    const first = await step();
    expect(first.result.delivery).toMatchObject({ failed: 0, retrying: 0, waiting: 0 });
    expect(first.statuses.sort()).toEqual([
      `Backend Engineer at Example Corp — Berlin, Germany\n${PAGE}`,
      `Data Engineer at Example Corp — Berlin, Germany\n${BASE_URL}/jobs/data-engineer/`,
    ]);
    for (const r of first.posted) {
      expectAuthorised(r);
      expect(JSON.parse(r.body).visibility).toBe('public');
    }
    expect(first.posted.map((r) => r.headers['idempotency-key']).sort()).toEqual((await outboxKeys()).sort());

    expect((await step()).posted).toEqual([]);
    env.project.write(`${ID}.yaml`, MINIMAL_POSTING.replace('max: 90000', 'max: 95000'));
    expect((await step()).posted).toEqual([]);
    env.project.write(`${ID}.yaml`, MINIMAL_POSTING.replace('status: open', 'status: closed'));
    const closed = await step();
    expect(closed.posted).toEqual([]);
    expect(closed.result.transitions.find((t) => t.receiver === 'mastodon')?.event).toBe('close');
  });

  it('posts a reopened role again, under a new key', async () => {
    const first = await step();
    env.project.write(`${ID}.yaml`, MINIMAL_POSTING.replace('status: open', 'status: closed'));
    await step();
    env.project.write(`${ID}.yaml`, MINIMAL_POSTING);
    const reopened = await step();
    expect(reopened.statuses).toEqual([`Backend Engineer at Example Corp — Berlin, Germany\n${PAGE}`]);
    const [a, b] = [first.posted[0]!.headers['idempotency-key'], reopened.posted[0]!.headers['idempotency-key']];
    expect(a).not.toBe(b);
    expect((await outboxKeys()).sort()).toEqual([a, b].sort());
  });

  it('waits for its token, says so in --dry-run, and posts once it is set', async () => {
    delete env.env.MASTODON_TOKEN;
    const dry = await step({ dryRun: true });
    const planned = dry.result.planned.find((p) => p.receiver === 'mastodon')!;
    expect(dry.result.waitsFor[planned.key]).toBe('set MASTODON_TOKEN to the access token of the Mastodon account');

    const waiting = await step();
    expect(waiting.posted).toEqual([]);
    expect(waiting.result.delivery.waitingFor.mastodon).toMatch(/set MASTODON_TOKEN/);

    env.env.MASTODON_TOKEN = TOKEN;
    const sent = await step();
    expect(sent.statuses).toHaveLength(1);
    expectAuthorised(sent.posted[0]!);
    expect((await step()).posted).toEqual([]);
  });

  it('posts unlisted when configured, and keeps the token out of the ledger and the logs when the server echoes it', async () => {
    const unlisted = await publishEnv(remote, { [`${ID}.yaml`]: MINIMAL_POSTING }, mastodonConfig(remote.url, ', visibility: unlisted'));
    try {
      unlisted.env.MASTODON_TOKEN = TOKEN;
      remote.otherwise(STATUSES, { status: 422, body: `{"error":"token ${TOKEN} cannot post"}` });
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
      const result = await unlisted.run('2026-11-28T12:00:00Z', { log: createLogger('debug', sink) });
      expect(result.delivery.problems.some((p) => p.receiver === 'mastodon' && p.outcome === 'failed')).toBe(true);
      expect(JSON.parse(remote.to(STATUSES)[0]!.body).visibility).toBe('unlisted');
      const ledger = JSON.stringify(await unlisted.ledger.outbox());
      expect(ledger).toContain('token [redacted] cannot post');
      expect(ledger).not.toContain(TOKEN);
      expect(lines.join('')).not.toContain(TOKEN);
    } finally {
      await unlisted.cleanup();
    }
  });

  it('keeps a status within 500 characters by shortening the title, never the link', () => {
    const link = `${BASE_URL}/jobs/${'x'.repeat(60)}/`;
    const text = statusText('T'.repeat(600), ' at Example Corp — Berlin, Germany', link);
    expect(Array.from(text).length).toBe(500);
    expect(text.endsWith(`…\u0020at Example Corp — Berlin, Germany\n${link}`)).toBe(true);
    const places = statusText('Engineer', ` at Example Corp — ${'Berlin; '.repeat(80)}`, link);
    expect(Array.from(places).length).toBe(500);
    expect(places.endsWith(`…\n${link}`)).toBe(true);
    expect(statusText('Engineer', ' at Example Corp — Berlin', link)).toBe(`Engineer at Example Corp — Berlin\n${link}`);
  });

  it('refuses an instance that is not an https server address, at its place in the config', async () => {
    const bad = await publishEnv(remote, {}, mastodonConfig('http://mastodon.example.com/@jobs'));
    try {
      const err: unknown = await bad.project.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      const [d] = isJobcastError(err) ? err.details : [];
      expect(d).toMatchObject({ code: 'JC_MASTODON_INSTANCE', field: 'notify.mastodon.instance', line: 16, fix: 'e.g. https://mastodon.social' });
    } finally {
      await bad.cleanup();
    }
  });
});
