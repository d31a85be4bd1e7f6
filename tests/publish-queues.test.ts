/**
 * Each receiver has its own queue: a hung webhook delays only itself. The proof is causal, not timed:
 * the board holds every request until the test lets go, and the test lets go only once all emails
 * have arrived — which they could not if they waited behind the board.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

const LIST = `channels:
  email:
    lists:
      eng: { address: eng@lists.example.com }
`;
const roles = Object.fromEntries(
  Array.from({ length: 12 }, (_, i) => [
    `role-${i + 1}.yaml`,
    `${MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${i + 1}`)}channels:\n  email: { lists: [eng] }\n`,
  ]),
);

/** A board that answers nothing until released. */
async function heldBoard() {
  const held: http.ServerResponse[] = [];
  let closedEarly = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      held.push(res);
      res.on('close', () => void (res.writableEnded || closedEarly++));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    held,
    closedEarly: () => closedEarly,
    release: () => held.splice(0).forEach((res) => res.writeHead(200).end('{}')),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

let remote: FakeRemote;
let env: PublishEnv;
let board: Awaited<ReturnType<typeof heldBoard>>;
let smtp: SmtpInbox;

async function setup(timeoutMs: number) {
  remote = await startFakeRemote();
  board = await heldBoard();
  smtp = await startSmtpInbox();
  env = await publishEnv(remote, roles, LIST);
  env.env.SMTP_URL = smtp.url;
  const file = env.project.configFile;
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace(`url: "${remote.url}/webhook"`, `url: "${board.url}"`)
      .replace('http: { timeoutMs: 400, retries: 2, backoffMs: 1 }', `http: { timeoutMs: ${timeoutMs}, retries: 2, backoffMs: 1 }`),
  );
}

afterEach(async () => {
  board?.release();
  await env?.cleanup();
  await Promise.all([board?.close(), smtp?.close(), remote?.close()]);
});

async function until(what: string, ok: () => boolean, deadlineMs: number, alive: () => boolean): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!ok()) {
    if (!alive()) throw new Error(`the publish ended before ${what}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('per-receiver queues', () => {
  it('delivers every email and every Google request while the board hangs', async () => {
    await setup(60_000);
    let running = true;
    const run = env.run('2026-11-28T12:00:00Z').finally(() => (running = false));
    await until(
      '12 emails',
      () => smtp.mail.length === 12,
      30_000,
      () => running,
    );
    // Google and IndexNow went out too, while the board still holds its first requests unanswered.
    await until(
      '12 Indexing API requests',
      () => remote.to('/indexing').length === 12,
      30_000,
      () => running,
    );
    expect(remote.to('/indexnow')).toHaveLength(1);
    expect(board.held.length).toBeGreaterThan(0);
    expect(board.closedEarly()).toBe(0);
    // Let the board answer: its queue drains, one request at a time per lane, each once.
    const drain = setInterval(() => board.release(), 10);
    const result = await run.finally(() => clearInterval(drain));
    expect(result.delivery.byNotifier.smtp).toMatchObject({ sent: 12 });
    expect(result.delivery.byNotifier.webhook).toMatchObject({ sent: 12, failed: 0 });
  });

  it('leaves a receiver that keeps timing out for the next run, after a few attempts, without failing the items', async () => {
    await setup(300);
    const result = await env.run('2026-11-28T12:00:00Z');
    expect(smtp.mail).toHaveLength(12);
    const hooks = (await env.ledger.outbox()).filter((o) => o.notifier === 'webhook');
    const attempted = hooks.filter((o) => o.attempts > 0);
    // Concurrency 4 and a breaker at 3 unconfirmed in a row: at most 3 − 1 + 4 attempts before it stops.
    expect(attempted.length).toBeGreaterThanOrEqual(3);
    expect(attempted.length).toBeLessThanOrEqual(6);
    expect(attempted.every((o) => o.status === 'pending' && o.ambiguous === 1)).toBe(true);
    expect(hooks.filter((o) => o.attempts === 0).every((o) => o.status === 'pending')).toBe(true);
    expect(result.delivery.remaining).toBe(12 - attempted.length);
    expect(result.delivery.failed).toBe(0);
  });
});
