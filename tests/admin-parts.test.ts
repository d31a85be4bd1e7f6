/**
 * The admin's building blocks on their own: reading feeds back (checked against a real XML parser),
 * artifact bodies in every allowed form, secret redaction, email headers, the Google card, sessions,
 * the login throttle and the cross-origin rule.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request } from 'express';
import { parseSetCookie } from 'cookie';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { collectBody } from '../src/artifact-body';
import { LoginThrottle, SessionStore, cookie, isCrossOrigin, readCookie, sameSecret } from '../src/admin/auth';
import { decodeHeader, emailHeaders } from '../adapters/email/preview';
import { googleCard } from '../adapters/google/preview';
import { REDACTED, envNamesIn, redactor, secretValues } from '../src/secrets';
import { fieldsOf, findAll, parseXml, type XmlEl } from '../src/admin/xml-records';
import { buildProject } from '../src/pipeline/build';
import type { SiteConfig } from '../src/model/config';
import { configSchemaFor } from '../src/project';
import { adapters } from '../adapters';
import { notifiers } from '../notifiers';
import { cdataEl, el, xmlDocument } from '../src/xml/writer';
import { MINIMAL_POSTING, SHIPPED_CONFIG_TEXT, SHIPPED_POSTING_TEXT, tempProject } from './helpers/project';

const NOW = new Date('2026-12-01T12:00:00Z');

/** The same tree shape as parseXml, built by saxes: the reference reading. */
function saxesTree(xml: string): XmlEl {
  const root: XmlEl = { name: '#document', attributes: [], children: [] };
  const stack = [root];
  const parser = new SaxesParser();
  parser.on('opentag', (t) => {
    const e: XmlEl = { name: t.name, attributes: Object.entries(t.attributes as Record<string, string>), children: [] };
    stack[stack.length - 1]!.children.push(e);
    if (!t.isSelfClosing) stack.push(e);
  });
  parser.on('closetag', (t) => {
    if (!t.isSelfClosing) stack.pop();
  });
  parser.on('text', (t) => stack[stack.length - 1]!.children.push(t));
  parser.on('cdata', (t) => stack[stack.length - 1]!.children.push(t));
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  return root;
}

/** Adjacent text pieces (text + CDATA) as one string: how they are split is not content. */
function merged(e: XmlEl): XmlEl {
  const children: (XmlEl | string)[] = [];
  for (const c of e.children) {
    const last = children[children.length - 1];
    if (typeof c === 'string' && typeof last === 'string') children[children.length - 1] = last + c;
    else children.push(typeof c === 'string' ? c : merged(c));
  }
  return { ...e, children };
}

describe('reading feeds back', () => {
  it('reads every XML file of a real build exactly as saxes does', async () => {
    const hostile = `${MINIMAL_POSTING.replace('title: Backend Engineer', 'title: "Backend <Engineer> & \\"Ops\\" ]]> 🚀"')}`;
    const tp = tempProject({ 'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT, 'backend-engineer.yaml': hostile });
    try {
      const result = await buildProject(await tp.open(), { now: NOW });
      const xmlFiles = Object.entries(result.manifest.artifacts)
        .filter(([, a]) => /xml/.test(a.contentType))
        .map(([p]) => p);
      expect(xmlFiles).toEqual(expect.arrayContaining(['feeds/linkedin.xml', 'feeds/indeed.xml', 'feeds/jobs.rss', 'sitemap.xml']));
      for (const file of xmlFiles) {
        const xml = readFileSync(path.join(tp.outDir, file), 'utf8');
        expect({ file, tree: merged(parseXml(xml)) }).toEqual({ file, tree: merged(saxesTree(xml)) });
      }
      const indeed = readFileSync(path.join(tp.outDir, 'feeds/indeed.xml'), 'utf8');
      const titles = findAll(parseXml(indeed), new Set(['job'])).map((j) => fieldsOf(j).find((f) => f.name === 'title')!.value);
      expect(titles).toContain('Backend <Engineer> & "Ops" ]]> 🚀');
    } finally {
      tp.cleanup();
    }
  });

  it('gives back any text the XML writer was given, as saxes reads it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), async (a, b) => {
        const xml = await collectBody(
          xmlDocument({ root: 'source', items: [[a, b]], item: ([x, y]) => el('job', [cdataEl('title', x), el('plain', y, { attr: y })]) }),
        );
        const [job] = findAll(parseXml(xml), new Set(['job']));
        const [reference] = findAll(saxesTree(xml), new Set(['job']));
        expect(fieldsOf(job!)).toEqual(fieldsOf(merged(reference!)));
      }),
      { numRuns: 300 },
    );
  });

  it('flattens nested elements and attributes into named fields', () => {
    const [job] = findAll(
      parseXml('<?xml version="1.0"?><!-- c --><r><job><a>1</a><s><x>p</x><x>q</x></s><m k="v &amp; w"/><t k="1">z</t></job></r>'),
      new Set(['job']),
    );
    expect(fieldsOf(job!)).toEqual([
      { name: 'a', value: '1' },
      { name: 's › x', value: 'p' },
      { name: 's › x', value: 'q' },
      { name: 'm @k', value: 'v & w' },
      { name: 't @k', value: '1' },
      { name: 't', value: 'z' },
    ]);
  });

  it('refuses what it cannot read instead of guessing', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/unexpected <\/a>/);
    expect(() => parseXml('<a>')).toThrow(/never closed/);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/unknown entity/);
    expect(() => parseXml('<a><![CDATA[x</a>')).toThrow(/unterminated/);
  });
});

