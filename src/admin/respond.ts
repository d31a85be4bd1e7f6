/** How every admin response goes out: its headers, and its HTML through the redacting page renderer. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log';
import type { Service } from '../serve/service-api';
import type { Session, SessionStore } from './auth';
import { renderPage, type PageData } from './pages';
import type { PublishView } from './publish-view';
import type { Redactor } from '../secrets';

/** Own stylesheet only, no script at all, never framed, forms post only here. */
const ADMIN_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export type SessionData = { publish: PublishView };
export type AdminSession = Session<SessionData>;

export interface AdminContext {
  service: Service;
  log: Logger;
  now(): Date;
  redact: Redactor;
  sessions: SessionStore<SessionData>;
}

/** Set on every admin response, errors and the stylesheet included: admin pages are never cached or framed. */
export function adminHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': ADMIN_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Robots-Tag': 'noindex, nofollow',
  });
  next();
}

export const sessionOf = (res: Response): AdminSession | undefined => res.locals.adminSession as AdminSession | undefined;

export function sendPage(ctx: AdminContext, res: Response, status: number, template: string, title: string, data: PageData, current?: string): void {
  const session = sessionOf(res);
  const html = renderPage(
    template,
    data,
    {
      title,
      orgName: ctx.service.project.config.organization.name,
      ...(session ? { csrf: session.csrf } : {}),
      ...(current ? { current } : {}),
    },
    ctx.redact,
  );
  res.status(status).type('text/html; charset=utf-8').send(html);
}

export function sendMessage(
  ctx: AdminContext,
  res: Response,
  status: number,
  heading: string,
  message: string,
  link: { href: string; label: string } | null = null,
): void {
  sendPage(ctx, res, status, 'message', heading, { heading, message, kind: status >= 400 ? 'error' : 'note', link });
}
