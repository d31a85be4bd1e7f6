/**
 * Secrets never leave, whatever receivers send back: random secrets (a webhook's signing secret, the
 * SMTP password, the admin token, the OAuth access token Google issues) are echoed by misbehaving
 * receivers in their error bodies; none may reach a log line, a ledger row or an admin page.
 */
import fc from 'fast-check';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { buildOverview } from '../src/admin/overview';
import { renderPage } from '../src/admin/pages';
import { publishView } from '../src/admin/publish-view';
import { buildRoleView } from '../src/admin/role';
import { validateProject } from '../src/pipeline/validate';
import { createLogger } from '../src/log';
import { ADMIN_TOKEN_ENV, redactor, secretValues } from '../src/secrets';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { siteLinks } from '../src/project';
import { MINIMAL_POSTING } from './helpers/project';

const LIST = `channels:
  email:
    lists:
      eng: { address: eng@lists.example.com }
`;
const ROLE = `${MINIMAL_POSTING}channels:\n  email: { lists: [eng] }\n`;

/** How a receiver leaks what it knows: as it was, inside a sentence, or as a bearer credential. */
const leak = fc.constantFrom(
  (s: string) => s,
  (s: string) => `upstream rejected "${s}" (see logs)`,
  (s: string) => `Authorization: Bearer ${s}`,
  (s: string) => `{"error":"invalid","detail":"${s}"}`,
);
const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/);

/**
 * Resolves once `path` has been requested: receivers echo the access token only after Google's token
 * endpoint issued it and jobcast used it (no receiver can know it sooner), whatever order the
 * deliveries run in.
 */
function requested(remote: FakeRemote, path: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  return new Promise((resolve, reject) => {
    const tick = () =>
      remote.to(path).length ? resolve() : Date.now() > deadline ? reject(new Error(`${path} was never requested`)) : void setTimeout(tick, 5);
    tick();
  });
}

async function smtpThatLeaks(say: () => string, after: () => Promise<unknown>) {
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'jobs' }),
    onData(stream, _session, cb) {
      stream.resume();
      const reject = () => cb(Object.assign(new Error(say()), { responseCode: 550 }));
      stream.on('end', () => void after().then(reject, reject));
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let remote: FakeRemote | undefined;
let env: PublishEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  await remote?.close();
});

describe('secrets never leave', () => {
  it('keeps every secret a receiver echoes out of logs, the ledger and admin pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(secret, { minLength: 4, maxLength: 4 }),
        fc.array(leak, { minLength: 4, maxLength: 4 }),
        async ([hookSecret, smtpPassword, adminToken, accessToken], ways) => {
          const [a, b, c, d] = ways as ((s: string) => string)[];
          remote = await startFakeRemote();
          const all = [hookSecret!, smtpPassword!, adminToken!, accessToken!];
          const everything = () => all.map((s, i) => [a, b, c, d][i]!(s)).join(' | ');
          const tokenUsed = () => requested(remote!, '/indexing');
          const smtp = await smtpThatLeaks(everything, tokenUsed);
          try {
            env = await publishEnv(remote, { 'backend-engineer.yaml': ROLE }, LIST);
            Object.assign(env.env, { BOARD_SECRET: hookSecret, SMTP_URL: `smtp://jobs:${smtpPassword}@127.0.0.1:${smtp.port}`, [ADMIN_TOKEN_ENV]: adminToken });
            remote.otherwise('/token', {
              status: 200,
              body: JSON.stringify({ access_token: accessToken, expires_in: 3600 }),
              headers: { 'content-type': 'application/json' },
            });
            remote.otherwise('/indexing', { status: 400, body: everything() });
            for (const p of ['/webhook', '/indexnow', '/hub']) remote.otherwise(p, { status: 400, body: everything(), after: tokenUsed() });

            const lines: string[] = [];
            const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
            const result = await env.run('2026-11-28T12:00:00Z', { log: createLogger('debug', sink) });
            expect(result.delivery.failed).toBeGreaterThan(0);

            const project = await env.project.open();
            const validation = await validateProject(project, {
              now: new Date('2026-11-28T12:00:00Z'),
              history: await env.ledger.history(),
              checkAllStates: true,
            });
            const redact = redactor(secretValues(project, env.env, [ADMIN_TOKEN_ENV]));
            const frame = { title: 'x', orgName: 'Example Corp', csrf: 'c' };
            const overview = await buildOverview({ validation, ledger: env.ledger, now: new Date(), timeZone: 'UTC', untold: [] });
            const role = (await buildRoleView({
              id: 'backend-engineer',
              validation,
              ledger: env.ledger,
              site: project.config,
              links: siteLinks(project),
              now: new Date(),
            }))!;
            const pages = [
              renderPage('overview', { overview, summary: '', csrf: 'c' }, frame, redact),
              renderPage('role', { role }, frame, redact),
              renderPage('publish', { result: await publishView(result, env.ledger, project.notifiers, 'UTC', new Date()), csrf: 'c' }, frame, redact),
            ].join('\n');
            const ledger = JSON.stringify(await env.ledger.outbox());
            // The receivers did get the leaks: the texts are there, only the secrets are gone.
            expect(ledger).toContain('[redacted]');
            for (const s of all) {
              expect(lines.join('')).not.toContain(s);
              expect(ledger).not.toContain(s);
              expect(pages).not.toContain(s);
            }
          } finally {
            await env?.cleanup();
            env = undefined;
            await smtp.close();
            await remote.close();
            remote = undefined;
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