describe('artifact bodies', () => {
  it('collects strings, byte arrays, and sync and async iterables, even with a character split across chunks', async () => {
    const bytes = Buffer.from('héllo 🚀', 'utf8');
    const cut = bytes.length - 2;
    async function* chunks() {
      yield bytes.subarray(0, cut);
      yield bytes.subarray(cut);
      yield ' and more';
    }
    // A view into a larger buffer: only its own bytes are the body.
    const whole = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    const padded = new Uint8Array(whole.buffer, whole.byteOffset + 2, bytes.length);
    expect(await collectBody('plain')).toBe('plain');
    expect(await collectBody(padded)).toBe('héllo 🚀');
    expect(await collectBody(['a', Buffer.from('b'), bytes.subarray(0, cut), bytes.subarray(cut)])).toBe('abhéllo 🚀');
    expect(await collectBody(chunks())).toBe('héllo 🚀 and more');
  });
});

describe('secrets', () => {
  const configSchema = configSchemaFor(adapters, notifiers);
  const config = configSchema.parse({
    organization: { name: 'Example Corp', url: 'https://www.example.com' },
    channels: { email: { smtpUrlEnv: 'SMTP_URL' } },
    notify: { webhooks: [{ name: 'b', url: 'https://b.example.com/hook', secretEnv: 'HOOK_SECRET' }], google: { credentialsEnv: 'GOOGLE_KEY' } },
  }) as SiteConfig;
  const source = { config, configSchema };

  it('finds every env var the config names, through the schemas', () => {
    expect([...envNamesIn(configSchema, config)].sort()).toEqual(['GOOGLE_KEY', 'HOOK_SECRET', 'SMTP_URL']);
  });

  it('redacts env values, URL passwords (encoded or not) and any URL credentials; not short values', () => {
    const env = { SMTP_URL: 'smtp://mailer:p%40ss-w0rd@mail.example.com:587', HOOK_SECRET: 'whsec-123456', ADMIN: 'token-abcdef', GOOGLE_KEY: 'k' };
    const redact = redactor(secretValues(source, env, ['ADMIN']));
    expect(redact('url smtp://mailer:p%40ss-w0rd@mail.example.com:587 here')).toBe(`url smtp://${REDACTED}@mail.example.com:587 here`);
    expect(redact('password p@ss-w0rd or p%40ss-w0rd')).toBe(`password ${REDACTED} or ${REDACTED}`);
    expect(redact('sig whsec-123456, token token-abcdef')).toBe(`sig ${REDACTED}, token ${REDACTED}`);
    expect(redact('see https://user:pw@other.example/x')).toBe(`see https://${REDACTED}@other.example/x`);
    expect(redact('keep mailto:a@b.example and https://example.com/a@b')).toBe('keep mailto:a@b.example and https://example.com/a@b');
    expect(redact('a key and k')).toBe('a key and k');
  });
});

describe('email headers', () => {
  it('decodes encoded words and folded lines, and stops at the body', () => {
    const eml =
      'From: "Example Corp" <jobs@example.com>\r\nSubject: =?UTF-8?Q?ML_Engineer_=E2=80=94_Example?=\r\n =?UTF-8?B?IENvcnAg8J+agA==?=\r\nTo: list@example.com\r\nX-Other: no\r\n\r\nSubject: not a header\r\n';
    expect(emailHeaders(eml)).toEqual([
      { name: 'Subject', value: 'ML Engineer — Example Corp 🚀' },
      { name: 'From', value: '"Example Corp" <jobs@example.com>' },
      { name: 'To', value: 'list@example.com' },
    ]);
    // An unknown charset is read as UTF-8 (libmime, as mail clients do; RFC 2047 §6.2 allows either
    // that or the raw word, which the hand-written decoder showed), and charsets TextDecoder lacks decode.
    expect(decodeHeader('=?x-unknown?Q?abc?=')).toBe('abc');
    expect(decodeHeader('=?cp437?Q?caf=82?=')).toBe('café');
    expect(decodeHeader('=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=')).toBe('日本語');
  });
});

