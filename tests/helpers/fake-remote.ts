/**
 * A fake remote (Google, IndexNow, WebSub hub, board webhook) on 127.0.0.1 that records every request
 * exactly as received and answers from a script: status codes, Retry-After, hangs and resets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Status it was answered with; undefined while hung or when reset. */
  answered?: number;
}

/** `after`: answer only once it settles (a causal hold, rather than a delay that load can outrun). */
export type Reply =
  { status: number; body?: string; headers?: Record<string, string>; delayMs?: number; after?: Promise<unknown> } | { hang: true } | { reset: true };

export interface FakeRemote {
  url: string;
  requests: Recorded[];
  /** Requests to one path. */
  to(path: string): Recorded[];
  /** Queue replies for a path (used in order; then the default). */
  script(path: string, ...replies: Reply[]): void;
  /** Reply for a path once the script is used up (default 200 `{}`; the token path answers a token); a function answers by the request (its query). */
  otherwise(path: string, reply: Reply | ((request: Recorded) => Reply)): void;
  /** Resolves when `n` requests have arrived in total. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeRemote(): Promise<FakeRemote> {
  const requests: Recorded[] = [];
  const scripts = new Map<string, Reply[]>();
  const defaults = new Map<string, Reply | ((request: Recorded) => Reply)>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const hung: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const base = path.split('?')[0]!;
      const record: Recorded = { method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(record);
      for (const w of [...waiters]) {
        if (requests.length < w.n) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const fallback = defaults.get(base);
      const reply: Reply =
        scripts.get(base)?.shift() ??
        (typeof fallback === 'function' ? fallback(record) : fallback) ??
        (base === '/token'
          ? {
              status: 200,
              body: JSON.stringify({ access_token: 'fake-access-token', expires_in: 3600, token_type: 'Bearer' }),
              headers: { 'content-type': 'application/json' },
            }
          : { status: 200, body: '{}', headers: { 'content-type': 'application/json' } });
      if ('hang' in reply) return void hung.push(res);
      if ('reset' in reply) return void req.socket.destroy();
      const answer = () => {
        record.answered = reply.status;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.after) void reply.after.then(answer, answer);
      else if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    to: (p) => requests.filter((r) => r.path.split('?')[0] === p),
    script: (p, ...replies) => scripts.set(p, [...(scripts.get(p) ?? []), ...replies]),
    otherwise: (p, reply) => defaults.set(p, reply),
    waitFor: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise((r) => {
        for (const res of hung) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
