/**
 * The recruiting-ops admin (/admin/); it exists only when JOBCAST_ADMIN_TOKEN is set. Server-rendered
 * pages over the CURRENT source files (validated on every request, so an edit shows on reload) and
 * the publish ledger, plus "Republish now" through the service's own publish (same writer lease as the
 * schedule). Login, session and CSRF rules are in ./login.ts; what pages may show, in ./secrets.ts.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { siteLinks } from '../project';
import { validateProject } from '../pipeline/validate';
import { untold } from '../publish/status';
import { isJobcastError } from '../errors';
import type { Logger } from '../log';
import type { Service } from '../serve/service-api';
import { BASE, SessionStore } from './auth';
import { plural, when } from './format';
import { formBody, loginRoutes } from './login';
import { buildOverview } from './overview';
import { publishFailure, publishView } from './publish-view';
import { adminHeaders, sendMessage, sendPage, sessionOf, type AdminContext, type SessionData } from './respond';
import { buildRoleView } from './role';
import { redactor, secretValues } from '../secrets';
import { ADMIN_CSS } from './styles';

export const ADMIN_TOKEN_ENV = 'JOBCAST_ADMIN_TOKEN';

export interface AdminOptions {
  /** The clock lifecycle states are judged by; the service's own clock in tests. */
  now?: () => Date;
  sessionTtlMs?: number;
}

const SESSION_TTL_MS = 8 * 3600_000;
const MAX_SESSIONS = 1000;
/** Posting ids as the loader allows them; anything else cannot be a role. */
const ROLE_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** Shorter tokens can be guessed despite the login throttle. */
const WEAK_TOKEN = 16;

export function adminRouter(service: Service, env: NodeJS.ProcessEnv, log: Logger, opts: AdminOptions = {}): express.Router | undefined {
  const token = env[ADMIN_TOKEN_ENV];
  if (!token) return undefined;
  if (token.length < WEAK_TOKEN)
    log.warn({ event: 'admin.weak_token' }, `${ADMIN_TOKEN_ENV} is shorter than ${WEAK_TOKEN} characters; use a long random value`);
  const ctx: AdminContext = {
    service,
    log,
    now: opts.now ?? (() => new Date()),
    redact: redactor(secretValues(service.project, env, [ADMIN_TOKEN_ENV])),
    sessions: new SessionStore<SessionData>(opts.sessionTtlMs ?? SESSION_TTL_MS, MAX_SESSIONS, () => Date.now()),
  };
  const { project, ledger } = service;
  const timeZone = project.config.schedule.timezone;
  const router = express.Router({ strict: true });

  router.use(adminHeaders);
  router.use((req, res, next) => {
    // Mounted at /admin, a bare /admin arrives as "/": send it to the canonical /admin/.
    if (req.originalUrl.split('?')[0] === BASE) res.redirect(301, `${BASE}/`);
    else next();
  });

  router.get('/admin.css', (_req, res) => {
    res.type('text/css; charset=utf-8').send(ADMIN_CSS);
  });

  const { requireSession, checkForm } = loginRoutes(router, ctx, token);

  router.get('/', requireSession, async (_req, res) => {
    const at = ctx.now();
    const validation = await validateProject(project, { now: at, history: ledger.history(), checkAllStates: true, lastGood: (id) => ledger.lastGood(id) });
    const served = service.snapshot()?.manifest;
    const overview = buildOverview({
      validation,
      ledger,
      now: at,
      timeZone,
      ...(served ? { served } : {}),
      untold: served ? untold(project, ledger, validation, served, at) : [],
    });
    const summary = `${plural(overview.roles.length, 'role')}${overview.invalid.length ? `, ${plural(overview.invalid.length, 'file')} with errors` : ''} · checked ${when(at, timeZone)}`;
    sendPage(ctx, res, 200, 'overview', 'Overview', { overview, summary, csrf: sessionOf(res)!.csrf }, `${BASE}/`);
  });

  router.get('/roles/:id', requireSession, async (req, res) => {
    const id = String(req.params.id);
    const at = ctx.now();
    const role = ROLE_ID.test(id)
      ? await buildRoleView({
          id,
          validation: await validateProject(project, { now: at, history: ledger.history(), checkAllStates: true, lastGood: (x) => ledger.lastGood(x) }),
          ledger,
          site: project.config,
          links: siteLinks(project),
          now: at,
        })
      : undefined;
    if (!role)
      return sendMessage(ctx, res, 404, 'No such role', `There is no role "${id}" in the source files or the ledger.`, {
        href: `${BASE}/`,
        label: 'Back to the overview',
      });
    sendPage(ctx, res, 200, 'role', role.title, { role });
  });

  router.get('/publish', requireSession, (_req, res) => {
    const session = sessionOf(res)!;
    sendPage(ctx, res, 200, 'publish', 'Republish', { result: session.data.publish ?? null, csrf: session.csrf }, `${BASE}/publish`);
  });

  router.post('/publish', requireSession, formBody, checkForm, async (req, res) => {
    const session = sessionOf(res)!;
    const dryRun = (req.body as Record<string, unknown>).dry_run === '1';
    const at = ctx.now();
    ctx.log.info({ event: 'admin.publish', dryRun });
    try {
      const result = await service.publishNow('admin', { dryRun });
      session.data.publish = publishView(result, ledger, service.project.notifiers, timeZone, at);
    } catch (err) {
      ctx.log.error({ event: 'admin.publish_failed', code: isJobcastError(err) ? err.code : undefined }, (err as Error).message);
      session.data.publish = publishFailure(err, dryRun, timeZone, at);
    }
    // Post/Redirect/Get: reloading the result page must not publish again.
    res.redirect(303, `${BASE}/publish`);
  });

  router.use(requireSession, (_req, res) => {
    sendMessage(ctx, res, 404, 'Not found', 'There is no admin page at this address.', { href: `${BASE}/`, label: 'Back to the overview' });
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    ctx.log.error({ event: 'admin.error', code: isJobcastError(err) ? err.code : undefined }, (err as Error).message);
    // A JobcastError speaks to the user (an unreadable postings folder); anything else is a bug.
    const message = isJobcastError(err) ? err.message : 'Something went wrong while building this page; the server log has the details.';
    sendMessage(ctx, res, 500, 'Page unavailable', message, { href: `${BASE}/`, label: 'Back to the overview' });
  });

  return router;
}
