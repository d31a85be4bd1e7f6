/**
 * The one XML escaper every feed uses (docs/channels.md, "What every feed and page guarantees"). Cleaning is part of
 * every escape function rather than a step callers remember: one stray U+0008 pasted from Word would
 * make a board reject the whole file, so no text reaches a feed without going through here.
 */
import { cleanText } from '../compose/text';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Remove code points XML 1.0 cannot carry at all, not even as character references. */
export function cleanXmlText(s: string): string {
  return cleanText(s);
}

/**
 * Clean, then write line breaks as LF. Every XML parser turns a literal CR (or CRLF) into LF before it
 * reads the document, and CDATA cannot hold a character reference, so LF is what a reader would get
 * anyway; normalising here makes what we write equal to what every consumer reads.
 */
export function feedText(s: string): string {
  const clean = cleanXmlText(s);
  return clean.includes('\r') ? clean.replace(/\r\n?/g, '\n') : clean;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
// Attribute values are whitespace-normalised by parsers: tab, LF and CR survive only as references.
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const QUOTED_TEXT_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', "'": '&apos;' };

/**
 * Element content outside CDATA. `>` is escaped too, so `]]>` can never appear in text. With
 * `quotes`, `"` and `'` become references as well: the sitemap and the `xml` package under `rss` have
 * always written them so, and their bytes must not change.
 */
export function escapeText(s: string, { quotes = false }: { quotes?: boolean } = {}): string {
  return quotes ? feedText(s).replace(/[&<>"']/g, (c) => QUOTED_TEXT_ESCAPES[c]!) : feedText(s).replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]!);
}

/** A double-quoted attribute value, without the quotes. */
export function escapeAttribute(s: string): string {
  return cleanXmlText(s).replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

/**
 * A complete CDATA section. `]]>` would end it early, so each occurrence is split across two sections
 * (`]]]]><![CDATA[>`), which parsers concatenate back into the original text.
 */
export function cdataSection(s: string): string {
  return `<![CDATA[${feedText(s).split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

// XML 1.0 Name, restricted to what our vocabularies use (ASCII letters, digits, - _ . and one prefix).
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;

/** Element and attribute names come from code, never from data; a bad one is a programming error. */
export function assertXmlName(name: string): string {
  if (!NAME.test(name)) throw new Error(`not a usable XML name: ${JSON.stringify(name)}`);
  return name;
}
