/**
 * Plain `node:http` requests for server tests. Not `fetch`: undici adds `Cache-Control: no-cache` to
 * conditional requests (so a server rightly answers 200 instead of 304), normalises paths, and
 * decodes bodies. Here the path goes on the wire exactly as given and the body comes back raw.
 */
import http from 'node:http';
import net from 'node:net';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent (still gzip/br encoded when Content-Encoding says so). */
  body: Buffer;
}

export interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
  agent?: http.Agent | false;
}

/** One request to `base` (e.g. http://127.0.0.1:1234) for `rawPath`, sent verbatim. */
export function request(base: string, rawPath: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method ?? 'GET',
        path: rawPath,
        headers: opts.headers ?? {},
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Write one raw HTTP/1.1 request line over a socket (no client-side parsing, escaping or
 * normalisation of the target at all) and return the whole raw response text.
 */
export function rawRequest(base: string, requestLine: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(`${requestLine}\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

/** The status code of a raw response text. */
export function rawStatus(response: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
  if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(response.slice(0, 80))}`);
  return Number(m[1]);
}
