/**
 * Email delivery through a real SMTP server (smtp-server) on 127.0.0.1: once per list, never again for
 * the same role version, a temporary failure retried on the next run and then delivered exactly once.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { notifiers } from '../notifiers';
import { describePlan, describeWithdrawn } from '../src/publish/describe';
import { MINIMAL_POSTING, seedPieces, SHIPPED_POSTING_TEXT } from './helpers/project';

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

type Fault = 'none' | '451' | '421' | 'drop';

async function startSmtp() {
  const inbox: Received[] = [];
  let fault: Fault = 'none';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1 << 20,
    onData(stream, session, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        if (fault === 'drop') {
          // Cut the connection mid-transaction, as a crashing relay would.
          const conns = (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections;
          for (const c of conns) if (c.id === session.id) c._socket.destroy();
          return;
        }
        if (fault === '451' || fault === '421') {
          const err = Object.assign(new Error(fault === '451' ? 'Requested action aborted: local error' : 'Service not available'), {
            responseCode: Number(fault),
          });
          return cb(err);
        }
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(parts),
        });
        cb(null);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    inbox,
    url: `smtp://127.0.0.1:${port}`,
    setFault: (f: Fault) => void (fault = f),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const LISTS = `channels:
  email:
    lists:
      engineering-referrals:
        address: engineering-referrals@lists.example.com
        unsubscribe: { url: "https://lists.example.com/u/eng", mailto: eng-leave@lists.example.com }
        announceChanges: true
      alumni:
        address: alumni@lists.example.com
`;

const SEED = SHIPPED_POSTING_TEXT.replace(
  'channels:\n  email: { lists: [engineering-referrals] }',
  'channels:\n  email: { lists: [engineering-referrals, alumni] }',
);
const OTHER = `${MINIMAL_POSTING}channels:\n  email: { lists: [alumni] }\n`;

let remote: FakeRemote;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let env: PublishEnv;
beforeEach(async () => {
  remote = await startFakeRemote();
  smtp = await startSmtp();
  env = await publishEnv(remote, { 'ml-infrastructure-engineer.yaml': SEED, 'backend-engineer.yaml': OTHER }, LISTS);
  env.env.SMTP_URL = smtp.url;
});
afterEach(async () => {
  await env.cleanup();
  await smtp.close();
  await remote.close();
});

describe('email delivery', () => {
  it('sends each role once to each of its lists, and nothing on the next run', async () => {
    expect(SEED).toContain('lists: [engineering-referrals, alumni]');
    const r = await env.run('2026-11-28T12:00:00Z');
    expect(r.delivery.failed).toBe(0);
    const got = smtp.inbox.map((m) => `${m.to.join(',')}`).sort();
    expect(got).toEqual(['alumni@lists.example.com', 'alumni@lists.example.com', 'engineering-referrals@lists.example.com']);
    for (const m of smtp.inbox) expect(m.from).toBe('jobs@example.com');

    const mail = await simpleParser(smtp.inbox.find((m) => m.to[0] === 'engineering-referrals@lists.example.com')!.raw);
    expect(mail.subject).toBe('ML Infrastructure Engineer — Example Corp — Remote (United States)');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('engineering-referrals@lists.example.com');
    const body = mail.text!.replace(/\s+/g, ' ');
    const { opening, bullets, lines } = seedPieces();
    expect(body).toContain(opening);
    for (const b of [...bullets, ...lines]) expect(body).toContain(b);
    expect(mail.headers.get('list')).toMatchObject({
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
      unsubscribe: { url: 'https://lists.example.com/u/eng', mail: 'eng-leave@lists.example.com?subject=unsubscribe' },
    });

    const rows = (await env.ledger.outbox()).filter((o) => o.notifier === 'smtp');
    expect(rows).toHaveLength(3);
    for (const o of rows) expect(o.response).toMatch(/^250/);

    await env.run('2026-11-28T12:15:00Z');
    expect(smtp.inbox).toHaveLength(3);
  });

  it('announces a material change only to lists that ask for it, and never a closed role', async () => {
    await env.run('2026-11-28T12:00:00Z');
    env.project.write('ml-infrastructure-engineer.yaml', SEED.replace('title: ML Infrastructure Engineer', 'title: Senior ML Infrastructure Engineer'));
    env.project.write('backend-engineer.yaml', OTHER.replace('max: 90000', 'max: 99000'));
    await env.run('2026-11-29T12:00:00Z');
    const second = smtp.inbox.slice(3).map((m) => m.to[0]);
    expect(second).toEqual(['engineering-referrals@lists.example.com']);

    env.project.write('backend-engineer.yaml', OTHER.replace('status: open', 'status: closed'));
    await env.run('2026-11-30T12:00:00Z');
    expect(smtp.inbox).toHaveLength(4);
  });

  it.each([['451'], ['421'], ['drop']] as const)('retries after an SMTP %s on a later run, then delivers exactly once', async (fault) => {
    smtp.setFault(fault);
    const first = await env.run('2026-11-28T12:00:00Z');
    expect(smtp.inbox).toHaveLength(0);
    expect(first.delivery.retrying).toBe(3);
    const row = (await env.ledger.outbox()).find((o) => o.notifier === 'smtp')!;
    expect(row.status).toBe('pending');
    expect(row.last_error).toMatch(fault === 'drop' ? /SMTP/ : new RegExp(`SMTP ${fault}`));

    smtp.setFault('none');
    await env.run('2026-11-28T14:00:00Z');
    expect(smtp.inbox).toHaveLength(3);
    await env.run('2026-11-28T16:00:00Z');
    expect(smtp.inbox).toHaveLength(3);
    const ids = await Promise.all(smtp.inbox.map(async (m) => `${(await simpleParser(m.raw)).messageId} ${m.to[0]}`));
    expect(new Set(ids).size).toBe(3);
  });

  it('keeps emails waiting while SMTP is not configured, and sends each once when it is', async () => {
    delete env.env.SMTP_URL;
    const r = await env.run('2026-11-28T12:00:00Z');
    expect(r.delivery).toMatchObject({ waiting: 3, failed: 0 });
    expect((await env.ledger.outbox()).find((o) => o.notifier === 'smtp')!.last_error).toMatch(/set SMTP_URL/);
    expect((await env.ledger.outbox()).filter((o) => o.notifier === 'smtp').map((o) => o.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(smtp.inbox).toHaveLength(0);
    // Nothing changed in the sources: still, once SMTP is configured, the three emails go out.
    env.env.SMTP_URL = smtp.url;
    const later = await env.run('2026-11-28T12:15:00Z');
    expect(later.delivery.sent).toBe(3);
    expect(smtp.inbox).toHaveLength(3);
    await env.run('2026-11-28T12:30:00Z');
    expect(smtp.inbox).toHaveLength(3);
  });

  it('withdraws an email not yet sent when its role closes before SMTP is configured', async () => {
    delete env.env.SMTP_URL;
    await env.run('2026-11-28T12:00:00Z');
    env.project.write('backend-engineer.yaml', OTHER.replace('status: open', 'status: closed'));
    await env.run('2026-11-28T12:15:00Z');
    env.env.SMTP_URL = smtp.url;
    await env.run('2026-11-28T12:30:00Z');
    expect(smtp.inbox.map((m) => m.to[0]).sort()).toEqual(['alumni@lists.example.com', 'engineering-referrals@lists.example.com']);
    expect((await env.ledger.outbox({ status: 'cancelled' })).map((o) => `${o.receiver} ${o.subject}`)).toEqual(['email:alumni backend-engineer']);
  });

  it('shows who would get what with --dry-run', async () => {
    const dry = await env.run('2026-11-28T12:00:00Z', { dryRun: true });
    const lines = dry.planned
      .filter((p) => p.notifier === 'smtp')
      .map((p) => (p.payload as { summary: string }).summary)
      .sort();
    expect(lines).toEqual([
      'email to alumni@lists.example.com (alumni): "Backend Engineer — Example Corp — Berlin, Germany"',
      'email to alumni@lists.example.com (alumni): "ML Infrastructure Engineer — Example Corp — Remote (United States)"',
      'email to engineering-referrals@lists.example.com (engineering-referrals): "ML Infrastructure Engineer — Example Corp — Remote (United States)"',
    ]);
    expect(smtp.inbox).toHaveLength(0);
  });

  it('--dry-run says what the real run will do: what waits for configuration, and what it withdraws', async () => {
    delete env.env.SMTP_URL;
    const dry = await env.run('2026-11-28T12:00:00Z', { dryRun: true });
    const waits = describePlan(dry, notifiers).filter((l) => l.startsWith('smtp'));
    expect(waits).toHaveLength(3);
    for (const l of waits) expect(l).toMatch(/\(waits for configuration: set SMTP_URL to the SMTP URL/);
    const real = await env.run('2026-11-28T12:00:00Z');
    expect(real.delivery.waiting).toBe(3);
    expect(Object.keys(dry.waitsFor).sort()).toEqual((await env.ledger.outbox({ status: 'waiting' })).map((o) => o.key).sort());

    // The role closes while its email waits: a dry run lists it as withdrawn, not as to be sent.
    env.project.write('backend-engineer.yaml', OTHER.replace('status: open', 'status: closed'));
    const dryClose = await env.run('2026-11-28T12:15:00Z', { dryRun: true });
    expect(describeWithdrawn(dryClose, notifiers)).toEqual([
      'smtp → email to alumni@lists.example.com (alumni): "Backend Engineer — Example Corp — Berlin, Germany" (withdrawn: the role left before it was sent)',
    ]);
    expect(dryClose.outstanding.map((o) => o.subject).sort()).toEqual(['ml-infrastructure-engineer', 'ml-infrastructure-engineer']);
    await env.run('2026-11-28T12:15:00Z');
    expect((await env.ledger.outbox({ status: 'cancelled' })).map((o) => o.key)).toEqual(dryClose.withdrawn.map((o) => o.key));
  });
});
