/**
 * One place that turns a message description into RFC 5322 bytes, with nodemailer's composer (nothing
 * is sent, CRLF line ends). The `.eml` artifact and SMTP delivery both use it, so delivery can send
 * exactly the bytes the build published (nodemailer `raw:` with an envelope).
 *
 * `messageBody` is an artifact body that composes only when the build writes it.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import * as qp from 'nodemailer/lib/qp';
import { plainText } from '../compose/text-template';

export interface MessageSpec {
  from: { name?: string; address: string };
  /** One address: the list the message is for. */
  to: string;
  /** Display text; CR/LF, controls and bidi controls are removed here whatever the caller passes. */
  subject: string;
  /** The text/plain body with LF line ends; sent as UTF-8, quoted-printable. */
  text: string;
  /** Fixed, so the same role version composes to the same bytes. */
  date: Date;
  /** With angle brackets: `<local@host>`. */
  messageId: string;
  /** RFC 2369 List-Unsubscribe targets; an https `url` also makes it RFC 8058 one-click. */
  unsubscribe?: { url?: string | undefined; mailto?: string | undefined };
}

export interface ComposedMessage {
  /** The whole message, CRLF line ends. */
  message: Buffer;
  /** SMTP envelope nodemailer derived from the headers. */
  envelope: { from: string | false; to: string[] };
  messageId: string;
}

/**
 * A header value as one safe line: never a CR/LF a header could be injected through, and no RFC 2047
 * encoded-word lookalike (`=?UTF-8?Q?=0D=0A?=`): nodemailer passes ASCII text through (quoted, in a
 * display name) and readers decode it, CR/LF included. An invisible U+200B between `=` and `?` breaks
 * the lookalike and, being non-ASCII, makes nodemailer encode the whole value itself.
 */
const headerText = (s: string): string => plainText(s).replace(/\s+/g, ' ').trim().replace(/=\?/g, '=\u200B?');

/** The message's fields as nodemailer takes them, List-* headers apart (tests/mail-compose.test.ts gives the same to `sendMail`). */
export function messageFields(spec: MessageSpec) {
  return {
    from: { name: headerText(spec.from.name ?? ''), address: spec.from.address },
    to: spec.to,
    subject: headerText(spec.subject),
    // CRLF before encoding: QP soft-wrapping only recognises CRLF as a line end; with bare LF it
    // soft-breaks short lines mid-sentence (still decodes right, but the raw message reads badly).
    text: spec.text.replace(/\r\n?|\n/g, '\r\n'),
    // QP even for ASCII-only bodies (nodemailer would pick 7bit): one encoding for every message keeps
    // transport lines ≤ 76 and survives any relay, 8BITMIME or not.
    encoding: 'quoted-printable',
    // Q-encoded words for non-ASCII headers: readable in the raw message.
    textEncoding: 'quoted-printable',
    date: spec.date,
    messageId: spec.messageId,
  } as const;
}

/**
 * nodemailer's own header builder and quoted-printable encoder, called directly: what `sendMail` on a
 * stream transport does (compile, List-* headers, headers, QP body, a last line end, CRLF), without
 * its per-message streams. Those cost more than the message (10,000 a build) and made composing
 * async. tests/mail-compose.test.ts shows the bytes equal `sendMail`'s for any spec.
 */
export function composeMessage(spec: MessageSpec): ComposedMessage {
  const targets = unsubscribeTargets(spec.unsubscribe);
  const root = new MailComposer({
    ...messageFields(spec),
    headers: spec.unsubscribe?.url ? { 'List-Unsubscribe-Post': ONE_CLICK } : {},
    // Content is always a string we built; no option can make compose read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  // One List-Unsubscribe field listing both targets, as RFC 8058 expects; added after compiling, as
  // nodemailer adds its `list` option's fields.
  if (targets.length) root.addHeader('List-Unsubscribe', { prepared: true, foldLines: true, value: targets.map(listUrl).join(', ') });
  root.keepBcc = true;
  // The root's content is the text as nodemailer would stream it (none for an empty text).
  const body = typeof root.content === 'string' ? quotedPrintable(root.content) : '';
  const composed = `${root.buildHeaders()}\r\n\r\n${body}`;
  const message = composed.endsWith('\n') ? composed : composed.endsWith('\r') ? `${composed}\n` : `${composed}\r\n`;
  const envelope = root.getEnvelope() as ComposedMessage['envelope'];
  return { message: Buffer.from(message.replace(/\r?\n/g, '\r\n'), 'utf8'), envelope, messageId: root.messageId() };
}

/**
 * The text as nodemailer's quoted-printable encoder stream makes it of the one chunk a string content
 * is, its transform and flush run directly: the encoder holds back whitespace that ends a chunk, so
 * its output differs from encoding and wrapping the whole text at once.
 */
function quotedPrintable(text: string): string {
  const encoder = new qp.Encoder({ binary: false });
  const out: string[] = [];
  encoder.push = (chunk: unknown) => out.push(String(chunk)) > 0;
  const failed = (err?: Error | null) => {
    if (err) throw err;
  };
  encoder._transform(Buffer.from(text, 'utf8'), 'buffer' as BufferEncoding, failed);
  encoder._flush(failed);
  return out.join('');
}

const ONE_CLICK = 'List-Unsubscribe=One-Click';

function unsubscribeTargets(u: MessageSpec['unsubscribe']): string[] {
  const out: string[] = [];
  if (u?.url) out.push(u.url);
  if (u?.mailto) out.push(`mailto:${u.mailto}?subject=unsubscribe`);
  return out;
}

/** A List-* target as nodemailer writes one: controls and angle brackets gone, in `<…>`. */
function listUrl(url: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is what this is for
  const u = url.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '').replace(/[\s<]+|[\s>]+/g, '');
  if (/^(https?|mailto|ftp):/.test(u)) return `<${u}>`;
  if (/^[^@]+@[^@]+$/.test(u)) return `<mailto:${u}>`;
  return `<http://${u}>`;
}

/**
 * An artifact body that composes `spec` when it is iterated (each iteration composes afresh, so the
 * body can be written more than once). Rendering does no work up front.
 */
export function messageBody(spec: MessageSpec): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      yield composeMessage(spec).message;
    },
  };
}
