/**
 * Whole-word search without building a regex per needle: compiling case-insensitive Unicode regexes
 * per posting and needle was the top cost of 10k-role builds.
 */

const WORD_CHAR = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;

export interface WordOptions {
  /** Compare case-sensitively (short codes like "IT" vs "it"). */
  caseSensitive?: boolean;
  /** Characters that may not touch the match: letters and digits (default) or letters only. */
  boundary?: 'letters-digits' | 'letters';
}

/** Does `needle` occur in `haystack` as a whole word (whitespace in either counts as one space)? */
export function containsWord(haystack: string, needle: string, opts: WordOptions = {}): boolean {
  const fold = (s: string) => {
    const spaced = s.replace(/\s+/g, ' ').trim();
    return opts.caseSensitive ? spaced : spaced.toLowerCase();
  };
  const h = fold(haystack);
  const n = fold(needle);
  if (!n) return false;
  const touches = (ch: string | undefined) => ch !== undefined && (opts.boundary === 'letters' ? LETTER : WORD_CHAR).test(ch);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    if (!touches(charBefore(h, i)) && !touches(charAt(h, i + n.length))) return true;
  }
  return false;
}

/** The code point ending just before `i` (a surrogate pair counts as one character). */
function charBefore(s: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = s.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s[i - 1];
}

function charAt(s: string, i: number): string | undefined {
  if (i >= s.length) return undefined;
  const cp = s.codePointAt(i)!;
  return String.fromCodePoint(cp);
}
