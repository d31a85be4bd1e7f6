/**
 * composeMessage calls nodemailer's header builder and quoted-printable encoder directly instead of
 * `sendMail` on a stream transport. For any message description — Unicode and control characters
 * in names, subjects and bodies, whitespace at line ends, long lines, CR and LF in any mix, every
 * unsubscribe form — it gives the bytes, envelope and Message-ID `sendMail` gives.
 */
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { composeMessage, messageFields, type MessageSpec } from '../src/mail/compose';

/** What composeMessage did before: the same fields through nodemailer's stream transport, with its `list` option. */
async function viaSendMail(spec: MessageSpec): Promise<{ message: Buffer; envelope: unknown; messageId: string }> {
  const targets = [
    ...(spec.unsubscribe?.url ? [spec.unsubscribe.url] : []),
    ...(spec.unsubscribe?.mailto ? [`mailto:${spec.unsubscribe.mailto}?subject=unsubscribe`] : []),
  ];
  const info = await transport.sendMail({
    ...messageFields(spec),
    ...(targets.length ? { list: { unsubscribe: [targets] } } : {}),
    ...(spec.unsubscribe?.url ? { headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } } : {}),
  });
  return { message: info.message as Buffer, envelope: info.envelope, messageId: info.messageId };
}
const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', disableFileAccess: true, disableUrlAccess: true });

/** Text with what QP and header encoding must get right: non-ASCII, controls, `=`, spaces and tabs before line ends, length. */
const awkward = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 10 },
  {
    arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\t', '=', '.', '\n', '\r', 'é', '—', '€', '😀', '\u0000', '\u202e', '?'), maxLength: 200 }),
    weight: 10,
  },
  {
    arbitrary: fc
      .array(fc.constantFrom('word', 'längeres', 'x'.repeat(90), '  ', '\t', '\n', '\r\n', '=?UTF-8?Q?x?=', '£81,000'), { maxLength: 60 })
      .map((p) => p.join(' ')),
    weight: 10,
  },
  // Past the encoder's 64 KiB slices, ending in whitespace it holds back.
  {
    arbitrary: fc.tuple(fc.constantFrom('ab ', 'é\t', 'x', 'line \n'), fc.integer({ min: 20_000, max: 30_000 })).map(([unit, n]) => `${unit.repeat(n)}  `),
    weight: 1,
  },
);
const address = fc.constantFrom('jobs@example.com', 'eng@lists.example.com', 'a.b+c@sub.example.org');
const spec: fc.Arbitrary<MessageSpec> = fc.record(
  {
    from: fc.record({ name: awkward, address }, { requiredKeys: ['address'] }),
    to: address,
    subject: awkward,
    text: awkward,
    date: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    messageId: fc.stringMatching(/^[a-z0-9.-]{1,60}$/).map((s) => `<jobcast.${s}@localhost>`),
    unsubscribe: fc.record(
      {
        url: fc.constantFrom('https://jobs.example.com/unsubscribe?list=eng&t=a1b2', 'http://localhost:3000/u/x y', 'https://x.example.com/<a>\u0007b'),
        mailto: fc.constantFrom('unsubscribe@example.com', 'eng-leave@lists.example.com'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['from', 'to', 'subject', 'text', 'date', 'messageId'] },
);

describe('composeMessage', () => {
  it('gives the bytes, envelope and Message-ID nodemailer sendMail gives, for any message', async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const want = await viaSendMail(s);
        const got = composeMessage(s);
        expect(got.message.toString('latin1')).toBe(want.message.toString('latin1'));
        expect(got.envelope).toEqual(want.envelope);
        expect(got.messageId).toBe(want.messageId);
      }),
      { numRuns: 300 },
    );
  });

  it('ends every line with CRLF and keeps transport lines within 78 characters', () => {
    const m = composeMessage({
      from: { name: 'Example Corp', address: 'jobs@example.com' },
      to: 'eng@lists.example.com',
      subject: 'Staff Registered Nurse — Example Corp — London, United Kingdom',
      text: `${'Lange Zeile mit Umlauten äöü und Leerzeichen am Ende   \n'.repeat(3)}${'x'.repeat(300)}\nend`,
      date: new Date('2026-10-07T00:00:00Z'),
      messageId: '<jobcast.a.b@localhost>',
      unsubscribe: { url: 'https://jobs.example.com/unsubscribe?list=eng', mailto: 'unsubscribe@example.com' },
    }).message.toString('latin1');
    expect(m.endsWith('\r\n')).toBe(true);
    expect(m.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of m.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(m).toContain('List-Unsubscribe: <https://jobs.example.com/unsubscribe?list=eng>,\r\n <mailto:unsubscribe@example.com?subject=unsubscribe>');
  });
});
