/**
 * Outgoing HTTP for notifications: axios with a timeout, retries with exponential backoff and full
 * jitter where the request certainly was not processed (connection refused, DNS, 5xx, 429, 408,
 * honouring Retry-After), and no blind retry on other 4xx, which mean our request or config is wrong.
 * A timeout or a reset after the request was written is ambiguous — the receiver may have acted on
 * it — so it is never repeated within the run: the caller leaves it for the next run, same key.
 */
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { backoffMs } from '../util/backoff';
import type { DeliveryOutcome } from './notifier';

export interface HttpRequest {
  method: 'POST' | 'GET';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpPolicy {
  timeoutMs: number;
  /** Further attempts after the first, within one run. */
  retries: number;
  /** Base delay; attempt n waits a random time in [0, base·2^n]. */
  backoffMs: number;
  /** A Retry-After longer than this ends the run's attempts; the item waits for a later run. */
  maxWaitMs?: number;
}

export type HttpOutcome =
  { ok: true; status: number; body: string } | { ok: false; retryable: boolean; error: string; status?: number; retryAfterMs?: number; ambiguous?: boolean };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function createHttpClient(timeoutMs: number): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    // Bodies are sent exactly as given (signatures are over these bytes) and read back as text.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    responseType: 'text',
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
  });
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or undefined. */
function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The request never reached the receiver: safe to repeat at once. */
const NOT_SENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** One attempt. */
async function attempt(client: AxiosInstance, req: HttpRequest): Promise<HttpOutcome> {
  try {
    const res = await client.request<string>({ method: req.method, url: req.url, headers: req.headers ?? {}, data: req.body });
    const body = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: body.slice(0, 2000) };
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'] as string | undefined);
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    return {
      ok: false,
      retryable,
      status: res.status,
      error: `HTTP ${res.status}${body ? `: ${body.slice(0, 300)}` : ''}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (err) {
    const e = err as AxiosError;
    const code = (e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.code ?? 'ERROR';
    if (NOT_SENT.has(code)) return { ok: false, retryable: true, error: `${code}: ${e.message}` };
    // Anything else (a timeout, a reset, an error we do not know) may have reached the receiver.
    return {
      ok: false,
      retryable: true,
      ambiguous: true,
      error: `${code}: ${e.message} (the receiver may have got it; re-sent in a later run with the same key)`,
    };
  }
}

/** Attempts with backoff until success, a non-retryable answer, or the policy's retries run out. */
export async function send(
  client: AxiosInstance,
  req: HttpRequest,
  policy: HttpPolicy,
  sleep: Sleep = realSleep,
  random = Math.random,
): Promise<HttpOutcome & { attempts: number }> {
  let last: HttpOutcome = { ok: false, retryable: true, error: 'not attempted' };
  for (let n = 0; n <= policy.retries; n++) {
    last = await attempt(client, req);
    if (last.ok || !last.retryable || last.ambiguous) return { ...last, attempts: n + 1 };
    if (n === policy.retries) break;
    const backoff = backoffMs(n, { baseMs: policy.backoffMs }, random);
    const wait = last.retryAfterMs !== undefined ? Math.max(last.retryAfterMs, backoff) : backoff;
    if (wait > (policy.maxWaitMs ?? 60_000)) return { ...last, attempts: n + 1 };
    await sleep(wait);
  }
  return { ...last, attempts: policy.retries + 1 };
}

/** A refused or failed request as a delivery's outcome; `hint` is added to the error (what to do about it). */
export function failureOf(res: Extract<HttpOutcome, { ok: false }>, hint = ''): DeliveryOutcome {
  return {
    ok: false,
    retryable: res.retryable,
    error: res.error + hint,
    ...(res.ambiguous ? { ambiguous: true } : {}),
    ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}),
  };
}

/** The outcome of a delivery that is one request: confirmed by a 2xx, whose status is recorded. */
export const outcomeOf = (res: HttpOutcome): DeliveryOutcome => (res.ok ? { ok: true, response: `${res.status}` } : failureOf(res));
