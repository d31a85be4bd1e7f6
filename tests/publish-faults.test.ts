/**
 * Faults: 500s, 429 with Retry-After, timeouts and connection resets are retried, recorded and never
 * duplicated; other 4xx are reported and not retried blindly; the daily Indexing API budget carries
 * the rest to the next run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

let remote: FakeRemote;
let env: PublishEnv;
afterEach(async () => {
  await env?.cleanup();
  await remote?.close();
});

async function setup(extra = '', postings: Record<string, string> = { 'backend-engineer.yaml': MINIMAL_POSTING }) {
  remote = await startFakeRemote();
  // These tests are about timeouts: a short one keeps them quick.
  env = await publishEnv(remote, postings, extra, { timeoutMs: 400 });
}

const ok = (path: string) => remote.to(path).filter((_, i, all) => i === all.length - 1);

describe('delivery faults', () => {
  it('retries a 500 within the run and delivers once', async () => {
    await setup();
    remote.script('/webhook', { status: 500, body: 'boom' }, { status: 503 });
    const r = await env.run('2026-11-28T12:00:00Z');
    expect(remote.to('/webhook')).toHaveLength(3);
    expect(new Set(remote.to('/webhook').map((q) => q.body)).size).toBe(1);
    expect(r.delivery).toMatchObject({ failed: 0, retrying: 0 });
    const [row] = (await env.ledger.outbox()).filter((o) => o.notifier === 'webhook');
    expect(row).toMatchObject({ status: 'done', attempts: 1 });
    expect(ok('/webhook')).toHaveLength(1);
  });

  it('honours Retry-After on a 429', async () => {
    await setup();
    remote.script('/indexnow', { status: 429, headers: { 'retry-after': '2' } });
    await env.run('2026-11-28T12:00:00Z');
    expect(remote.to('/indexnow')).toHaveLength(2);
    expect(Math.max(...env.sleeps)).toBeGreaterThanOrEqual(2000);
  });

  it('never repeats a timed-out or reset request in the same run; the next run re-sends it once, same key', async () => {
    await setup();
    remote.script('/indexing', { hang: true });
    remote.script('/webhook', { reset: true });
    const r = await env.run('2026-11-28T12:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(1);
    expect(remote.to('/webhook')).toHaveLength(1);
    expect(r.delivery.retrying).toBe(2);
    for (const notifier of ['google-indexing', 'webhook']) {
      expect((await env.ledger.outbox()).find((o) => o.notifier === notifier)).toMatchObject({ status: 'pending', ambiguous: 1, attempts: 1 });
    }
    await env.run('2026-11-28T13:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(2);
    const hooks = remote.to('/webhook');
    expect(hooks).toHaveLength(2);
    expect(hooks[1]!.body).toBe(hooks[0]!.body);
    expect(hooks[1]!.headers['idempotency-key']).toBe(hooks[0]!.headers['idempotency-key']);
    expect((await env.ledger.outbox()).filter((o) => o.status !== 'done')).toEqual([]);
  });

  it('receives an answer that comes after the timeout once per run, not once per retry', async () => {
    await setup();
    remote.otherwise('/webhook', { status: 200, delayMs: 700 });
    await env.run('2026-11-28T12:00:00Z');
    // The endpoint got it (and answered late); the run did not send it again.
    expect(remote.to('/webhook')).toHaveLength(1);
    expect((await env.ledger.outbox()).find((o) => o.notifier === 'webhook')).toMatchObject({ status: 'pending', ambiguous: 1 });
  });

  it('keeps a still-failing item for a later run with backoff, then delivers it exactly once', async () => {
    await setup();
    remote.script('/webhook', { status: 502 }, { status: 502 }, { status: 502 });
    const first = await env.run('2026-11-28T12:00:00Z');
    expect(first.delivery.retrying).toBe(1);
    const row = (await env.ledger.outbox()).find((o) => o.notifier === 'webhook')!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/HTTP 502/);
    expect(Date.parse(row.next_attempt!)).toBeGreaterThan(Date.parse('2026-11-28T12:00:00Z'));

    // Too early: the backoff holds it back, nothing is sent.
    const early = remote.to('/webhook').length;
    await env.run('2026-11-28T12:00:10Z');
    expect(remote.to('/webhook')).toHaveLength(early);

    const later = await env.run('2026-11-28T13:00:00Z');
    expect(later.delivery.sent).toBe(1);
    const bodies = remote.to('/webhook').map((q) => q.body);
    expect(new Set(bodies).size).toBe(1);
    expect((await env.ledger.outbox()).find((o) => o.notifier === 'webhook')).toMatchObject({ status: 'done', attempts: 2 });
    await env.run('2026-11-28T14:00:00Z');
    expect(remote.to('/webhook')).toHaveLength(bodies.length);
  });

  it('does not retry a 4xx other than 408/429, and reports it', async () => {
    await setup();
    remote.script('/indexing', { status: 403, body: 'Permission denied. Failed to verify the URL ownership.' });
    const r = await env.run('2026-11-28T12:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(1);
    expect(r.delivery.failed).toBe(1);
    const row = (await env.ledger.outbox()).find((o) => o.notifier === 'google-indexing')!;
    expect(row.status).toBe('failed');
    expect(row.last_error).toMatch(/403.*Search Console/);
    await env.run('2026-11-28T13:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(1);
    expect((await env.ledger.outbox({ status: 'failed' })).map((o) => o.receiver)).toEqual(['google-indexing']);
  });

  it('keeps a notification whose secret is missing waiting, unsigned nothing sent, and sends it once configured', async () => {
    await setup();
    const r = await env.run('2026-11-28T12:00:00Z', { env: { ...env.env, BOARD_SECRET: '' } });
    expect(remote.to('/webhook')).toHaveLength(0);
    expect((await env.ledger.outbox()).find((o) => o.notifier === 'webhook')).toMatchObject({ status: 'waiting', attempts: 0 });
    expect((await env.ledger.outbox()).find((o) => o.notifier === 'webhook')!.last_error).toMatch(/set BOARD_SECRET/);
    expect(r.delivery).toMatchObject({ waiting: 1, failed: 0 });
    expect(r.delivery.waitingFor['webhook:board']).toMatch(/set BOARD_SECRET/);
    const later = await env.run('2026-11-28T12:15:00Z');
    expect(later.delivery.sent).toBe(1);
    expect(remote.to('/webhook')).toHaveLength(1);
    await env.run('2026-11-28T12:30:00Z');
    expect(remote.to('/webhook')).toHaveLength(1);
  });

  it('spends at most the daily Indexing API budget and carries the rest to the next Pacific day', async () => {
    const postings: Record<string, string> = {};
    for (const n of [1, 2, 3]) postings[`role-${n}.yaml`] = MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`);
    await setup('', postings);
    await env.project.open();
    const config = readFileSync(env.project.configFile, 'utf8').replace('dailyBudget: 200', 'dailyBudget: 2');
    writeFileSync(env.project.configFile, config);
    const first = await env.run('2026-11-28T12:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(2);
    expect(first.delivery.deferred).toBe(1);
    await env.run('2026-11-28T20:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(2);
    // 08:00Z on the 29th is past midnight in Los Angeles: a new quota day.
    await env.run('2026-11-29T08:30:00Z');
    const urls = remote
      .to('/indexing')
      .map((q) => JSON.parse(q.body).url)
      .sort();
    expect(urls).toEqual(['https://jobs.example.com/jobs/role-1/', 'https://jobs.example.com/jobs/role-2/', 'https://jobs.example.com/jobs/role-3/']);
  });

  it('asks Google for one access token per run, however many requests go out at once', async () => {
    const postings: Record<string, string> = {};
    for (const n of [1, 2, 3, 4, 5, 6]) postings[`role-${n}.yaml`] = MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`);
    await setup('', postings);
    await env.run('2026-11-28T12:00:00Z');
    expect(remote.to('/indexing')).toHaveLength(6);
    expect(remote.to('/token')).toHaveLength(1);
  });
});
