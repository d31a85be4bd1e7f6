/**
 * One place that turns a message description into RFC 5322 bytes, with nodemailer's composer (stream
 * transport: nothing is sent, CRLF line ends). The `.eml` artifact and SMTP delivery both use it, so
 * delivery can send exactly the bytes the build published (nodemailer `raw:` with an envelope).
 *
 * Composition is async (nodemailer encodes through streams), while adapters must render synchronously;
 * `messageBody` bridges the two: an artifact body that composes only when the build writes it.
 */
import nodemailer from 'nodemailer';
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

// File and URL access off: content is always a string we built; no option can make compose read anything.
const composer = nodemailer.createTransport({
  streamTransport: true,
  buffer: true,
  newline: 'windows',
  disableFileAccess: true,
  disableUrlAccess: true,
});

const ONE_CLICK = 'List-Unsubscribe=One-Click';

function unsubscribeTargets(u: MessageSpec['unsubscribe']): string[] {
  const out: string[] = [];
  if (u?.url) out.push(u.url);
  if (u?.mailto) out.push(`mailto:${u.mailto}?subject=unsubscribe`);
  return out;
}

export async function composeMessage(spec: MessageSpec): Promise<ComposedMessage> {
  const targets = unsubscribeTargets(spec.unsubscribe);
  const info = await composer.sendMail({
    from: { name: headerText(spec.from.name ?? ''), address: spec.from.address },
    to: spec.to,
    subject: headerText(spec.subject),
    // CRLF before encoding: nodemailer's QP soft-wrapping only recognises CRLF as a line end; with bare
    // LF it soft-breaks short lines mid-sentence (still decodes right, but the raw message reads badly).
    text: spec.text.replace(/\r\n?|\n/g, '\r\n'),
    // QP even for ASCII-only bodies (nodemailer would pick 7bit): one encoding for every message keeps
    // transport lines ≤ 76 and survives any relay, 8BITMIME or not.
    encoding: 'quoted-printable',
    // Q-encoded words for non-ASCII headers: readable in the raw message.
    textEncoding: 'quoted-printable',
    date: spec.date,
    messageId: spec.messageId,
    // Nested array: one List-Unsubscribe field listing both targets, as RFC 8058 expects.
    ...(targets.length ? { list: { unsubscribe: [targets] } } : {}),
    ...(spec.unsubscribe?.url ? { headers: { 'List-Unsubscribe-Post': ONE_CLICK } } : {}),
  });
  if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer stream transport returned a stream despite buffer: true');
  return { message: info.message, envelope: info.envelope, messageId: info.messageId };
}

/**
 * An artifact body that composes `spec` when it is iterated (each iteration composes afresh, so the
 * body can be written more than once). Rendering stays synchronous and does no work up front.
 */
export function messageBody(spec: MessageSpec): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      yield (await composeMessage(spec)).message;
    },
  };
}
