/**
 * The headers a list member sees (Subject, From, To, …) read back from the published `.eml`:
 * libmime unfolds the header block and decodes its RFC 2047 encoded words, as mailparser would.
 */
import libmime from 'libmime';

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
