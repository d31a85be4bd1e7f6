/**
 * Every row of the transition table (docs/publication.md) replayed against receivers the test starts:
 * a fake Indexing API, IndexNow, WebSub hub and two board webhooks, and a real SMTP server. Each step
 * is a real publish; the assertions are on what each receiver actually got.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { BASE_URL, publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING, REPO } from './helpers/project';
import { TRANSITIONS, type ToldState } from '../src/publish/transitions';

const ID = 'backend-engineer';
const PAGE = `${BASE_URL}/jobs/${ID}/`;
const LIST = `channels:
  email:
    lists:
      eng:
        address: eng@lists.example.com
        announceChanges: true
`;
const ROLE = `${MINIMAL_POSTING}channels:\n  email: { lists: [eng] }\n`;
const salary = (max: number) => ROLE.replace('max: 90000', `max: ${max}`);

let remote: FakeRemote;
let smtp: SmtpInbox;
let env: PublishEnv;
let clock = Date.parse('2026-11-28T12:00:00Z');

beforeEach(async () => {
  remote = await startFakeRemote();
  smtp = await startSmtpInbox();
  env = await publishEnv(remote, { [`${ID}.yaml`]: ROLE }, LIST);
  env.env.SMTP_URL = smtp.url;
  // A second board that only wants closes: a filtered publish must still make a later close a close.
  const config = readFileSync(env.project.configFile, 'utf8').replace(
    '    - { name: board, url: "' + remote.url + '/webhook", secretEnv: BOARD_SECRET }',
    '    - { name: board, url: "' +
      remote.url +
      '/webhook", secretEnv: BOARD_SECRET }\n    - { name: closer, url: "' +
      remote.url +
      '/closer", secretEnv: BOARD_SECRET, events: [posting.closed] }',
  );
  writeFileSync(env.project.configFile, config);
  clock = Date.parse('2026-11-28T12:00:00Z');
});
afterEach(async () => {
  await env.cleanup();
  await smtp.close();
  await remote.close();
});

interface Told {
  board: string[];
  closer: string[];
  google: string[];
  indexnow: string[];
  hub: string[];
  mail: string[];
}

/** One publish 15 minutes after the last; what every receiver got from it. */
async function step(): Promise<Told> {
  const before = remote.requests.length;
  const mailBefore = smtp.mail.length;
  clock += 15 * 60_000;
  const result = await env.run(new Date(clock).toISOString());
  expect(result.error).toBeUndefined();
  expect(result.delivery).toMatchObject({ failed: 0, retrying: 0, waiting: 0 });
  const got = remote.requests.slice(before);
  const at = (p: string) => got.filter((r: Recorded) => r.path === p);
  const hook = (r: Recorded) => {
    const b = JSON.parse(r.body);
    return `${b.event} v${b.posting.version}`;
  };
  // The Message-ID names the role's version and the ledger's key space (shown as K).
  const mail = await Promise.all(
    smtp.mail.slice(mailBefore).map(async (raw) => ((await simpleParser(raw)).messageId ?? '').replace(/\.[0-9a-f]{8}\.eng@/, '.K.eng@')),
  );
  return {
    board: at('/webhook').map(hook),
    closer: at('/closer').map(hook),
    google: at('/indexing').map((r) => JSON.parse(r.body).type),
    indexnow: at('/indexnow').flatMap((r) => JSON.parse(r.body).urlList),
    hub: at('/hub')
      .map((r) => new URLSearchParams(r.body).get('hub.url')!)
      .sort(),
    mail,
  };
}

const write = (text: string) => env.project.write(`${ID}.yaml`, text);
const NOTHING: Told = { board: [], closer: [], google: [], indexnow: [], hub: [], mail: [] };
const FEEDS = [`${BASE_URL}/feeds/jobs.json`, `${BASE_URL}/feeds/jobs.rss`];

