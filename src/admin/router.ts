/**
 * The recruiting-ops admin (/admin/); it exists only when JOBCAST_ADMIN_TOKEN is set. Server-rendered
 * pages over the CURRENT source files (validated on every request, so an edit shows on reload) and
 * the publish ledger, plus "Republish now" through the service's own publish (same writer lease as the
 * schedule). Login, session and CSRF rules are in ./login.ts; what pages may show, in ./secrets.ts.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { clickPeriods, periodStart } from './click-chart';
import { ID_PATTERN } from '../model/posting';
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

const ADMIN_TOKEN_ENV = 'JOBCAST_ADMIN_TOKEN';

export interface AdminOptions {
  /** The clock lifecycle states are judged by; the service's own clock in tests. */
  now?: () => Date;
  sessionTtlMs?: number;
}

const SESSION_TTL_MS = 8 * 3600_000;
const MAX_SESSIONS = 1000;
/** Shorter tokens can be guessed despite the login throttle. */
const WEAK_TOKEN = 16;

type Handler = (req: Request, res: Response) => Promise<void> | void;
const BACK = { href: `${BASE}/`, label: 'Back to the overview' };

/** The current source files, validated as the admin shows them: every state checked, last good versions kept. */
async function validateNow(ctx: AdminContext, at: Date) {
  const { project, ledger } = ctx.service;
  return validateProject(project, { now: at, history: await ledger.history(), checkAllStates: true, lastGood: (id) => ledger.lastGood(id) });
}

function overviewPage(ctx: AdminContext): Handler {
  const { project, ledger } = ctx.service;
  const timeZone = project.config.schedule.timezone;
  return async (_req, res) => {
    const at = ctx.now();
    const validation = await validateNow(ctx, at);
    const served = ctx.service.snapshot()?.manifest;
    const overview = await buildOverview({
      validation,
      ledger,
      now: at,
      timeZone,
      ...(served ? { served } : {}),
      untold: served ? await untold(project, ledger, validation, served, at) : [],
    });
    const summary = `${plural(overview.roles.length, 'role')}${overview.invalid.length ? `, ${plural(overview.invalid.length, 'file')} with errors` : ''} · checked ${when(at, timeZone)}`;
    const clicks = clickPeriods(await ledger.clicks(periodStart(at, 90, timeZone)), at, timeZone, 'all');
    sendPage(ctx, res, 200, 'overview', 'Overview', { overview, summary, clicks, csrf: sessionOf(res)!.csrf }, `${BASE}/`);
  };
}

function rolePage(ctx: AdminContext): Handler {
  const { project, ledger } = ctx.service;
  return async (req, res) => {
    const id = String(req.params.id);
    const at = ctx.now();
    // Only a posting id can name a role; anything else is not looked up at all.
    const role = ID_PATTERN.test(id)
      ? await buildRoleView({ id, validation: await validateNow(ctx, at), ledger, site: project.config, links: siteLinks(project), now: at })
      : undefined;
    if (!role) return sendMessage(ctx, res, 404, 'No such role', `There is no role "${id}" in the source files or the ledger.`, BACK);
    const timeZone = project.config.schedule.timezone;
    const own = (await ledger.clicks(periodStart(at, 90, timeZone))).filter((r) => r.posting === id);
    sendPage(ctx, res, 200, 'role', role.title, { role, clicks: clickPeriods(own, at, timeZone, 'role') });
  };
}

function publishPage(ctx: AdminContext): Handler {
  return (_req, res) => {
    const session = sessionOf(res)!;
    sendPage(ctx, res, 200, 'publish', 'Republish', { result: session.data.publish ?? null, csrf: session.csrf }, `${BASE}/publish`);
  };
}

function publishAction(ctx: AdminContext): Handler {
  const { service } = ctx;
  const timeZone = service.project.config.schedule.timezone;
  return async (req, res) => {
    const session = sessionOf(res)!;
    const dryRun = (req.body as Record<string, unknown>).dry_run === '1';
    const at = ctx.now();
    ctx.log.info({ event: 'admin.publish', dryRun });
    try {
      const result = await service.publishNow('admin', { dryRun });
      session.data.publish = await publishView(result, service.ledger, service.project.notifiers, timeZone, at);
    } catch (err) {
      ctx.log.error({ event: 'admin.publish_failed', code: isJobcastError(err) ? err.code : undefined }, (err as Error).message);
      session.data.publish = publishFailure(err, { dryRun, timeZone, at });
    }
    // Post/Redirect/Get: reloading the result page must not publish again.
    res.redirect(303, `${BASE}/publish`);
  };
}

function errorPage(ctx: AdminContext) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    ctx.log.error({ event: 'admin.error', code: isJobcastError(err) ? err.code : undefined }, (err as Error).message);
    // A JobcastError speaks to the user (an unreadable postings folder); anything else is a bug.
    const message = isJobcastError(err) ? err.message : 'Something went wrong while building this page; the server log has the details.';
    sendMessage(ctx, res, 500, 'Page unavailable', message, BACK);
  };
}

function adminContext(service: Service, env: NodeJS.ProcessEnv, log: Logger, opts: AdminOptions): AdminContext {
  return {
    service,
    log,
    now: opts.now ?? (() => new Date()),
    redact: redactor(secretValues(service.project, env, [ADMIN_TOKEN_ENV])),
    sessions: new SessionStore<SessionData>(opts.sessionTtlMs ?? SESSION_TTL_MS, MAX_SESSIONS, () => Date.now()),
  };
}

export function adminRouter(service: Service, env: NodeJS.ProcessEnv, log: Logger, opts: AdminOptions = {}): express.Router | undefined {
  const token = env[ADMIN_TOKEN_ENV];
  if (!token) return undefined;
  if (token.length < WEAK_TOKEN)
    log.warn({ event: 'admin.weak_token' }, `${ADMIN_TOKEN_ENV} is shorter than ${WEAK_TOKEN} characters; use a long random value`);
  const ctx = adminContext(service, env, log, opts);
  const router = express.Router({ strict: true });
  router.use(adminHeaders);
  router.use((req, res, next) => {
    // Mounted at /admin, a bare /admin arrives as "/": send it to the canonical /admin/.
    if (req.originalUrl.split('?')[0] === BASE) res.redirect(301, `${BASE}/`);
    else next();
  });
  router.get('/admin.css', (_req, res) => void res.type('text/css; charset=utf-8').send(ADMIN_CSS));
  const { requireSession, checkForm } = loginRoutes(router, ctx, token);
  router.get('/', requireSession, overviewPage(ctx));
  router.get('/roles/:id', requireSession, rolePage(ctx));
  router.get('/publish', requireSession, publishPage(ctx));
  router.post('/publish', requireSession, formBody, checkForm, publishAction(ctx));
  router.use(requireSession, (_req, res) => sendMessage(ctx, res, 404, 'Not found', 'There is no admin page at this address.', BACK));
  router.use(errorPage(ctx));
  return router;
}
