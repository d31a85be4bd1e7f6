/**
 * The admin behind a TLS-terminating proxy: with `trustProxy` set, the client address and https come
 * from the proxy's headers (express's own rules), so the login throttle slows only the client that
 * guesses and session cookies are Secure; without it, those headers are ignored and cannot be forged.
 */
import { parseSetCookie } from 'cookie';
import { adminRouter } from '../src/admin/router';
import { buildProject } from '../src/pipeline/build';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import { postLogin } from './helpers/admin-client';
import { SHIPPED_CONFIG_TEXT, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';

const TOKEN = 'admin-token-5d1e8a2c9b7f4036';
const ATTACKER = { 'x-forwarded-for': '203.0.113.7' };
const COLLEAGUE = { 'x-forwarded-for': '198.51.100.9' };

let tp: TempProject;
let service: Service;
afterEach(async () => {
  await service?.close();
  tp?.cleanup();
});

async function start(trustProxy?: string) {
  tp = tempProject({ 'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT }, `${SHIPPED_CONFIG_TEXT}${trustProxy ? `trustProxy: ${trustProxy}\n` : ''}`);
  const project = await tp.open();
  await buildProject(project, { now: new Date('2026-12-01T12:00:00Z') });
  const env = { JOBCAST_ADMIN_TOKEN: TOKEN };
  const log = silentLogger();
  service = await startService({ project, port: 0, host: '127.0.0.1', log, env, schedule: false, admin: (svc) => adminRouter(svc, env, log) });
}

const session = (reply: Awaited<ReturnType<typeof postLogin>>) => (reply.headers['set-cookie'] ?? []).find((c) => c.startsWith('jobcast_admin='));

describe('behind a trusted proxy', () => {
  it('slows down only the client that guesses; a colleague behind the same proxy logs in', async () => {
    await start('loopback');
    for (let i = 0; i < 5; i++) expect((await postLogin(service.url, `wrong-${i}`, ATTACKER)).status).toBe(401);
    const slowed = await postLogin(service.url, TOKEN, ATTACKER);
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    const colleague = await postLogin(service.url, TOKEN, COLLEAGUE);
    expect(colleague.status).toBe(303);
    expect(session(colleague)).toBeDefined();
  });

  it('marks session cookies Secure when the proxy says the client used https', async () => {
    await start('loopback');
    expect(parseSetCookie(session(await postLogin(service.url, TOKEN, { 'x-forwarded-proto': 'https' }))!).secure).toBe(true);
    expect(session(await postLogin(service.url, TOKEN))).not.toMatch(/Secure/);
  });
});

describe('with no trusted proxy (the default)', () => {
  it('ignores forwarded headers: neither a forged address nor forged https is believed', async () => {
    await start();
    for (let i = 0; i < 5; i++) expect((await postLogin(service.url, `wrong-${i}`, { 'x-forwarded-for': `192.0.2.${i}` })).status).toBe(401);
    // A sixth "client" is the same socket address: still slowed down.
    expect((await postLogin(service.url, TOKEN, COLLEAGUE)).status).toBe(429);
    await service.close();
    tp.cleanup();
    await start();
    expect(session(await postLogin(service.url, TOKEN, { 'x-forwarded-proto': 'https' }))).not.toMatch(/Secure/);
  });
});
