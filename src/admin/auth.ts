/**
 * Admin sign-in. The token is compared in constant time (both sides hashed first, so their lengths
 * match), and a successful login gets a random session id in an HttpOnly, SameSite=Strict cookie: the
 * token itself never travels again. Sessions live in memory with an absolute expiry; a restart logs
 * everyone out, which is acceptable for a handful of recruiting-ops users.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import { LRUCache } from 'lru-cache';
import type { Request } from 'express';
import { backoffMs } from '../util/backoff';

export const BASE = '/admin';
export const SESSION_COOKIE = 'jobcast_admin';
/** Double-submit token for the login form, which has no session to keep a CSRF token in yet. */
export const LOGIN_COOKIE = 'jobcast_admin_login';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality of two strings of any lengths. */
export const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

export const randomId = (): string => randomBytes(32).toString('base64url');

export interface Session<Extra> {
  id: string;
  csrf: string;
  expires: number;
  data: Partial<Extra>;
}

export class SessionStore<Extra> {
  /** Least recently used sessions are dropped beyond `max`, so logins cannot grow memory without bound. */
  private readonly sessions: LRUCache<string, Session<Extra>>;

  constructor(
    private readonly ttlMs: number,
    max: number,
    private readonly clock: () => number,
  ) {
    this.sessions = new LRUCache({ max });
  }

  create(): Session<Extra> {
    this.prune();
    const session: Session<Extra> = { id: randomId(), csrf: randomId(), expires: this.clock() + this.ttlMs, data: {} };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session<Extra> | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session && session.expires <= this.clock()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  /** Expired sessions go first, so a full store makes room without logging out someone live. */
  private prune(): void {
    const now = this.clock();
    const expired = [...this.sessions.entries()].filter(([, s]) => s.expires <= now);
    for (const [id] of expired) this.sessions.delete(id);
  }
}

/**
 * Wrong tokens slow their sender down: after `free` failures within the window, each further attempt
 * from that client waits twice as long as the one before (1 s, 2 s, 4 s … at most `maxWaitMs`) after
 * its last failure. Per client address (behind a trusted proxy, the real one), so an attacker never
 * locks out the token's holder elsewhere; a long random token cannot be guessed at this pace.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly free: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
    private readonly maxWaitMs = 15 * 60_000,
  ) {}

  /** Milliseconds this client must still wait before its next attempt is checked (0: go ahead). */
  waitMs(who: string): number {
    const recent = this.recent(who);
    if (recent.length < this.free) return 0;
    const wait = backoffMs(recent.length - this.free, { baseMs: 1000, capMs: this.maxWaitMs, fixed: 1 });
    return Math.max(0, recent[recent.length - 1]! + wait - this.clock());
  }

  fail(who: string): void {
    this.failures.set(who, [...this.recent(who), this.clock()]);
  }

  private recent(who: string): number[] {
    const since = this.clock() - this.windowMs;
    const kept = (this.failures.get(who) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(who, kept);
    else this.failures.delete(who);
    return kept;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  return header ? parseCookie(header)[name] : undefined;
}

/** `secure`: the request came over https (directly or through the trusted proxy). */
export function cookie(name: string, value: string, { maxAgeSeconds, secure }: { maxAgeSeconds: number; secure: boolean }): string {
  return stringifySetCookie({ name, value, path: BASE, maxAge: maxAgeSeconds, httpOnly: true, sameSite: 'strict', secure });
}

export const clearCookie = (name: string, { secure }: { secure: boolean }): string => cookie(name, '', { maxAgeSeconds: 0, secure });

/**
 * A POST from another site. Our pages send `Referrer-Policy: no-referrer`, under which browsers send
 * `Origin: null` even for our own forms, so a real Origin must name our host (the scheme may differ
 * behind a TLS-terminating proxy), and a null or absent one must be vouched for by Fetch Metadata.
 * Clients that send neither header (scripts) are left to the CSRF token.
 */
export function isCrossOrigin(req: Request): boolean {
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  if (origin !== undefined && origin !== 'null') {
    try {
      return new URL(origin).host !== req.get('host');
    } catch {
      return true;
    }
  }
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  return origin === 'null';
}
