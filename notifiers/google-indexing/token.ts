/**
 * The Indexing API's OAuth access token: a service-account JWT (RS256, scope indexing) exchanged at
 * the token URL, once per run and shared by the deliveries in flight; the token is a learned secret.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { send, type HttpOutcome } from '../../src/publish/http';
import type { DeliverContext } from '../../src/publish/notifier';
import type { GoogleConfig } from './config';

export const NAME = 'google-indexing';
const SCOPE = 'https://www.googleapis.com/auth/indexing';

interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri?: string;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function signJwt(account: ServiceAccount, audience: string, nowSeconds: number): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: account.client_email, scope: SCOPE, aud: audience, iat: nowSeconds, exp: nowSeconds + 3600 }));
  const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(account.private_key);
  return `${header}.${claims}.${b64url(signature)}`;
}

export type TokenOutcome = { token: string } | { error: string; retryable: boolean } | { waiting: string };

export const missingKey = (envName: string): string => `set ${envName} to the path of the service-account JSON key`;

/** One token request per run, shared by the deliveries in flight (they start together). */
export function accessToken(ctx: DeliverContext<GoogleConfig>): Promise<TokenOutcome> {
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

/** After a 401: the next delivery asks for a new token. */
export function forgetToken(ctx: DeliverContext<GoogleConfig>): void {
  ctx.memo.delete(`${NAME}:token`);
  ctx.memo.delete(`${NAME}:token-request`);
}

function readAccount(file: string, envName: string): ServiceAccount | { waiting: string } {
  try {
    const account = JSON.parse(readFileSync(file, 'utf8')) as ServiceAccount;
    if (!account.client_email || !account.private_key) throw new Error('client_email or private_key missing');
    return account;
  } catch (err) {
    return { waiting: `cannot use the service-account key named by ${envName}: ${(err as Error).message}` };
  }
}

async function requestToken(ctx: DeliverContext<GoogleConfig>): Promise<TokenOutcome> {
  const cached = ctx.memo.get(`${NAME}:token`) as { token: string; expires: number } | undefined;
  if (cached && cached.expires > ctx.now.getTime() + 60_000) return { token: cached.token };
  const envName = ctx.config.credentialsEnv;
  const file = ctx.env[envName];
  if (!file) return { waiting: missingKey(envName) };
  const account = readAccount(file, envName);
  if ('waiting' in account) return account;
  const tokenUrl = ctx.config.tokenUrl;
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
