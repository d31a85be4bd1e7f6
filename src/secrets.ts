/**
 * Secrets never leave: not into a log line, the ledger, or an admin page. The config holds only the
 * NAMES of environment variables, but their values can still come back: a board that echoes a request
 * (headers included) into its error body, or a client library that prints a URL with its password.
 * So every string from outside that is logged, stored or shown passes through `redact`, which knows
 * the values of every env var the config names (found through the schemas), the admin token, secrets learned while running (an
 * OAuth access token), any `Bearer …` credential and the credentials part of any URL.
 */
import type { z } from 'zod';
import { envVarName, type SiteConfig } from './model/config';
import { toJsonSchema } from './model/json-schema';

export const REDACTED = '[redacted]';

/** Credentials in `scheme://user:pass@host`; the scheme and host stay readable. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]+@/gi;

/** Shorter values would match ordinary words; a secret that short is not worth hiding anyway. */
const MIN_SECRET_LENGTH = 4;

/** The part of a JSON Schema that says where an env var name can be. */
interface SchemaNode {
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  anyOf?: SchemaNode[];
}

const ENV_PATTERN = (toJsonSchema(envVarName) as SchemaNode).pattern;
const jsonSchemas = new WeakMap<z.ZodType, SchemaNode>();

function walk(js: SchemaNode, value: unknown, found: Set<string>): void {
  if (typeof value === 'string' && js.pattern !== undefined && js.pattern === ENV_PATTERN) found.add(value);
  for (const member of js.anyOf ?? []) walk(member, value, found);
  if (Array.isArray(value)) {
    if (js.items) for (const v of value) walk(js.items, v, found);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    const child = js.properties?.[k] ?? (typeof js.additionalProperties === 'object' ? js.additionalProperties : undefined);
    if (child) walk(child, v, found);
  }
}

/**
 * Every env var name the config holds: each value whose schema is `envVarName` (src/model/config.ts),
 * wherever the core, a channel or a notifier declares one, so a plugin's secret is found without
 * being named here.
 */
export function envNamesIn(schema: z.ZodType, config: unknown): Set<string> {
  let js = jsonSchemas.get(schema);
  if (!js) jsonSchemas.set(schema, (js = toJsonSchema(schema) as SchemaNode));
  const found = new Set<string>();
  walk(js, config, found);
  return found;
}

/** A config with the schema it was parsed with (a Project). */
export interface ConfigSource {
  config: SiteConfig;
  configSchema: z.ZodType;
}

/** The secret values themselves, and the parts of URL-shaped ones (user:password, password). */
export function secretValues(source: ConfigSource, env: NodeJS.ProcessEnv, extraNames: readonly string[]): string[] {
  const values = new Set<string>();
  for (const name of [...envNamesIn(source.configSchema, source.config), ...extraNames]) {
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
