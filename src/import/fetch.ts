/**
 * Reading a whole board from an ATS, or nothing: every page and every job's own response must come
 * back 2xx and read as the ATS documents it, and a board that states its size must list that many.
 * Anything less is a failure that names the request, so the import changes no file and closes nothing
 * on a half answer.
 */
import type { AxiosError, AxiosInstance } from 'axios';
import { createHttpClient, realSleep, type HttpPolicy, type Sleep } from '../publish/http';
import { backoffMs } from '../util/backoff';
import { isMalformed, type AtsJob, type Importer, type ImportIssue, type ImportRequest } from './importer';

export interface BoardAnswer {
  jobs: AtsJob[];
  issues: ImportIssue[];
}

export type BoardFailure = { failed: string };

export interface FetchOptions {
  policy: HttpPolicy;
  sleep?: Sleep;
  /** Called after each response, with how many jobs are read so far. */
  onProgress?: (jobs: number) => void;
  /** At most this many pages, so a board whose `next` never ends cannot loop forever. */
  maxPages?: number;
  /** Where a request really goes (a proxy, or a test's fake ATS on 127.0.0.1); default: its own URL. */
  rebase?: (url: string) => string;
}

const MAX_BODY = 64 * 1024 * 1024;

/** One attempt: the whole body of a 2xx, or why not (and whether trying again may help). */
async function attempt(client: AxiosInstance, url: string, headers: Record<string, string>): Promise<{ body: string } | { failed: string; retry: boolean }> {
  try {
    const res = await client.get<string>(url, { headers, responseType: 'text', validateStatus: () => true, maxContentLength: MAX_BODY });
    if (res.status >= 200 && res.status < 300) return { body: String(res.data) };
    return { failed: `HTTP ${res.status}`, retry: res.status >= 500 || res.status === 429 || res.status === 408 };
  } catch (err) {
    const e = err as AxiosError;
    return { failed: e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' ? 'timed out' : (e.code ?? e.message), retry: true };
  }
}

/** A GET, tried again (with backoff) after a 5xx, 429, timeout or network error: reading is safe to repeat. */
async function get(request: ImportRequest, opts: FetchOptions): Promise<{ body: string } | BoardFailure> {
  const client = createHttpClient(opts.policy.timeoutMs);
  const url = opts.rebase ? opts.rebase(request.url) : request.url;
  const headers = { accept: 'application/json, application/xml;q=0.9, */*;q=0.5', ...request.headers };
  let last = '';
  for (let n = 0; n <= opts.policy.retries; n++) {
    if (n) await (opts.sleep ?? realSleep)(backoffMs(n - 1, { baseMs: opts.policy.backoffMs }));
    const res = await attempt(client, url, headers);
    if ('body' in res) return res;
    last = res.failed;
    if (!res.retry) break;
  }
  return { failed: `GET ${request.url}: ${last}` };
}

/** Every job of the board `options` name, or why the answer cannot be trusted. */
export async function fetchBoard<O>(importer: Importer<O>, options: O, opts: FetchOptions): Promise<BoardAnswer | BoardFailure> {
  const jobs: AtsJob[] = [];
  const issues: ImportIssue[] = [];
  let request: ImportRequest | undefined = importer.first(options);
  let total: number | undefined;
  for (let page = 0; request; page++) {
    if (page >= (opts.maxPages ?? 1000)) return { failed: `the board has more than ${opts.maxPages ?? 1000} pages; stopped at ${request.url}` };
    const res = await get(request, opts);
    if ('failed' in res) return res;
    const read = importer.parse(res.body, request, options);
    if (isMalformed(read)) return { failed: `GET ${request.url}: the answer is not what ${importer.name} documents (${read.malformed})` };
    issues.push(...read.issues);
    for (const pending of read.pending ?? []) {
      const detail = await get(pending.request, opts);
      if ('failed' in detail) return detail;
      const job = importer.parseDetail?.(detail.body, pending, options);
      if (!job || isMalformed(job))
        return { failed: `GET ${pending.request.url}: the answer is not what ${importer.name} documents${job ? ` (${job.malformed})` : ''}` };
      jobs.push(job.job);
      issues.push(...job.issues);
    }
    jobs.push(...read.jobs);
    total = read.total ?? total;
    opts.onProgress?.(jobs.length);
    request = read.next;
  }
  if (total !== undefined && jobs.length < total) return { failed: `the board says it has ${total} jobs but answered with ${jobs.length}` };
  return { jobs, issues };
}
