/**
 * The admin in a real browser: Debian's Chromium driven by playwright-core against the real service
 * on 127.0.0.1, with a fake board (webhook + WebSub hub) to publish to. Screenshots of every page at
 * desktop and phone width go to tests/artifacts/ (gitignored) for a person to look at.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium } from './helpers/browser';
import { SMTPServer } from 'smtp-server';
import { adapters } from '../adapters';
import { adminRouter } from '../src/admin/router';
import { buildProject } from '../src/pipeline/build';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import { REPO, SHIPPED_CONFIG_TEXT, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-12-01T12:00:00Z');
const ROLE = 'ml-infrastructure-engineer';
const TOKEN = 'browser-test-token-0c5e8a1f3b7d';
const WEBHOOK_SECRET = 'whsec-browser-9d2c41e7';
const SMTP_PASSWORD = 'smtp-browser-pw-51ce';
const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1366, height: 900 };

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function fakeBoard(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(req.url === '/hub' ? 204 : 200).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** A mail relay that insists on the credentials in SMTP_URL and keeps what it is given. */
async function fakeSmtp(): Promise<{ url: string; inbox: { to: string[]; raw: string }[]; close(): Promise<void> }> {
  const inbox: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(parts).toString('utf8') });
        cb(null);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${port}`, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let tp: TempProject;
let service: Service;
let board: Awaited<ReturnType<typeof fakeBoard>>;
let mail: Awaited<ReturnType<typeof fakeSmtp>>;
let context: BrowserContext;
let page: Page;
let profile: string;

const shot = async (name: string): Promise<void> => {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(ARTIFACTS, `admin-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
};

/** At phone width nothing may need sideways scrolling of the whole page (wide tables scroll inside their own box). */
async function fitsPhone(): Promise<number> {
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  await page.setViewportSize(DESKTOP);
  return overflow;
}

