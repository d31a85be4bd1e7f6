/**
 * Who may use the admin, with HTTP semantics a script can rely on: no session cookie → 401 and the
 * login form; a session cookie we do not know (expired, forged, from before a restart) → 403; a
 * POST from another origin or without its form's CSRF token → 403; a wrong token → 401.
 */
import express, { type Request, type Response } from 'express';
import { BASE, LOGIN_COOKIE, LoginThrottle, SESSION_COOKIE, clearCookie, cookie, isCrossOrigin, randomId, readCookie, sameSecret } from './auth';
import { sendMessage, sendPage, sessionOf, type AdminContext } from './respond';

const LOGIN_FORM_SECONDS = 3600;
const HOME = `${BASE}/`;
/**
 * Where a login may send the browser next: an admin page, nothing else (no open redirect). Every
 * repeated segment ends in "/", so the pattern cannot backtrack exponentially on hostile input.
 */
const SAFE_NEXT = /^\/admin\/(?:[a-z0-9-]+\/)*[a-z0-9-]*$/;

const field = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

const safeNext = (path: string): string => (path.length <= 200 && SAFE_NEXT.test(path) ? path : HOME);

export const formBody = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

/** The login form, with a fresh double-submit token (the form has no session to keep one in). */
function loginPage(ctx: AdminContext, req: Request, res: Response, status: number, error: string, next: string): void {
  const loginCsrf = randomId();
  res.append('Set-Cookie', cookie(LOGIN_COOKIE, loginCsrf, { maxAgeSeconds: LOGIN_FORM_SECONDS, secure: req.secure }));
  sendPage(ctx, res, status, 'login', 'Log in', { heading: 'Log in to jobcast admin', error, loginCsrf, next: safeNext(next) });
}

export interface Guards {
  requireSession: express.RequestHandler;
  checkForm: express.RequestHandler;
}

function sessionGuard(ctx: AdminContext): express.RequestHandler {
  return (req, res, next) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = ctx.sessions.get(id);
    if (session) {
      res.locals.adminSession = session;
      next();
    } else if (id === undefined) {
      res.set('WWW-Authenticate', 'Session realm="jobcast admin"');
      loginPage(ctx, req, res, 401, '', req.originalUrl.split('?')[0]!);
    } else {
      res.append('Set-Cookie', clearCookie(SESSION_COOKIE, { secure: req.secure }));
      sendMessage(ctx, res, 403, 'Session not valid', 'Your session has expired or is not valid. Log in again to continue.', {
        href: `${BASE}/login`,
        label: 'Log in',
      });
    }
  };
}

function formGuard(ctx: AdminContext): express.RequestHandler {
  return (req, res, next) => {
    const session = sessionOf(res)!;
    const given = field(req, 'csrf');
    if (isCrossOrigin(req)) sendMessage(ctx, res, 403, 'Request refused', 'This form was sent from another site, so it was refused.');
    else if (!given || !sameSecret(given, session.csrf))
      sendMessage(ctx, res, 403, 'Form expired', 'This form is no longer valid. Go back, reload the page and try again.', {
        href: HOME,
        label: 'Back to the overview',
      });
    else next();
  };
}

/** POST /login: same-origin, the login form's own CSRF cookie, the throttle, then the token. */
function loginAction(ctx: AdminContext, token: string): (req: Request, res: Response) => void {
  const throttle = new LoginThrottle(5, 15 * 60_000, () => Date.now());
  return (req, res) => {
    const next = field(req, 'next');
    const expected = readCookie(req.headers.cookie, LOGIN_COOKIE);
    const given = field(req, 'login_csrf');
    if (isCrossOrigin(req)) return sendMessage(ctx, res, 403, 'Request refused', 'This form was sent from another site, so it was refused.');
    if (!expected || !given || !sameSecret(given, expected))
      return loginPage(ctx, req, res, 403, 'The login form expired. Please enter the token again.', next);
    // The client as the trusted proxy reports it (the config's trustProxy), else the socket's peer.
    const who = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.waitMs(who);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      res.set('Retry-After', String(seconds));
      return loginPage(ctx, req, res, 429, `Too many wrong tokens from your address. Wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`, next);
    }
    if (!sameSecret(field(req, 'token'), token)) {
      throttle.fail(who);
      ctx.log.warn({ event: 'admin.login_failed', from: who });
      return loginPage(ctx, req, res, 401, 'That token is not correct.', next);
    }
    const session = ctx.sessions.create();
    res.append('Set-Cookie', cookie(SESSION_COOKIE, session.id, { maxAgeSeconds: ctx.sessions.ttlSeconds, secure: req.secure }));
    res.append('Set-Cookie', clearCookie(LOGIN_COOKIE, { secure: req.secure }));
    ctx.log.info({ event: 'admin.login', from: who });
    res.redirect(303, safeNext(next));
  };
}

export function loginRoutes(router: express.Router, ctx: AdminContext, token: string): Guards {
  const requireSession = sessionGuard(ctx);
  const checkForm = formGuard(ctx);
  router.get('/login', (req, res) => {
    if (ctx.sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE))) res.redirect(303, HOME);
    else loginPage(ctx, req, res, 200, '', typeof req.query.next === 'string' ? req.query.next : HOME);
  });
  router.post('/login', formBody, loginAction(ctx, token));
  router.post('/logout', requireSession, formBody, checkForm, (req, res) => {
    ctx.sessions.delete(sessionOf(res)!.id);
    res.append('Set-Cookie', clearCookie(SESSION_COOKIE, { secure: req.secure }));
    res.redirect(303, `${BASE}/login`);
  });
  return { requireSession, checkForm };
}
