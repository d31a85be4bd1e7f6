/**
 * The admin's preview of the email channel (the `preview` hook of src/adapter.ts): the body as the
 * list receives it, 72 columns, and the headers a list member sees (Subject, From, To, …) read back
 * from the published `.eml` — libmime unfolds the header block and decodes its RFC 2047 encoded
 * words, as mailparser would.
 */
import libmime from 'libmime';
import type { PostingEntry, PreviewArtifact, PreviewBlock } from '../../src/adapter';

export type HeaderField = { name: string; value: string };

const SHOWN = ['Subject', 'From', 'To', 'Date', 'List-Unsubscribe', 'Message-ID'];

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`) as text; an unknown charset is read as UTF-8. */
export const decodeHeader = (value: string): string => libmime.decodeWords(value);

export function emailHeaders(eml: string): HeaderField[] {
  const end = eml.search(/\r?\n\r?\n/);
  const fields = libmime.decodeHeaders(end === -1 ? eml : eml.slice(0, end), { skipPrototypeKeys: true });
  return SHOWN.flatMap((name) => {
    const first = fields[name.toLowerCase()]?.[0];
    return first === undefined ? [] : [{ name, value: decodeHeader(first) }];
  });
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
