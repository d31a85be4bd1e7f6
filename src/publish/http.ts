/**
 * Outgoing HTTP for notifications: axios with a timeout, retries with exponential backoff and full
 * jitter on network errors, 5xx and 429 (honouring Retry-After), and no blind retry on other 4xx,
 * which mean our request or config is wrong.
 */
import axios, { AxiosError, type AxiosInstance } from 'axios';

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
  | { ok: true; status: number; body: string }
  | { ok: false; retryable: boolean; error: string; status?: number; retryAfterMs?: number };

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
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** One attempt. */
export async function attempt(client: AxiosInstance, req: HttpRequest): Promise<HttpOutcome> {
  try {
    const res = await client.request<string>({ method: req.method, url: req.url, headers: req.headers ?? {}, data: req.body });
    const body = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: body.slice(0, 2000) };
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'] as string | undefined);
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    return { ok: false, retryable, status: res.status, error: `HTTP ${res.status}${body ? `: ${body.slice(0, 300)}` : ''}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (err) {
    const e = err as AxiosError;
    const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
    return { ok: false, retryable: RETRYABLE_CODES.has(code) || e.code === AxiosError.ECONNABORTED || e.code === AxiosError.ETIMEDOUT, error: `${code}: ${e.message}` };
  }
}

/** Attempts with backoff until success, a non-retryable answer, or the policy's retries run out. */
export async function send(client: AxiosInstance, req: HttpRequest, policy: HttpPolicy, sleep: Sleep = realSleep, random = Math.random): Promise<HttpOutcome & { attempts: number }> {
  let last: HttpOutcome = { ok: false, retryable: true, error: 'not attempted' };
  for (let n = 0; n <= policy.retries; n++) {
    last = await attempt(client, req);
    if (last.ok || !last.retryable) return { ...last, attempts: n + 1 };
    if (n === policy.retries) break;
    const backoff = random() * policy.backoffMs * 2 ** n;
    const wait = last.retryAfterMs !== undefined ? Math.max(last.retryAfterMs, backoff) : backoff;
    if (wait > (policy.maxWaitMs ?? 60_000)) return { ...last, attempts: n + 1 };
    await sleep(wait);
  }
  return { ...last, attempts: policy.retries + 1 };
}