describe('the transition table, row by row', () => {
  it('nothing → live: publish to every receiver; live → same: nothing', async () => {
    expect(await step()).toEqual({
      board: ['posting.published v1'],
      closer: [],
      google: ['URL_UPDATED'],
      indexnow: [PAGE],
      hub: FEEDS,
      mail: [`<jobcast.${ID}.v1.K.eng@jobs.example.com>`],
    });
    expect(await step()).toEqual(NOTHING);
  });

  it('live → live with a change: update; an email again only for a material change', async () => {
    await step();
    write(salary(99000));
    const pay = await step();
    expect(pay).toMatchObject({
      board: ['posting.updated v2'],
      closer: [],
      google: ['URL_UPDATED'],
      indexnow: [PAGE],
      mail: [`<jobcast.${ID}.v2.K.eng@jobs.example.com>`],
    });
    write(salary(99000).replace('likes correctness.', 'likes correctness and tests.'));
    const wording = await step();
    expect(wording).toMatchObject({ board: ['posting.updated v3'], google: ['URL_UPDATED'], mail: [] });
  });

  it.each([
    ['closed', () => write(ROLE.replace('status: open', 'status: closed')), 'posting.closed v2'],
    ['expired', () => write(ROLE.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2026-11-20')), 'posting.closed v2'],
    ['back to draft', () => write(ROLE.replace('status: open', 'status: draft')), 'posting.closed v2'],
    ['rescheduled to the future', () => write(ROLE.replace('datePosted: 2026-11-01', 'datePosted: 2027-01-15')), 'posting.closed v2'],
    ['file deleted', () => env.project.remove(`${ID}.yaml`), 'posting.closed v2'],
  ])('live → gone (%s): close to boards and Google, nothing by email; gone → live: publish again', async (_how, leave, closed) => {
    await step();
    leave();
    const gone = await step();
    expect(gone).toMatchObject({ board: [closed], closer: [closed], google: ['URL_DELETED'], indexnow: [PAGE], mail: [] });
    expect(await step()).toEqual(NOTHING);
    write(ROLE);
    const back = await step();
    // A version is the number of the run that saw the change: run 4 here.
    expect(back).toMatchObject({
      board: ['posting.published v4'],
      closer: [],
      google: ['URL_UPDATED'],
      indexnow: [PAGE],
      mail: [`<jobcast.${ID}.v4.K.eng@jobs.example.com>`],
    });
  });

  it('gone → gone: a closed role set to draft, then deleted, tells nobody again', async () => {
    await step();
    write(ROLE.replace('status: open', 'status: closed'));
    await step();
    write(ROLE.replace('status: open', 'status: draft'));
    expect(await step()).toMatchObject({ board: [], closer: [], google: [], indexnow: [], mail: [] });
    env.project.remove(`${ID}.yaml`);
    expect(await step()).toMatchObject({ board: [], closer: [], google: [], indexnow: [], mail: [] });
  });

  it('nothing → gone: a role that was never live tells nobody', async () => {
    env.project.write('future-role.yaml', MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2027-03-01'));
    env.project.write('closed-role.yaml', MINIMAL_POSTING.replace('status: open', 'status: closed'));
    const first = await step();
    expect(first.board).toEqual(['posting.published v1']);
    expect(first.google).toEqual(['URL_UPDATED']);
  });
});

describe('repeated transitions are told every time', () => {
  it('close → reopen three times: three publishes and three closes, each under its own key', async () => {
    const board: string[] = [];
    const closer: string[] = [];
    const google: string[] = [];
    for (let i = 0; i < 3; i++) {
      write(ROLE);
      const open = await step();
      write(ROLE.replace('status: open', 'status: closed'));
      const shut = await step();
      for (const t of [open, shut]) {
        board.push(...t.board);
        closer.push(...t.closer);
        google.push(...t.google);
      }
    }
    expect(board).toEqual([
      'posting.published v1',
      'posting.closed v2',
      'posting.published v3',
      'posting.closed v4',
      'posting.published v5',
      'posting.closed v6',
    ]);
    expect(closer).toEqual(['posting.closed v2', 'posting.closed v4', 'posting.closed v6']);
    expect(google).toEqual(['URL_UPDATED', 'URL_DELETED', 'URL_UPDATED', 'URL_DELETED', 'URL_UPDATED', 'URL_DELETED']);
    const keys = (await env.ledger.outbox()).map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = remote.to('/webhook').map((r) => r.headers['idempotency-key']);
    expect(new Set(ids).size).toBe(6);
  });

  it('salary A → B → A → B: three updates, each told', async () => {
    await step();
    const updates: string[] = [];
    const mails: string[] = [];
    for (const max of [95000, 90000, 95000]) {
      write(salary(max));
      const t = await step();
      updates.push(...t.board);
      mails.push(...t.mail);
      expect(t.google).toEqual(['URL_UPDATED']);
    }
    expect(updates).toEqual(['posting.updated v2', 'posting.updated v3', 'posting.updated v4']);
    expect(mails).toEqual([2, 3, 4].map((v) => `<jobcast.${ID}.v${v}.K.eng@jobs.example.com>`));
  });
});

describe('receivers that come and go', () => {
  it('a webhook added later gets posting.published for every live role; a removed one is sent nothing', async () => {
    await step();
    const file = env.project.configFile;
    const withNew = readFileSync(file, 'utf8').replace(
      '    - { name: closer,',
      `    - { name: late, url: "${remote.url}/late", secretEnv: BOARD_SECRET }\n    - { name: closer,`,
    );
    writeFileSync(file, withNew);
    const added = await step();
    expect(added).toMatchObject({ board: [], google: [], mail: [] });
    expect(remote.to('/late').map((r) => JSON.parse(r.body).event)).toEqual(['posting.published']);
    writeFileSync(file, withNew.replace(/ {4}- \{ name: late,.*\n/, ''));
    write(ROLE.replace('status: open', 'status: closed'));
    const closed = await step();
    expect(closed.board).toEqual(['posting.closed v3']);
    expect(remote.to('/late')).toHaveLength(1);
  });

  it('pings the hub only for feeds whose bytes changed', async () => {
    await step();
    write(salary(91000));
    expect((await step()).hub).toEqual(FEEDS);
    expect((await step()).hub).toEqual([]);
  });
});

describe('docs/publication.md', () => {
  it('states the same transition table as the code', () => {
    const doc = readFileSync(path.join(REPO, 'docs', 'publication.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| Told state ↓ / observed →'));
    const rows = table
      .split('\n')
      .slice(2, 6)
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    const event = (cell: string) => /\*\*(publish|update|close)\*\*/.exec(cell)?.[1] ?? null;
    const told = (cell: string): ToldState => (cell.startsWith('nothing') ? 'nothing' : cell.startsWith('gone') ? 'gone' : 'live');
    const documented = rows.map(([state, live, gone]) => [
      told(state!),
      /G ≠ F/.test(state!) ? 'live, fingerprint changed' : 'live',
      event(live!),
      event(gone!),
    ]);
    expect(documented).toEqual([
      ['nothing', 'live', TRANSITIONS.nothing.live, TRANSITIONS.nothing.gone],
      ['live', 'live', TRANSITIONS.live.live, TRANSITIONS.live.gone],
      ['live', 'live, fingerprint changed', TRANSITIONS.live['live, fingerprint changed'], TRANSITIONS.live.gone],
      ['gone', 'live', TRANSITIONS.gone.live, TRANSITIONS.gone.gone],
    ]);
  });
});
