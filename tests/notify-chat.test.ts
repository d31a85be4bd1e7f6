/**
 * The chat notifier (notifiers/chat.ts) against fake Slack and Teams incoming webhooks on 127.0.0.1:
 * one message when a role goes live and one when it closes, nothing for edits or reruns, a message
 * again on reopening; waiting without its URL; the URL (the secret) never in the ledger or a log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger } from '../src/log';
import { isJobcastError } from '../src/errors';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { BASE_URL, publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

const ID = 'backend-engineer';
const PAGE = `${BASE_URL}/jobs/${ID}/`;
const SLACK_PATH = '/services/T000/B000/slack-secret-part';
const TEAMS_PATH = '/webhookb2/teams-secret-part';
// Indented under `notify:` (the helper's config ends inside it).
const CHATS = `  chat:
    - { name: hiring, urlEnv: SLACK_HIRING_URL }
    - { name: leads, urlEnv: TEAMS_LEADS_URL, format: teams }
`;
const OTHER = MINIMAL_POSTING.replace('Backend Engineer', 'Data <Engineer> & Co');

/** The helper's 400 ms suits fault tests; here a slow machine must not turn a message into a retry. */
const relaxTimeout = (e: PublishEnv) =>
  writeFileSync(e.project.configFile, readFileSync(e.project.configFile, 'utf8').replace('timeoutMs: 400', 'timeoutMs: 5000'));

let remote: FakeRemote;
let env: PublishEnv;
let clock: number;

beforeEach(async () => {
  remote = await startFakeRemote();
  env = await publishEnv(remote, { [`${ID}.yaml`]: MINIMAL_POSTING }, CHATS);
  relaxTimeout(env);
  Object.assign(env.env, { SLACK_HIRING_URL: `${remote.url}${SLACK_PATH}`, TEAMS_LEADS_URL: `${remote.url}${TEAMS_PATH}` });
  clock = Date.parse('2026-11-28T12:00:00Z');
});
afterEach(async () => {
  await env.cleanup();
  await remote.close();
});

/** One publish 15 minutes after the last: the texts each chat got from it. */
async function step(opts: Parameters<PublishEnv['run']>[1] = {}) {
  const before = remote.requests.length;
  clock += 15 * 60_000;
  const result = await env.run(new Date(clock).toISOString(), opts);
  const got = remote.requests.slice(before);
  const texts = (p: string) => got.filter((r) => r.path === p).map((r) => (JSON.parse(r.body) as { text: string }).text);
  return { result, slack: texts(SLACK_PATH), teams: texts(TEAMS_PATH), requests: got };
}

describe('chat notifier', () => {
  it('tells each chat once when a role goes live, in its own format, and nothing on a rerun or an edit', async () => {
    env.project.write('data-engineer.yaml', OTHER);
    const first = await step();
    expect(first.result.delivery).toMatchObject({ failed: 0, retrying: 0, waiting: 0 });
    expect(first.slack.sort()).toEqual([
      `New role: <${PAGE}|Backend Engineer> — Berlin, Germany`,
      `New role: <${BASE_URL}/jobs/data-engineer/|Data &lt;Engineer&gt; &amp; Co> — Berlin, Germany`,
    ]);
    expect(first.teams.sort()).toEqual([
      `New role: [Backend Engineer](${PAGE}) — Berlin, Germany`,
      `New role: [Data \\<Engineer\\> & Co](${BASE_URL}/jobs/data-engineer/) — Berlin, Germany`,
    ]);
    for (const r of first.requests.filter((q) => q.path === SLACK_PATH)) expect(r.headers['content-type']).toBe('application/json');

    expect((await step()).requests).toEqual([]);
    env.project.write(`${ID}.yaml`, MINIMAL_POSTING.replace('max: 90000', 'max: 95000'));
    const edit = await step();
    expect([edit.slack, edit.teams]).toEqual([[], []]);
    expect(edit.result.transitions.filter((t) => t.receiver.startsWith('chat:')).map((t) => t.event)).toEqual(['update', 'update']);
  });

  it('tells a close once, and a reopen as a new role, each under its own key', async () => {
    await step();
    env.project.write(`${ID}.yaml`, MINIMAL_POSTING.replace('status: open', 'status: closed'));
    const closed = await step();
    expect(closed.slack).toEqual([`Closed: <${PAGE}|Backend Engineer> — Berlin, Germany`]);
    expect(closed.teams).toEqual([`Closed: [Backend Engineer](${PAGE}) — Berlin, Germany`]);
    expect((await step()).slack).toEqual([]);

    env.project.write(`${ID}.yaml`, MINIMAL_POSTING);
    const reopened = await step();
    expect(reopened.slack).toEqual([`New role: <${PAGE}|Backend Engineer> — Berlin, Germany`]);
    const keys = (await env.ledger.outbox()).filter((r) => r.receiver === 'chat:hiring');
    expect(keys.map((r) => r.event)).toEqual(['publish', 'close', 'publish']);
    expect(new Set(keys.map((r) => r.key)).size).toBe(3);
  });

  it('names a role whose file is gone in its close, from what the chat was told', async () => {
    await step();
    env.project.remove(`${ID}.yaml`);
    expect((await step()).slack).toEqual([`Closed: <${PAGE}|Backend Engineer> — Berlin, Germany`]);
  });

  it('waits for its URL, says so in --dry-run, and sends once it is set', async () => {
    delete env.env.SLACK_HIRING_URL;
    const dry = await step({ dryRun: true });
    const planned = dry.result.planned.find((p) => p.receiver === 'chat:hiring')!;
    expect(dry.result.waitsFor[planned.key]).toBe('set SLACK_HIRING_URL to the incoming-webhook URL of chat "hiring"');

    const waiting = await step();
    expect(waiting.slack).toEqual([]);
    expect(waiting.teams).toHaveLength(1);
    expect(waiting.result.delivery.waitingFor['chat:hiring']).toMatch(/set SLACK_HIRING_URL/);

    env.env.SLACK_HIRING_URL = `${remote.url}${SLACK_PATH}`;
    expect((await step()).slack).toEqual([`New role: <${PAGE}|Backend Engineer> — Berlin, Germany`]);
    expect((await step()).slack).toEqual([]);
  });

  it('keeps the webhook URL out of the ledger and the logs when the chat echoes it', async () => {
    const secretUrl = `${remote.url}${SLACK_PATH}`;
    remote.otherwise(SLACK_PATH, { status: 400, body: `invalid_payload for ${secretUrl}` });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const { result } = await step({ log: createLogger('debug', sink) });
    expect(result.delivery.problems.some((p) => p.receiver === 'chat:hiring' && p.outcome === 'failed')).toBe(true);
    const ledger = JSON.stringify(await env.ledger.outbox());
    expect(ledger).toContain('invalid_payload for [redacted]');
    expect(ledger).not.toContain('slack-secret-part');
    expect(lines.join('')).not.toContain('slack-secret-part');
  });

  it('refuses a name used twice, at its place in the config', async () => {
    const repeated = CHATS.replace('name: leads', 'name: hiring');
    const bad = await publishEnv(remote, {}, repeated);
    try {
      const err: unknown = await bad.project.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isJobcastError(err) && err.code).toBe('JC_CONFIG_INVALID');
      const [d] = isJobcastError(err) ? err.details : [];
      expect(d).toMatchObject({ code: 'JC_CHAT_NAME_REPEATED', field: 'notify.chat.1.name', line: 18 });
    } finally {
      await bad.cleanup();
    }
  });
});