describe('Google card', () => {
  it('shows the panel fields of an onsite role with a salary range', async () => {
    const tp = tempProject(
      { 'backend-engineer.yaml': MINIMAL_POSTING.replace('  - { locality: Berlin', '  - { locality: Berlin, region: BE') },
      SHIPPED_CONFIG_TEXT,
    );
    try {
      await buildProject(await tp.open(), { now: NOW });
      const card = googleCard(readFileSync(path.join(tp.outDir, 'jobs/backend-engineer/jobposting.json'), 'utf8'));
      expect(card.title).toBe('Backend Engineer');
      expect(card.breadcrumb).toBe('http://localhost:3000 › jobs › backend-engineer');
      expect(Object.fromEntries(card.fields.map((f) => [f.label, f.value]))).toMatchObject({
        Company: 'Example Corp',
        Location: 'Berlin, BE, DE',
        Salary: '€70,000–€90,000 a year',
        'Employment type': 'Full-time',
        Posted: '2026-11-01',
        'Apply by': 'no closing date',
      });
      expect(card.snippet).toBe(
        'We build the backend of a job syndication service and need one more engineer who likes correctness. Responsibilities Build and run services',
      );
    } finally {
      tp.cleanup();
    }
  });
});

describe('sessions and login', () => {
  it('expires sessions by the clock and drops the oldest beyond the limit', () => {
    let now = 1000;
    const store = new SessionStore<{ n: number }>(500, 2, () => now);
    const a = store.create();
    expect(store.get(a.id)).toBe(a);
    expect(a.csrf).not.toBe(a.id);
    now = 1499;
    expect(store.get(a.id)).toBe(a);
    now = 1500;
    expect(store.get(a.id)).toBeUndefined();
    const b = store.create();
    const c = store.create();
    const d = store.create();
    expect([store.get(b.id), store.get(c.id), store.get(d.id)]).toEqual([undefined, c, d]);
    expect(store.get(undefined)).toBeUndefined();
  });

  it('drops the least recently used session when full, so one in use stays logged in', () => {
    const store = new SessionStore<{ n: number }>(60_000, 2, () => 1000);
    const a = store.create();
    const b = store.create();
    expect(store.get(a.id)).toBe(a);
    const c = store.create();
    expect([store.get(a.id), store.get(b.id), store.get(c.id)]).toEqual([a, undefined, c]);
  });

  it('slows an address down after repeated wrong tokens, doubling the wait, and forgets after the window', () => {
    let now = 0;
    const throttle = new LoginThrottle(3, 60_000, () => now, 8000);
    for (let i = 0; i < 3; i++) {
      expect(throttle.waitMs('a')).toBe(0);
      throttle.fail('a');
    }
    expect(throttle.waitMs('a')).toBe(1000);
    expect(throttle.waitMs('b')).toBe(0);
    now = 1000;
    expect(throttle.waitMs('a')).toBe(0);
    throttle.fail('a');
    expect(throttle.waitMs('a')).toBe(2000);
    for (let i = 0; i < 5; i++) throttle.fail('a');
    expect(throttle.waitMs('a')).toBe(8000);
    now = 1000 + 60_001;
    expect(throttle.waitMs('a')).toBe(0);
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
  });

  it('marks cookies Secure on https only, and always HttpOnly, SameSite=Strict, Path=/admin', () => {
    const attributes = { name: 's', value: 'v', path: '/admin', maxAge: 60, httpOnly: true, sameSite: 'strict' };
    expect(parseSetCookie(cookie('s', 'v', { maxAgeSeconds: 60, secure: true }))).toEqual({ ...attributes, secure: true });
    expect(parseSetCookie(cookie('s', 'v', { maxAgeSeconds: 60, secure: false }))).toEqual(attributes);
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; jobcast_admin=xyz; b=2', 'jobcast_admin')).toBe('xyz');
    expect(readCookie('xjobcast_admin=1', 'jobcast_admin')).toBeUndefined();
    expect(readCookie(undefined, 'jobcast_admin')).toBeUndefined();
    // Values are percent-decoded (the cookie package's default); ours are base64url, which has no %.
    expect(readCookie('jobcast_admin=x%20y', 'jobcast_admin')).toBe('x y');
    expect(readCookie('jobcast_admin=a; jobcast_admin=b', 'jobcast_admin')).toBe('a');
  });

  it('tells a cross-origin POST from our own forms', () => {
    const req = (headers: Record<string, string>) => ({ get: (h: string) => headers[h.toLowerCase()] }) as unknown as Request;
    const host = { host: 'jobs.example.com' };
    expect(isCrossOrigin(req({ ...host, origin: 'https://jobs.example.com' }))).toBe(false);
    expect(isCrossOrigin(req({ ...host, origin: 'http://jobs.example.com' }))).toBe(false); // TLS ends at a proxy
    expect(isCrossOrigin(req({ ...host, origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossOrigin(req({ ...host, origin: 'https://jobs.example.com.evil.example' }))).toBe(true);
    expect(isCrossOrigin(req({ ...host, origin: 'not a url' }))).toBe(true);
    // no-referrer pages make browsers send Origin: null; Fetch Metadata decides.
    expect(isCrossOrigin(req({ ...host, origin: 'null', 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossOrigin(req({ ...host, origin: 'null', 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(isCrossOrigin(req({ ...host, origin: 'null' }))).toBe(true);
    expect(isCrossOrigin(req({ ...host, 'sec-fetch-site': 'same-site' }))).toBe(true);
    expect(isCrossOrigin(req({ ...host }))).toBe(false);
  });
});
