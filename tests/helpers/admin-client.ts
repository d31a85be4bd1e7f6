/** A minimal browser for the admin: plain HTTP requests, cookies read by hand, forms posted back. */
import http, { type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function request(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<Reply> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  const headers = {
    ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...opts.headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const cookieValue = (reply: Reply, name: string): string | undefined =>
  (reply.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

export const hidden = (html: string, name: string): string => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name} in:\n${html}`);
  return m[1]!;
};

/** Post the login form as a browser would (its CSRF cookie and field), with extra headers (a proxy's). */
export async function postLogin(base: string, token: string, headers: Record<string, string> = {}): Promise<Reply> {
  const form = await request(base, 'GET', '/admin/login', { headers });
  const loginCookie = cookieValue(form, 'jobcast_admin_login')!;
  return request(base, 'POST', '/admin/login', {
    headers: { ...headers, cookie: `jobcast_admin_login=${loginCookie}`, origin: base },
    form: { login_csrf: hidden(form.body, 'login_csrf'), next: '/admin/', token },
  });
}
