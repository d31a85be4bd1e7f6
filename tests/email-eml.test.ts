/**
 * email.eml read back by a real MIME parser (mailparser): headers, charset, CRLF only, line lengths,
 * body equal to email.txt; determinism per role version; the bytes an SMTP server receives; and,
 * property-based, that no posting text can inject a header or break the wrapping rule.
 */
import { sectionsOf } from '../src/compose/description';
import { jobPages } from '../adapters/google/urls';
import { collectBytes } from '../src/artifact-body';
import { renderAll } from '../src/adapter';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { email, primaryList, roleEmail } from '../adapters/email';
import type { PostingEntry } from '../src/adapter';
import { buildProject } from '../src/pipeline/build';
import { renderContext } from '../src/pipeline/context';
import { validateProject } from '../src/pipeline/validate';
import { composeMessage } from '../src/mail/compose';
import type { SiteConfig } from '../src/model/config';
import { MINIMAL_POSTING, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-11-28T12:00:00Z');
const ID = 'ml-infrastructure-engineer';

/** Every header field a message carries, for a role on a list with https + mailto unsubscribe. */
const HEADERS = [
  'content-transfer-encoding',
  'content-type',
  'date',
  'from',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'message-id',
  'mime-version',
  'subject',
  'to',
];

const codePoints = (s: string) => [...s].length;
const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

/** Problems with the raw bytes of a message (empty when fine). */
function rawProblems(raw: Buffer): string[] {
  const s = raw.toString('latin1');
  const problems: string[] = [];
  if (/\r(?!\n)/.test(s)) problems.push('bare CR');
  if (/(?<!\r)\n/.test(s)) problems.push('bare LF');
  if (!s.endsWith('\r\n')) problems.push('no final CRLF');
  if (/[^\x00-\x7f]/.test(s)) problems.push('8-bit byte in a 7-bit message');
  for (const [i, line] of s.split('\r\n').entries()) if (line.length > 78) problems.push(`line ${i + 1} has ${line.length} characters`);
  return problems;
}

const headerKeys = (m: ParsedMail) => m.headerLines.map((h) => h.key).sort();

let project: TempProject;
afterEach(() => project?.cleanup());

describe('every email.eml, parsed with mailparser', () => {
  it('is a well-formed text/plain UTF-8 QP message equal to its email.txt, with the expected headers', async () => {
    const postings = {
      [`${ID}.yaml`]: SHIPPED_POSTING_TEXT,
      'backend-engineer.yaml': MINIMAL_POSTING + 'channels:\n  email: { lists: [engineering-referrals] }\n',
      'unicode-test.yaml': MINIMAL_POSTING.replace('Backend Engineer', 'Ingénieure logiciel 🚀 (m/w/d)').replace(
        'summary: We build',
        'summary: Über uns — we build',
      ),
    };
    project = tempProject(postings);
    const result = await buildProject(await project.open(), { now: NOW });
    const emls = Object.keys(result.manifest.artifacts).filter((p) => p.endsWith('/email.eml'));
    expect(emls).toHaveLength(3);
    for (const rel of emls) {
      const id = rel.split('/')[1]!;
      const raw = readFileSync(path.join(project.outDir, rel));
      const txt = readFileSync(path.join(project.outDir, `jobs/${id}/email.txt`), 'utf8');
      expect({ id, problems: rawProblems(raw) }).toEqual({ id, problems: [] });
      const m = await simpleParser(raw);
      const entry = result.validation.entries.find((e) => e.id === id)!;
      const onList = id !== 'unicode-test';
      expect(headerKeys(m)).toEqual(onList ? HEADERS : HEADERS.filter((h) => !h.startsWith('list-')));
      expect(m.text).toBe(txt);
      expect(m.headers.get('content-type')).toEqual({ value: 'text/plain', params: { charset: 'utf-8' } });
      expect(m.headers.get('content-transfer-encoding')).toBe('quoted-printable');
      expect(m.headers.get('mime-version')).toBe('1.0');
      expect(m.from!.value).toEqual([{ name: 'Example Corp', address: 'jobs@example.com' }]);
      expect(addresses(m.to)).toEqual([onList ? 'engineering-referrals@lists.example.com' : 'jobs@example.com']);
      expect(m.date!.toISOString()).toBe(entry.changedAt.toISOString());
      expect(m.messageId).toBe(`<jobcast.${id}.${entry.hash.slice(0, 16)}@localhost>`);
      expect(m.subject).toBe(`${entry.posting.title} — Example Corp — ${id === ID ? 'Remote (United States)' : 'Berlin, Germany'}`);
      if (onList) {
        expect(m.headers.get('list')).toEqual({
          unsubscribe: {
            url: 'https://lists.example.com/unsubscribe/engineering-referrals',
            mail: 'engineering-referrals-leave@lists.example.com?subject=unsubscribe',
          },
          'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
        });
        // One field listing both targets (RFC 8058), https first.
        expect(m.headerLines.filter((h) => h.key === 'list-unsubscribe')).toHaveLength(1);
        expect(raw.toString()).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
      }
    }
  });

  it('is the same bytes on every build of the same role version, and a new version gets a new Date and Message-ID', async () => {
    project = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
    const eml = () => readFileSync(path.join(project.outDir, 'jobs/backend-engineer/email.eml'));
    await buildProject(await project.open(), { now: NOW });
    const first = eml();
    await buildProject(await project.open(), { now: new Date('2026-11-30T09:00:00Z') });
    expect(eml().equals(first)).toBe(true);
    const later = new Date('2026-12-02T10:00:00Z');
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('max: 90000', 'max: 95000'));
    await buildProject(await project.open(), { now: later });
    const [a, b] = await Promise.all([simpleParser(first), simpleParser(eml())]);
    expect(a.date!.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(b.date!.toISOString()).toBe(later.toISOString());
    expect(b.messageId).not.toBe(a.messageId);
    expect(b.messageId).toMatch(/^<jobcast\.backend-engineer\.[0-9a-f]{16}@localhost>$/);
  });

  it('is exactly what composeMessage gives and what an SMTP server receives when it is sent raw', async () => {
    project = tempProject({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
    const p = await project.open();
    await buildProject(p, { now: NOW });
    const published = readFileSync(path.join(project.outDir, `jobs/${ID}/email.eml`));
    const { entries } = await validateProject(p, { now: NOW });
    const ctx = renderContext(email, p.config, NOW, { pages: jobPages });
    const composed = composeMessage(roleEmail(entries[0]!, ctx, primaryList(entries[0]!.posting, ctx)).spec);
    expect(composed.message.equals(published)).toBe(true);
    expect(composed.envelope).toEqual({ from: 'jobs@example.com', to: ['engineering-referrals@lists.example.com'] });

    const inbox: Buffer[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          inbox.push(Buffer.concat(parts));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.server.address() as AddressInfo;
      const smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      await smtp.sendMail({ envelope: composed.envelope, raw: published });
      smtp.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.equals(published)).toBe(true);
  });
});

describe('posting text cannot inject a header or break the wrapping rule (property-based)', () => {
  // Hostile pieces mixed with arbitrary Unicode: line breaks and header lookalikes, SMTP dot lines,
  // encoded-word lookalikes, controls, bidi overrides, RTL scripts, emoji (astral, ZWJ), long words and URLs.
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        ' ',
        '  ',
        '\t',
        '\r\n',
        '\n',
        '\r',
        '\r\nBcc: victim@example.net\r\n',
        '\nTo: victim@example.net',
        'Subject: x',
        '\r\n.\r\n',
        '.',
        'From ',
        '=?UTF-8?Q?=0D=0ABcc=3A_x=40y.z?=',
        '=',
        '=\r\n',
        '\u0000',
        '\u0007',
        '\u001b[31m',
        '\u007f',
        '\u0085',
        '\u2028',
        '\u2029',
        '\u00a0',
        '\u202e',
        '\u2066',
        '\u202a',
        '\u200f',
        'مرحبا بالعالم',
        'שלום עולם',
        '😀',
        '👩‍👩‍👧‍👦',
        '🇩🇪',
        '中文职位',
        'x'.repeat(100),
        'https://example.com/' + 'a'.repeat(90) + '?q=1&r=2',
        '<script>',
        '"Quoted", <angle@brackets>',
      ),
    },
  );
  const hostile = (maxLength: number) => fc.array(piece, { minLength: 1, maxLength }).map((p) => p.join(''));

  let base: PostingEntry;
  let site: SiteConfig;
  beforeAll(async () => {
    project = tempProject({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
    const p = await project.open();
    base = (await validateProject(p, { now: NOW })).entries[0]!;
    site = p.config;
  });

  /** The role rendered with hostile text in its fields (and, optionally, in the organization name). */
  async function renderHostile(t: Record<'title' | 'summary' | 'item' | 'skill' | 'department' | 'reference', string>, org?: string) {
    const entry: PostingEntry = {
      ...base,
      posting: {
        ...base.posting,
        title: t.title,
        summary: t.summary,
        department: t.department,
        reference: t.reference,
        responsibilities: [t.item, ...sectionsOf(base.posting).flatMap((s) => (s.key === 'responsibilities' ? s.items : []))],
        skills: [t.skill, 'Go'],
      },
    };
    const ctx = renderContext(email, org === undefined ? site : { ...site, organization: { ...site.organization, name: org } }, NOW, { pages: jobPages });
    const [txtArtifact, emlArtifact] = renderAll(email, [entry], ctx).artifacts;
    const txt = (await collectBytes(txtArtifact!.body)).toString('utf8');
    const raw = await collectBytes(emlArtifact!.body);
    return { txt, raw, m: await simpleParser(raw) };
  }

  /** What no text may change: the header fields, the addresses, one-line Subject and From name. */
  function expectIntactHeaders(m: ParsedMail) {
    expect(headerKeys(m)).toEqual(HEADERS);
    expect(m.subject).not.toMatch(/[\r\n\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(m.subject!.endsWith(' — Remote (United States)')).toBe(true);
    expect(addresses(m.to)).toEqual(['engineering-referrals@lists.example.com']);
    expect(m.from!.value.map((v) => v.address)).toEqual(['jobs@example.com']);
    expect(m.from!.value[0]!.name).not.toMatch(/[\r\n\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(m.messageId).toBe(`<jobcast.${ID}.${base.hash.slice(0, 16)}@localhost>`);
    expect(m.headers.get('list')).toEqual({
      unsubscribe: {
        url: 'https://lists.example.com/unsubscribe/engineering-referrals',
        mail: 'engineering-referrals-leave@lists.example.com?subject=unsubscribe',
      },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
  }

  const fields = fc.record({ title: hostile(6), summary: hostile(12), item: hostile(10), skill: hostile(3), department: hostile(3), reference: hostile(3) });

  it('posting text keeps the header set, the addresses and a one-line Subject; the body decodes to email.txt and keeps 72 columns', async () => {
    await fc.assert(
      fc.asyncProperty(fields, async (t) => {
        const { txt, raw, m } = await renderHostile(t);
        expect(rawProblems(raw)).toEqual([]);
        expectIntactHeaders(m);
        expect(m.text).toBe(txt);

        expect(txt.endsWith('\n')).toBe(true);
        expect(txt).not.toMatch(/[\r\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        for (const line of txt.slice(0, -1).split('\n')) {
          expect(line).not.toMatch(/\s$/u);
          if (codePoints(line) > 72) {
            // Only a prefix (bullet, label, indent) and one word without a break point may go past 72.
            const rest = line.replace(/^(?:- |(?:Location|Salary|Employment|Department|Apply by|Reference): +| +)/, '');
            expect({ line, breakable: / /.test(rest) }).toEqual({ line, breakable: false });
          }
        }
        // The fixed parts survive whatever the posting says.
        expect(txt).toContain('\nhttp://localhost:3000/apply/ml-infrastructure-engineer/email\n');
        expect(txt).toContain('\nhttps://lists.example.com/unsubscribe/engineering-referrals\n');
      }),
      { numRuns: 100 },
    );
  });

  it('an organization name (config) cannot inject a header either, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fields, hostile(4), async (t, org) => {
        const { txt, raw, m } = await renderHostile(t, org);
        // A 100-letter word in a display name cannot be folded to 78, so only the hard limits here.
        const s = raw.toString('latin1');
        expect(s).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
        expect(Math.max(...s.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
        expectIntactHeaders(m);
        expect(m.text).toBe(txt);
      }),
      { numRuns: 60 },
    );
  });

  it('encoded-word lookalikes in a title or the organization name stay literal text', async () => {
    const trap = '=?UTF-8?Q?=0D=0ABcc=3A_victim=40example.net?=';
    const { m } = await renderHostile({ title: `Engineer ${trap}`, summary: 'x', item: 'y', skill: 'z', department: 'd', reference: 'r' }, trap);
    expectIntactHeaders(m);
    expect(m.subject!.replace(/\u200b/g, '')).toBe(`Engineer ${trap} — ${trap} — Remote (United States)`);
    expect(m.from!.value[0]!.name.replace(/\u200b/g, '')).toBe(trap);
  });
});
