/**
 * Secrets never leave: not into a log line, the ledger, or an admin page. The config holds only the
 * NAMES of environment variables, but their values can still come back: a board that echoes a request
 * (headers included) into its error body, or a client library that prints a URL with its password.
 * So every string from outside that is logged, stored or shown passes through `redact`, which knows
 * the values of every env var the config names, the admin token, secrets learned while running (an
 * OAuth access token), any `Bearer …` credential and the credentials part of any URL.
 */
import type { SiteConfig } from './model/config';

export const REDACTED = '[redacted]';

/** Credentials in `scheme://user:pass@host`; the scheme and host stay readable. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]+@/gi;

/** Shorter values would match ordinary words; a secret that short is not worth hiding anyway. */
const MIN_SECRET_LENGTH = 4;

/** Every env var name the config refers to: by convention, keys ending in `Env` (smtpUrlEnv, secretEnv, …). */
export function envNamesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) envNamesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.endsWith('Env') && typeof v === 'string') found.add(v);
      else envNamesIn(v, found);
    }
  }
  return found;
}

/** The secret values themselves, and the parts of URL-shaped ones (user:password, password). */
export function secretValues(config: SiteConfig, env: NodeJS.ProcessEnv, extraNames: readonly string[]): string[] {
  const values = new Set<string>();
  for (const name of [...envNamesIn(config), ...extraNames]) {
    const value = env[name];
    if (!value) continue;
    values.add(value);
    try {
      const url = new URL(value);
      for (const part of [url.password, url.username && url.password ? `${url.username}:${url.password}` : '']) {
        if (part) {
          values.add(part);
          values.add(decodeURIComponent(part));
        }
      }
    } catch {
      // Not a URL: the whole value is the secret.
    }
  }
  // Longest first, so a password inside a URL never leaves the rest of the URL half-replaced.
  return [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** `Authorization: Bearer <token>` as a client or an echoing server writes it. */
const BEARER = /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;

export type Redactor = (text: string) => string;

/** `learned` may grow while it is in use (a token fetched during a run). */
export function redactor(secrets: readonly string[], learned: ReadonlySet<string> = new Set()): Redactor {
  return (text) => {
    let out = text.replace(URL_USERINFO, `$1${REDACTED}@`).replace(BEARER, `$1${REDACTED}`);
    for (const s of [...secrets, ...[...learned].filter((v) => v.length >= MIN_SECRET_LENGTH)]) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** The environment variable of the admin token (a secret the config does not name). */
export const ADMIN_TOKEN_ENV = 'JOBCAST_ADMIN_TOKEN';
