/**
 * Google Indexing API: URL_UPDATED when a job page goes live or changes, URL_DELETED for the URLs it
 * was told once the page is gone (410 or 404).
 * Service-account JWT auth (RS256, scope indexing); a daily budget (Google's default quota is 200
 * publishes a day, reset at midnight Pacific) with the rest carried to the next run.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OutboxRow } from '../../ledger/ledger';
import { send, type HttpOutcome } from '../http';
import type { DeliverContext, DeliveryOutcome, Notifier } from '../notifier';
import { pageObservation, pageUrlChanges } from './pages';

const NAME = 'google-indexing';
const SCOPE = 'https://www.googleapis.com/auth/indexing';

interface Payload {
  url: string;
  type: 'URL_UPDATED' | 'URL_DELETED';
}

interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function signJwt(account: ServiceAccount, audience: string, nowSeconds: number): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: account.client_email, scope: SCOPE, aud: audience, iat: nowSeconds, exp: nowSeconds + 3600 }));
  const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(account.private_key);
  return `${header}.${claims}.${b64url(signature)}`;
}

/** The calendar day in Los Angeles: the quota's reset boundary. */
export function pacificDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function nextPacificMidnight(at: Date): Date {
  const day = pacificDay(at);
  let t = at.getTime();
  while (pacificDay(new Date(t)) === day) t += 15 * 60 * 1000;
  return new Date(t);
}

type TokenOutcome = { token: string } | { error: string; retryable: boolean } | { waiting: string };

/** One token request per run, shared by the deliveries in flight (they start together). */
function accessToken(ctx: DeliverContext): Promise<TokenOutcome> {
  const key = `${NAME}:token-request`;
  let pending = ctx.memo.get(key) as Promise<TokenOutcome> | undefined;
  if (!pending) {
    pending = requestToken(ctx).then((t) => {
      // A failure is not kept: the next delivery asks again.
      if (!('token' in t)) ctx.memo.delete(key);
      return t;
    });
    ctx.memo.set(key, pending);
  }
  return pending;
}

const missingKey = (envName: string): string => `set ${envName} to the path of the service-account JSON key`;

async function requestToken(ctx: DeliverContext): Promise<TokenOutcome> {
  const cached = ctx.memo.get(`${NAME}:token`) as { token: string; expires: number } | undefined;
  if (cached && cached.expires > ctx.now.getTime() + 60_000) return { token: cached.token };
  const envName = ctx.notify.google.credentialsEnv;
  const file = ctx.env[envName];
  if (!file) return { waiting: missingKey(envName) };
  let account: ServiceAccount;
  try {
    account = JSON.parse(readFileSync(file, 'utf8')) as ServiceAccount;
    if (!account.client_email || !account.private_key) throw new Error('client_email or private_key missing');
  } catch (err) {
    return { waiting: `cannot use the service-account key named by ${envName}: ${(err as Error).message}` };
  }
  const tokenUrl = ctx.notify.google.tokenUrl;
  let assertion: string;
  try {
    assertion = signJwt(account, tokenUrl, Math.floor(ctx.now.getTime() / 1000));
  } catch (err) {
    return { waiting: `cannot sign with the service-account key: ${(err as Error).message}` };
  }
  const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
  const res: HttpOutcome = await send(
    ctx.http,
    { method: 'POST', url: tokenUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
    ctx.policy,
    ctx.sleep,
  );
  if (!res.ok) return { error: `token request failed: ${res.error}`, retryable: res.retryable };
  try {
    const json = JSON.parse(res.body) as { access_token: string; expires_in?: number };
    if (json.access_token) ctx.learned.add(json.access_token);
    ctx.memo.set(`${NAME}:token`, { token: json.access_token, expires: ctx.now.getTime() + (json.expires_in ?? 3600) * 1000 });
    return { token: json.access_token };
  } catch {
    return { error: 'token response was not JSON', retryable: true };
  }
}

export const indexingApi: Notifier = {
  name: NAME,
  enabled: (ctx) => ctx.notify.google.enabled,
  owns: (receiver) => receiver === NAME,
  queue: { concurrency: 4 },
  observe: (subject) => pageObservation(NAME, subject),
  plan(transitions) {
    return transitions.flatMap((t) => {
      const { updated, deleted } = pageUrlChanges(t);
      return [...updated.map((url) => ({ url, type: 'URL_UPDATED' as const })), ...deleted.map((url) => ({ url, type: 'URL_DELETED' as const }))].map(
        ({ url, type }) => ({
          receiver: NAME,
          transport: NAME,
          subject: t.subject.id,
          version: t.version,
          event: t.event,
          part: url,
          payload: { url, type } satisfies Payload,
          summary: `${type} ${url}`,
        }),
      );
    });
  },
  missing: (_payload, ctx) => (ctx.env[ctx.notify.google.credentialsEnv] ? undefined : missingKey(ctx.notify.google.credentialsEnv)),
  async deliver(item: OutboxRow, ctx): Promise<DeliveryOutcome> {
    const day = pacificDay(ctx.now);
    // Check and take the budget in one synchronous step: deliveries run concurrently.
    if (ctx.ledger.quotaUsed(NAME, day) >= ctx.notify.google.dailyBudget) {
      return { deferred: nextPacificMidnight(ctx.now), reason: `daily budget of ${ctx.notify.google.dailyBudget} Indexing API requests used` };
    }
    ctx.ledger.useQuota(NAME, day);
    const token = await accessToken(ctx);
    if (!('token' in token)) {
      ctx.ledger.useQuota(NAME, day, -1);
      return 'waiting' in token ? token : { ok: false, retryable: token.retryable, error: token.error };
    }
    const payload = JSON.parse(item.payload) as Payload;
    const res = await send(
      ctx.http,
      {
        method: 'POST',
        url: ctx.notify.google.endpoint,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
        body: JSON.stringify({ url: payload.url, type: payload.type }),
      },
      ctx.policy,
      ctx.sleep,
    );
    if (res.ok) return { ok: true, response: `${res.status} ${res.body.slice(0, 500)}` };
    if (res.status === 401) {
      ctx.memo.delete(`${NAME}:token`);
      ctx.memo.delete(`${NAME}:token-request`);
    }
    const hint = res.status === 403 ? ' (add the service account as an Owner of the site in Search Console)' : '';
    return {
      ok: false,
      retryable: res.retryable,
      error: res.error + hint,
      ...(res.ambiguous ? { ambiguous: true } : {}),
      ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}),
    };
  },
};
