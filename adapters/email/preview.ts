/**
 * The admin's preview of the email channel (the `preview` hook of src/adapter.ts): the body as the
 * list receives it, 72 columns, and the headers a list member sees (Subject, From, To, …) read back
 * from the published `.eml`.
 */
import type { PostingEntry, PreviewArtifact, PreviewBlock } from '../../src/adapter';

export type HeaderField = { name: string; value: string };

const SHOWN = ['Subject', 'From', 'To', 'Date', 'List-Unsubscribe', 'Message-ID'];

function decodeWord(charset: string, encoding: string, data: string): string {
  const bytes =
    encoding.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        );
  return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`); whitespace between adjacent words is not text. */
export function decodeHeader(value: string): string {
  return value.replace(/(\?=)\s+(?==\?)/g, '$1').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (m, charset: string, enc: string, data: string) => {
    try {
      return decodeWord(charset, enc, data);
    } catch {
      return m;
    }
  });
}

export function emailHeaders(eml: string): HeaderField[] {
  const end = eml.search(/\r?\n\r?\n/);
  const head = (end === -1 ? eml : eml.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const fields = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const shown = SHOWN.find((s) => s.toLowerCase() === name.toLowerCase());
    if (shown && !fields.has(shown)) fields.set(shown, decodeHeader(line.slice(colon + 1).trim()));
  }
  return SHOWN.filter((n) => fields.has(n)).map((name) => ({ name, value: fields.get(name)! }));
}

const mediaType = (a: PreviewArtifact): string => a.contentType.split(';')[0]!.trim().toLowerCase();

/** The entry's body text, then its message headers, in the order the channel wrote them. */
export function emailPreview(entry: PostingEntry, artifacts: readonly PreviewArtifact[]): PreviewBlock[] {
  return artifacts
    .filter((a) => a.posting === entry.id)
    .flatMap((a): PreviewBlock[] => {
      const type = mediaType(a);
      if (type === 'text/plain') return [{ label: `${a.path} (72 columns)`, text: a.body }];
      if (type === 'message/rfc822') return [{ label: `Message headers, from ${a.path}`, headers: emailHeaders(a.body) }];
      return [];
    });
}