async function logIn(token: string) {
  await page.getByLabel('Admin token').fill(token);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/admin/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

beforeAll(async () => {
  const browser = await findChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  board = await fakeBoard();
  mail = await fakeSmtp();
  tp = tempProject(
    { [`${ROLE}.yaml`]: SHIPPED_POSTING_TEXT },
    `${SHIPPED_CONFIG_TEXT}
notify:
  webhooks:
    - { name: board, url: "${board.url}/hook", secretEnv: BOARD_WEBHOOK_SECRET }
  websub:
    hubs: ["${board.url}/hub"]
  http: { retries: 0 }
`,
  );
  const project = await tp.open();
  // Built but never published: "Republish now" is what tells the board.
  await buildProject(project, { now: NOW });
  const env = { JOBCAST_ADMIN_TOKEN: TOKEN, BOARD_WEBHOOK_SECRET: WEBHOOK_SECRET, SMTP_URL: mail.url };
  const log = silentLogger();
  service = await startService({
    project,
    port: 0,
    host: '127.0.0.1',
    log,
    env,
    schedule: false,
    now: () => NOW,
    admin: (svc) => adminRouter(svc, env, log, { now: () => NOW }),
  });
  profile = mkdtempSync(path.join(os.tmpdir(), 'jobcast-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env },
    headless: true,
    viewport: DESKTOP,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await service?.close();
  await board?.close();
  await mail?.close();
  tp?.cleanup();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('admin in Chromium', () => {
  it('refuses a wrong token and lets the right one in', async () => {
    const first = await page.goto(`${service.url}/admin/`);
    expect(first!.status()).toBe(401);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Log in to jobcast admin');

    const wrong = await logIn('definitely-wrong');
    expect(wrong.status()).toBe(401);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('That token is not correct.');
    await expect(page.getByLabel('Admin token').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot('login-error');
    expect(await fitsPhone()).toBe(0);

    await logIn(TOKEN);
    expect(new URL(page.url()).pathname).toBe('/admin/');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
    const session = (await context.cookies(`${service.url}/admin/`)).find((c) => c.name === 'jobcast_admin')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(session.value).not.toContain(TOKEN);
  });

  it('lists the shipped role on the overview with its state, warnings and per-channel status', async () => {
    await page.goto(`${service.url}/admin/`);
    const role = page.locator(`#role-${ROLE}`);
    await expect(role.getByRole('link', { name: 'ML Infrastructure Engineer' }).getAttribute('href')).resolves.toBe(`/admin/roles/${ROLE}`);
    await expect(role.locator('.badge.state-open').textContent()).resolves.toBe('Open');
    const problems = await role.locator('details').innerText();
    for (const code of ['JC_WARN_NO_SALARY', 'GOOGLE_NO_VALID_THROUGH']) expect(problems).toContain(code);
    expect(problems).toMatch(new RegExp(`${ROLE}\\.yaml:2:1`));
    expect(problems).toContain('Fix: add validThrough: 2027-02-28');
    // Every channel has a row; the output is built and served, but nobody has been told yet.
    for (const a of adapters) {
      const row = role.locator('tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${a.name}$`) }) });
      await expect(row.locator('td[data-label="Delivery"] .badge').textContent()).resolves.toMatch(/^(Served|—)$/);
    }
    await expect(
      role
        .locator('tbody tr', { has: page.locator('th', { hasText: /^linkedin$/ }) })
        .locator('.delivery-live')
        .textContent(),
    ).resolves.toBe('Served');
    await expect(
      role
        .locator('tbody tr', { has: page.locator('th', { hasText: /^webhook:board$/ }) })
        .locator('.delivery-untold')
        .textContent(),
    ).resolves.toBe('Built, not yet told');
    await expect(
      role
        .locator('tbody tr', { has: page.locator('th', { hasText: /^google$/ }) })
        .locator('.sev-warning')
        .textContent(),
    ).resolves.toBe('1 warning'); // no validThrough; the one salary warning is the posting's, not Google's
    await shot('overview');
    expect(await fitsPhone()).toBe(0);
  });

  it('previews the role on every channel', async () => {
    await page.goto(`${service.url}/admin/`);
    await page.getByRole('link', { name: 'ML Infrastructure Engineer' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe(`/admin/roles/${ROLE}`);
    for (const a of adapters) {
      await expect(page.locator(`#channel-${a.name} h3`).textContent()).resolves.toBe(a.name);
    }
    const google = page.locator('#channel-google');
    await expect(google.locator('.serp .title').textContent()).resolves.toBe('ML Infrastructure Engineer');
    await expect(google.locator('.serp .crumb').textContent()).resolves.toBe(`http://localhost:3000 › jobs › ${ROLE}`);
    const panel = await google.locator('.jobpanel').innerText();
    for (const text of ['Example Corp', 'Remote (United States)', 'Full-time', '2026-11-28', 'not given']) expect(panel).toContain(text);

    const field = (channel: string, name: string) =>
      page.locator(`#channel-${channel} dl.fields dt`, { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]');
    await expect(field('linkedin', 'partnerJobId').textContent()).resolves.toBe(ROLE);
    await expect(field('linkedin', 'title').textContent()).resolves.toBe('ML Infrastructure Engineer');
    await expect(field('indeed', 'referencenumber').textContent()).resolves.toBe(ROLE);
    await expect(field('indeed', 'title').textContent()).resolves.toBe('ML Infrastructure Engineer');
    await expect(field('rss', 'title').textContent()).resolves.toBe('ML Infrastructure Engineer');
    await expect(field('rss', 'job:id').textContent()).resolves.toBe(ROLE);
    // The description as boards receive it: markup shown as text, not rendered.
    expect(await field('indeed', 'description').textContent()).toMatch(/^<p>ML Infrastructure Engineers are vital/);
    await expect(field('email', 'Subject').textContent()).resolves.toMatch(/^ML Infrastructure Engineer — Example Corp — Remote/);

    const email = await page.locator('#channel-email pre.email').textContent();
    expect(email!.split('\n')[0]).toBe('ML Infrastructure Engineer');
    expect(email).toContain('- Build and maintain distributed training and inference systems');
    expect(email).toMatch(/^- Design and implement scalable ML infrastructure and deployment\n {2}pipelines$/m);
    // 72 columns, except a URL longer than that, which stays whole on its own line.
    const prose = email!.split('\n').filter((l) => !/^https?:\/\/\S+$/.test(l));
    expect(Math.max(...prose.map((l) => [...l].length))).toBeLessThanOrEqual(72);
    await shot('role');
    expect(await fitsPhone()).toBe(0);
  });

  it('shows an edit to the posting file on reload, before it is published', async () => {
    await page.goto(`${service.url}/admin/roles/${ROLE}`);
    tp.write(`${ROLE}.yaml`, SHIPPED_POSTING_TEXT.replace('title: ML Infrastructure Engineer', 'title: ML Platform Engineer'));
    try {
      await page.reload();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('ML Platform Engineer');
      await expect(page.locator('#channel-google .serp .title').textContent()).resolves.toBe('ML Platform Engineer');
      await expect(
        page
          .locator('#channel-linkedin dl.fields dt', { hasText: /^title$/ })
          .locator('xpath=following-sibling::dd[1]')
          .textContent(),
      ).resolves.toBe('ML Platform Engineer');
      expect((await page.locator('#channel-email pre.email').textContent())!.split('\n')[0]).toBe('ML Platform Engineer');
      // Nothing was published: the public page still has the old title.
      const publicPage = await (await fetch(`${service.url}/jobs/${ROLE}/`)).text();
      expect(publicPage).toContain('<h1>ML Infrastructure Engineer</h1>');
    } finally {
      tp.write(`${ROLE}.yaml`, SHIPPED_POSTING_TEXT);
    }
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('ML Infrastructure Engineer');
  });

  it('previews and then runs "Republish now", and the fake board receives it', async () => {
    await page.goto(`${service.url}/admin/`);
    await page.getByRole('button', { name: 'Preview what would be sent' }).click();
    await page.waitForLoadState();
    await expect(page.locator('#result [role=status]').textContent()).resolves.toMatch(/^Dry run: would send \d+ notifications$/);
    expect(board.received).toEqual([]);
    expect(mail.inbox).toEqual([]);

    await page.getByRole('button', { name: 'Republish now' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/admin/publish');
    const headline = await page.locator('#result [role=status]').textContent();
    expect(headline).toMatch(/^Published: [1-9]\d* sent, 0 to retry, 0 failed$/);
    const plan = await page.locator('#result .plan').innerText();
    expect(plan).toContain(`webhook → webhook:board posting.published ${ROLE}`);
    expect(plan).toContain(`websub → ${board.url}/hub hub.url=http://localhost:3000/feeds/jobs.rss`);

    const hook = board.received.find((r) => r.url === '/hook')!;
    expect(hook.method).toBe('POST');
    expect(hook.headers['x-jobcast-event']).toBe('posting.published');
    expect(hook.headers['x-jobcast-signature']).toBe(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'posting.published', posting: { id: ROLE, title: 'ML Infrastructure Engineer' } });
    const hub = board.received.filter((r) => r.url === '/hub').map((r) => new URLSearchParams(r.body));
    expect(hub.map((p) => p.get('hub.mode'))).toEqual(hub.map(() => 'publish'));
    expect(hub.map((p) => p.get('hub.url'))).toContain('http://localhost:3000/feeds/jobs.rss');
    expect(mail.inbox.map((m) => m.to)).toEqual([['engineering-referrals@lists.example.com']]);
    expect(mail.inbox[0]!.raw).toContain('ML Infrastructure Engineers are vital for organizations leveraging AI');
    await shot('publish');
    expect(await fitsPhone()).toBe(0);

    // The overview now shows what the ledger recorded.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.waitForLoadState();
    const role = page.locator(`#role-${ROLE}`);
    await expect(
      role
        .locator('tbody tr', { has: page.locator('th', { hasText: /^webhook:board$/ }) })
        .locator('.delivery-live')
        .textContent(),
    ).resolves.toBe('Told: live');
    await expect(
      role
        .locator('tbody tr', { has: page.locator('th', { hasText: /^linkedin$/ }) })
        .locator('.delivery-live')
        .textContent(),
    ).resolves.toBe('Served');
    await page.getByRole('link', { name: 'ML Infrastructure Engineer' }).click();
    await page.waitForLoadState();
    const history = await page.locator('[aria-label="Notifications about this role"]').innerText();
    expect(history).toMatch(/webhook\s+webhook:board\s+done/);
    await shot('role-after-publish');
  });

  it('can be used with the keyboard alone', async () => {
    await page.goto(`${service.url}/admin/`);
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('main');
    // Tabbing on from the main landmark reaches the Republish button; its focus ring is visible.
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'Republish now'; i++) {
      await page.keyboard.press('Tab');
      focused = (await page.locator(':focus').textContent()) ?? '';
    }
    expect(focused).toBe('Republish now');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
  });
});

describe('apply clicks in the admin (issue #18)', () => {
  it('charts known counts per channel for 7, 30 and 90 days as SVG with the numbers as text, on the overview and the role page', async () => {
    await service.ledger.addClicks([
      { posting: ROLE, channel: 'linkedin', day: '2026-12-01', count: 12 },
      { posting: ROLE, channel: 'rss', day: '2026-11-28', count: 5 },
      { posting: ROLE, channel: 'indeed', day: '2026-11-10', count: 7 },
      { posting: ROLE, channel: 'linkedin', day: '2026-09-20', count: 30 },
      { posting: ROLE, channel: 'rss', day: '2026-08-01', count: 99 },
    ]);
    for (const url of [`${service.url}/admin/`, `${service.url}/admin/roles/${ROLE}`]) {
      await page.goto(url);
      const charts = page.locator('section.clicks svg[role="img"]');
      await expect(charts.count()).resolves.toBe(3);
      const texts = async (i: number) => (await charts.nth(i).locator('text').allTextContents()).join(' ');
      // 7 days: linkedin 12, rss 5. 30 days: indeed 7 too. 90 days: linkedin 42 (12 + 30); August's 99 is older.
      await expect(texts(0)).resolves.toBe('linkedin 12 rss 5');
      await expect(texts(1)).resolves.toBe('linkedin 12 indeed 7 rss 5');
      await expect(texts(2)).resolves.toBe('linkedin 42 indeed 7 rss 5');
      await expect(charts.nth(2).locator('title').textContent()).resolves.toBe('Apply clicks by channel, last 90 days: 54');
      await expect(page.locator('section.clicks figcaption').allTextContents()).resolves.toEqual(['Last 7 days: 17', 'Last 30 days: 24', 'Last 90 days: 54']);
      // Readable without JavaScript and by a screen reader: the chart names itself and a table says the same.
      await expect(page.getByRole('img', { name: /last 30 days: 24/ }).count()).resolves.toBe(1);
      await shot(url.endsWith('/admin/') ? 'clicks-overview' : 'clicks-role');
    }
    expect(await fitsPhone()).toBe(0);
  });
});
