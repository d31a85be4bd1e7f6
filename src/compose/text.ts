/** Text hygiene shared by every channel. */

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates). */
export const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// Without the `u` flag this scans code units quickly; surrogate pairing is checked separately.
// eslint-disable-next-line no-control-regex -- matching control characters is what this is for
const C0_AND_NONCHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Does `s` hold a code point XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone
 * surrogates)? Nearly all text is clean, and this is called for every string of every feed.
 */
export function hasXmlIllegal(s: string): boolean {
  return C0_AND_NONCHARS.test(s) || !s.isWellFormed();
}

/** Remove what no channel can carry: the code points XML 1.0 forbids (C0 controls, U+FFFE/F, lone surrogates). */
export function cleanText(s: string): string {
  return hasXmlIllegal(s) ? s.replace(XML_ILLEGAL, '') : s;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escape text for HTML element content only: quotes stay as typed, so a board or reader that shows the
 * description's text (Indeed does not decode entities) sees the recruiter's words, not `&#39;`.
 */
export function escapeHtmlText(s: string): string {
  return cleanText(s).replace(/[&<>]/g, (c) => HTML_ESCAPES[c]!);
}
