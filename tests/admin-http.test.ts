/**
 * The admin over plain HTTP (no browser): it exists only with a token, refuses wrong tokens, forged
 * or expired sessions, cross-site and token-less POSTs, is never cached, and never shows a secret.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSetCookie } from 'cookie';
import { adminRouter } from '../src/admin/router';
import { buildProject } from '../src/pipeline/build';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import { SHIPPED_CONFIG_TEXT, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';
import { cookieValue, hidden, request, type Reply } from './helpers/admin-client';

const NOW = new Date('2026-12-01T12:00:00Z');
const ROLE = 'ml-infrastructure-engineer';
const TOKEN = 'admin-token-7f3a9c1e5b2d4860';
const SMTP_PASSWORD = 'smtp-pw-Q8z!x2';
const SECRETS = {
  JOBCAST_ADMIN_TOKEN: TOKEN,
  SMTP_URL: `smtp://mailer:${encodeURIComponent(SMTP_PASSWORD)}@smtp.example.com:587`,
  BOARD_WEBHOOK_SECRET: 'whsec-board-4b1d77c0e9',
  LEAKY_WEBHOOK_SECRET: 'whsec-leaky-a83f2e61d0',
};
const FORBIDDEN = [TOKEN, SMTP_PASSWORD, encodeURIComponent(SMTP_PASSWORD), SECRETS.SMTP_URL, SECRETS.BOARD_WEBHOOK_SECRET, SECRETS.LEAKY_WEBHOOK_SECRET];

/** A stand-in for boards: /hook answers 200, /leaky answers 500 and echoes every secret it knows. */
function fakeBoards(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    received.push(`${req.method} ${req.url}`);
    if (req.url === '/leaky') res.writeHead(500, { 'content-type': 'text/plain' }).end(`upstream said: ${Object.values(SECRETS).join(' ')}`);
    else res.writeHead(200).end('ok');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

const configWith = (boards: string) => `${SHIPPED_CONFIG_TEXT}
notify:
  webhooks:
    - { name: board, url: "${boards}/hook", secretEnv: BOARD_WEBHOOK_SECRET }
    - { name: leaky, url: "${boards}/leaky", secretEnv: LEAKY_WEBHOOK_SECRET }
  http: { retries: 0, timeoutMs: 5000 }
`;

async function start(tp: TempProject, env: NodeJS.ProcessEnv, sessionTtlMs?: number): Promise<Service> {
  const project = await tp.open();
  await buildProject(project, { now: NOW });
  const log = silentLogger();
  return startService({
    project,
    port: 0,
    host: '127.0.0.1',
    log,
    env,
    schedule: false,
    now: () => NOW,
    admin: (svc) => adminRouter(svc, env, log, { now: () => NOW, ...(sessionTtlMs !== undefined ? { sessionTtlMs } : {}) }),
  });
}

describe('admin without JOBCAST_ADMIN_TOKEN', () => {
  let tp: TempProject;
  let service: Service;
  beforeAll(async () => {
    tp = tempProject({ [`${ROLE}.yaml`]: SHIPPED_POSTING_TEXT });
    service = await start(tp, { SMTP_URL: SECRETS.SMTP_URL });
  });
  afterAll(async () => {
    await service.close();
    tp.cleanup();
  });

  it('is not mounted, so every admin page is a 404', async () => {
    for (const path of ['/admin', '/admin/', '/admin/login', `/admin/roles/${ROLE}`, '/admin/publish', '/admin/admin.css']) {
      const reply = await request(service.url, 'GET', path);
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
      expect(reply.body).not.toMatch(/admin token|log in/i);
    }
    // The public site is still there: the 404s are the admin's absence, not a dead server.
    expect((await request(service.url, 'GET', `/jobs/${ROLE}/`)).status).toBe(200);
  });

  it('cannot be created without a token, even an empty one', () => {
    expect(adminRouter(service, {}, silentLogger())).toBeUndefined();
    expect(adminRouter(service, { JOBCAST_ADMIN_TOKEN: '' }, silentLogger())).toBeUndefined();
  });
});

describe('admin with JOBCAST_ADMIN_TOKEN', () => {
  let tp: TempProject;
  let service: Service;
  let boards: Awaited<ReturnType<typeof fakeBoards>>;
  const replies: { path: string; reply: Reply }[] = [];

  const call = async (method: string, path: string, opts: Parameters<typeof request>[3] = {}): Promise<Reply> => {
    const reply = await request(service.url, method, path, opts);
    replies.push({ path: `${method} ${path}`, reply });
    return reply;
  };

  /** Log in like a browser does: fetch the form, post it back with its token. */
  async function login(token = TOKEN, next = '/admin/'): Promise<{ reply: Reply; session?: string }> {
    const form = await call('GET', '/admin/login');
    const loginCookie = cookieValue(form, 'jobcast_admin_login')!;
    const reply = await call('POST', '/admin/login', {
      headers: { cookie: `jobcast_admin_login=${loginCookie}`, origin: service.url },
      form: { login_csrf: hidden(form.body, 'login_csrf'), next, token },
    });
    const session = cookieValue(reply, 'jobcast_admin');
    return { reply, ...(session ? { session } : {}) };
  }

  async function loggedIn(): Promise<{ cookie: string; csrf: string }> {
    const { session } = await login();
    const cookie = `jobcast_admin=${session!}`;
    const page = await call('GET', '/admin/', { headers: { cookie } });
    return { cookie, csrf: hidden(page.body, 'csrf') };
  }

  beforeAll(async () => {
    boards = await fakeBoards();
    tp = tempProject({ [`${ROLE}.yaml`]: SHIPPED_POSTING_TEXT }, configWith(boards.url));
    service = await start(tp, { ...SECRETS });
  });
  afterAll(async () => {
    await service.close();
    await boards.close();
    tp.cleanup();
  });

  it('asks for the token (401 with the login form) when there is no session', async () => {
    for (const path of ['/admin/', `/admin/roles/${ROLE}`, '/admin/publish', '/admin/nope']) {
      const reply = await call('GET', path);
      expect({ path, status: reply.status }).toEqual({ path, status: 401 });
      expect(reply.body).toContain('<label for="token">Admin token</label>');
      expect(reply.body).not.toContain('ML Infrastructure Engineer');
    }
    expect((await call('GET', '/admin')).headers.location).toBe('/admin/');
  });

  it('rejects a wrong token with 401 and sets no session', async () => {
    const { reply, session } = await login('not-the-token');
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('That token is not correct.');
    expect(reply.body).not.toContain('not-the-token');
    expect(session).toBeUndefined();
  });

  it('logs in with the right token: a random HttpOnly SameSite=Strict session cookie on /admin, not the token', async () => {
    const { reply, session } = await login();
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/admin/');
    const set = reply.headers['set-cookie']!.find((c) => c.startsWith('jobcast_admin='))!;
    expect(set).toMatch(/; Path=\/admin;/);
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).not.toMatch(/Secure/); // plain http here; https requests get Secure
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(set).not.toContain(TOKEN);
    const second = await login();
    expect(second.session).not.toBe(session);
    const page = await call('GET', '/admin/', { headers: { cookie: `jobcast_admin=${session!}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('ML Infrastructure Engineer');
  });

  it('returns to the admin page that asked for the login, and never elsewhere', async () => {
    expect((await login(TOKEN, `/admin/roles/${ROLE}`)).reply.headers.location).toBe(`/admin/roles/${ROLE}`);
    for (const next of [
      'https://evil.example/',
      '//evil.example/admin/',
      '/admin/../jobs/',
      '/jobs/',
      `/admin/${'a'.repeat(40)}!`,
      `/admin/${'a/'.repeat(150)}`,
    ]) {
      expect((await login(TOKEN, next)).reply.headers.location).toBe('/admin/');
    }
    // The 401 login form remembers the page it stands in for.
    expect(hidden((await call('GET', `/admin/roles/${ROLE}`)).body, 'next')).toBe(`/admin/roles/${ROLE}`);
  });

  it('refuses a login post without its form token, or from another origin, even with the right token', async () => {
    const form = await call('GET', '/admin/login');
    const loginCookie = cookieValue(form, 'jobcast_admin_login')!;
    const noToken = await call('POST', '/admin/login', { headers: { cookie: `jobcast_admin_login=${loginCookie}` }, form: { token: TOKEN } });
    expect(noToken.status).toBe(403);
    expect(cookieValue(noToken, 'jobcast_admin')).toBeUndefined();
    const crossSite = await call('POST', '/admin/login', {
      headers: { cookie: `jobcast_admin_login=${loginCookie}`, origin: 'https://evil.example' },
      form: { login_csrf: hidden(form.body, 'login_csrf'), token: TOKEN },
    });
    expect(crossSite.status).toBe(403);
    expect(cookieValue(crossSite, 'jobcast_admin')).toBeUndefined();
  });

  it('refuses a wrong or stale session cookie with 403 and clears it', async () => {
    for (const [method, path] of [
      ['GET', '/admin/'],
      ['GET', `/admin/roles/${ROLE}`],
      ['GET', '/admin/publish'],
      ['POST', '/admin/publish'],
    ] as const) {
      const reply = await call(method, path, { headers: { cookie: 'jobcast_admin=forged-session-id' } });
      expect({ path, status: reply.status }).toEqual({ path, status: 403 });
      expect(reply.body).not.toContain('ML Infrastructure Engineer');
      const cleared = reply.headers['set-cookie']!.map((c) => parseSetCookie(c)).find((c) => c.name === 'jobcast_admin');
      expect(cleared).toMatchObject({ value: '', path: '/admin', maxAge: 0 });
    }
  });

  it('ends a session on logout, after which its cookie is refused', async () => {
    const { cookie, csrf } = await loggedIn();
    const out = await call('POST', '/admin/logout', { headers: { cookie, origin: service.url }, form: { csrf } });
    expect(out.status).toBe(303);
    expect((await call('GET', '/admin/', { headers: { cookie } })).status).toBe(403);
  });

  it('refuses "Republish now" without the CSRF token, with a wrong one, or from another origin — and runs nothing', async () => {
    const { cookie, csrf } = await loggedIn();
    const runsBefore = (await service.ledger.runs()).length;
    const attempts: { headers: Record<string, string>; form: Record<string, string> }[] = [
      { headers: { cookie, origin: service.url }, form: {} },
      { headers: { cookie, origin: service.url }, form: { csrf: `${csrf}x` } },
      { headers: { cookie, origin: 'https://evil.example' }, form: { csrf } },
      { headers: { cookie, 'sec-fetch-site': 'cross-site' }, form: { csrf } },
    ];
    for (const attempt of attempts) {
      const reply = await call('POST', '/admin/publish', attempt);
      expect(reply.status).toBe(403);
    }
    expect((await service.ledger.runs()).length).toBe(runsBefore);
    const ok = await call('POST', '/admin/publish', { headers: { cookie, origin: service.url }, form: { csrf, dry_run: '1' } });
    expect(ok.status).toBe(303);
    const page = await call('GET', '/admin/publish', { headers: { cookie } });
    expect(page.body).toContain('Dry run: would send');
    // A dry run records no run in the ledger.
    expect((await service.ledger.runs()).length).toBe(runsBefore);
  });

  it('answers unknown roles and pages with 404 once logged in', async () => {
    const { cookie } = await loggedIn();
    expect((await call('GET', '/admin/roles/no-such-role', { headers: { cookie } })).status).toBe(404);
    expect((await call('GET', '/admin/roles/..%2F..%2Fetc', { headers: { cookie } })).status).toBe(404);
    expect((await call('GET', '/admin/elsewhere', { headers: { cookie } })).status).toBe(404);
  });

  it('shows an invalid source file with its diagnostics instead of failing', async () => {
    const { cookie } = await loggedIn();
    tp.write('broken-role.yaml', 'title: Broken\nstatus: open\n  datePosted: [\n');
    try {
      const overview = await call('GET', '/admin/', { headers: { cookie } });
      expect(overview.status).toBe(200);
      expect(overview.body).toContain('Files with errors');
      expect(overview.body).toMatch(/broken-role\.yaml:\d+:\d+/);
      expect(overview.body).toContain('Never published');
      const role = await call('GET', '/admin/roles/broken-role', { headers: { cookie } });
      expect(role.status).toBe(200);
      expect(role.body).toContain('This file has errors');
    } finally {
      tp.remove('broken-role.yaml');
    }
  });

  it('shows no secret on any page, even when a board echoes them back in an error', async () => {
    const { cookie, csrf } = await loggedIn();
    const run = await call('POST', '/admin/publish', { headers: { cookie, origin: service.url }, form: { csrf } });
    expect(run.status).toBe(303);
    expect(boards.received).toEqual(expect.arrayContaining(['POST /hook', 'POST /leaky']));
    const pages = await Promise.all(['/admin/', `/admin/roles/${ROLE}`, '/admin/publish', '/admin/nope'].map((p) => call('GET', p, { headers: { cookie } })));
    pages.push(await call('GET', '/admin/login'), await call('GET', '/admin/', { headers: { cookie: 'jobcast_admin=stale' } }));
    const [overview, role, publish] = pages;
    // The echo did reach the pages — redacted: the leaky board's error is shown, its secrets are not.
    for (const page of [overview!, role!, publish!]) {
      expect(page.body).toContain('HTTP 500: upstream said: [redacted]');
    }
    expect(overview!.body).toMatch(/next retry 20\d\d-/);
    for (const { path, reply } of replies) {
      for (const secret of FORBIDDEN) {
        if (reply.body.includes(secret) || JSON.stringify(reply.headers).includes(secret)) throw new Error(`${path} shows the secret ${secret}`);
      }
    }
  });

  it('sends every admin response with no-store and the strict security headers', () => {
    expect(replies.length).toBeGreaterThan(30);
    for (const { path, reply } of replies) {
      expect({ path, cache: reply.headers['cache-control'] }).toEqual({ path, cache: 'no-store' });
      const csp = String(reply.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

describe('admin sessions', () => {
  it('refuses an expired session with 403', async () => {
    const tp = tempProject({ [`${ROLE}.yaml`]: SHIPPED_POSTING_TEXT });
    const service = await start(tp, { JOBCAST_ADMIN_TOKEN: TOKEN }, 0);
    try {
      const form = await request(service.url, 'GET', '/admin/login');
      const login = await request(service.url, 'POST', '/admin/login', {
        headers: { cookie: `jobcast_admin_login=${cookieValue(form, 'jobcast_admin_login')!}` },
        form: { login_csrf: hidden(form.body, 'login_csrf'), token: TOKEN },
      });
      expect(login.status).toBe(303);
      // A zero lifetime: the session is already over when it is first used.
      const reply = await request(service.url, 'GET', '/admin/', { headers: { cookie: `jobcast_admin=${cookieValue(login, 'jobcast_admin')!}` } });
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('Your session has expired or is not valid.');
    } finally {
      await service.close();
      tp.cleanup();
    }
  });
});
