/**
 * Word wrapping for plain-text output (the email body). Widths count code points, not UTF-16 units,
 * so an emoji counts once; a word is never split, because a split URL or address stops working and a
 * split word reads as two.
 */

/**
 * Spaces a line may break at: JS `\s` without the no-break spaces (U+00A0, U+2007, U+202F) and the
 * BOM, which join what they separate (`CHF 120,000`). `\n` is not here: it is a hard break.
 */
export const BREAKABLE_SPACE = /[\t\v\f\r \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]+/;

const URL_START = /^[<(["']?(?:https?:\/\/|mailto:|www\.)/i;

export interface WrapOptions {
  /** Prefix of the first line (`- ` for a bullet, `Salary:     ` for a label), or a number of spaces. */
  indent?: string | number;
  /** Prefix of every later line; default: spaces as wide as `indent`, which makes a hanging indent. */
  hangingIndent?: string | number;
}

export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const prefixOf = (p: string | number): string => (typeof p === 'number' ? ' '.repeat(p) : p);

/**
 * `text` wrapped to lines of at most `width` code points, prefix included. A word that cannot fit
 * stays whole on a line of its own, and a long URL (over half the width) always gets its own line so
 * it can be copied in one piece. Each `\n` in `text` is a hard break; blank lines between text stay
 * blank, leading and trailing ones go. Lines never end in whitespace; no trailing newline.
 */
export function wrap(text: string, width: number, opts: WrapOptions = {}): string {
  const first = prefixOf(opts.indent ?? '');
  const rest = opts.hangingIndent === undefined ? ' '.repeat(codePoints(first)) : prefixOf(opts.hangingIndent);
  const out: string[] = [];
  const longUrl = (w: string, len: number) => len > width / 2 && URL_START.test(w);
  for (const hard of text.split('\n')) {
    const words = hard.split(BREAKABLE_SPACE).filter(Boolean);
    if (!words.length) {
      // Blank lines separate; they never lead, so the first line always carries `indent`.
      if (out.length) out.push('');
      continue;
    }
    let line = out.length ? rest : first;
    let len = codePoints(line);
    let empty = true;
    // A long URL ends its line too, so nothing is glued after it.
    let closed = false;
    for (const w of words) {
      const wl = codePoints(w);
      const alone = longUrl(w, wl);
      if (!empty && (closed || alone || len + 1 + wl > width)) {
        out.push(line);
        line = rest;
        len = codePoints(rest);
        empty = true;
      }
      line += (empty ? '' : ' ') + w;
      len += (empty ? 0 : 1) + wl;
      empty = false;
      closed = alone;
    }
    out.push(line);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.map((l) => l.trimEnd()).join('\n');
}
