/** Text hygiene shared by every channel. */

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates). */
export const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Does `s` hold a code point XML 1.0 forbids? A plain loop: scanning with the Unicode regex was one of
 * the largest costs of big feeds, and nearly all text is clean.
 */
export function hasXmlIllegal(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c === 0xfffe || c === 0xffff) {
      return true;
    }
  }
  return false;
}

/** Remove what no channel can carry: the code points XML 1.0 forbids (C0 controls, U+FFFE/F, lone surrogates). */
export function cleanText(s: string): string {
  return hasXmlIllegal(s) ? s.replace(XML_ILLEGAL, '') : s;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML element content only: quotes stay as typed, so a board or reader that shows the
 * description's text (Indeed does not decode entities) sees the recruiter's words, not `&#39;`.
 */
export function escapeHtmlText(s: string): string {
  return cleanText(s).replace(/[&<>]/g, (c) => HTML_ESCAPES[c]!);
}

/** Escape text for HTML element content or a quoted attribute. */
export function escapeHtml(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
