/** Text hygiene shared by every channel. */

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates). */
export const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Remove what no channel can carry: XML-illegal code points and DEL/C1 controls' XML-illegal cousins. */
export function cleanText(s: string): string {
  return s.replace(XML_ILLEGAL, '');
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
