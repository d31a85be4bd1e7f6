/** wrap(): the 72-column rule of the email body, on examples and on arbitrary text (fast-check). */
import fc from 'fast-check';
import { BREAKABLE_SPACE, codePoints, wrap } from '../src/compose/wrap';

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

describe('wrap', () => {
  it('fills lines up to the width and breaks between words', () => {
    const text = 'aaa bbb ccc ddd eee';
    expect(wrap(text, 11)).toBe('aaa bbb ccc\nddd eee');
    expect(wrap(text, 10)).toBe('aaa bbb\nccc ddd\neee');
  });

  it('gives a bullet a hanging indent: continuation lines line up under the text', () => {
    expect(wrap('Design and implement scalable ML infrastructure', 20, { indent: '- ' })).toBe(
      ['- Design and', '  implement scalable', '  ML infrastructure'].join('\n'),
    );
    expect(wrap('one two three', 9, { indent: 'Key: ', hangingIndent: 1 })).toBe('Key: one\n two\n three');
    expect(wrap('one two three', 9, { indent: 4 })).toBe('    one\n    two\n    three');
  });

  it('keeps a word longer than the width whole, on a line of its own', () => {
    const long = 'x'.repeat(30);
    expect(wrap(`a ${long} b`, 10)).toBe(`a\n${long}\nb`);
    expect(wrap(long, 10, { indent: '- ' })).toBe(`- ${long}`);
  });

  it('puts a long URL on a line of its own even when it would fit after other words', () => {
    const url = 'https://careers.example.com/jobs/x/apply?utm_source=email';
    expect(wrap(`Apply at ${url} today`, 72)).toBe(`Apply at\n${url}\ntoday`);
    // A short link is just a word.
    expect(wrap('see https://ex.co now', 72)).toBe('see https://ex.co now');
  });

  it('counts code points, not UTF-16 units: emoji and astral letters count once', () => {
    const smileys = Array.from({ length: 36 }, () => '😀').join(' ');
    expect(smileys.length).toBeGreaterThan(72);
    expect(codePoints(smileys)).toBe(71);
    expect(wrap(smileys, 72)).toBe(smileys);
    expect(wrap(`${smileys} 😀`, 72).split('\n')).toHaveLength(2);
  });

  it('does not break at no-break spaces', () => {
    expect(wrap('pay CHF\u00a0120,000', 10)).toBe('pay\nCHF\u00a0120,000');
  });

  it('keeps hard line breaks and blank lines, and never leaves trailing spaces', () => {
    expect(wrap('one   two  \n\nthree   ', 72, { indent: '- ' })).toBe('- one two\n\n  three');
    expect(wrap('   ', 72)).toBe('');
  });

  const text = fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000', '😀', '👩‍👩‍👧', 'مرحبا', 'x'.repeat(90), 'https://example.com/' + 'p'.repeat(40)),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));
  const prefix = fc.constantFrom('', '- ', '  ', 'Location:    ');

  it('never loses, splits or reorders a word, never exceeds the width except for one unbreakable word, never ends a line in a space; long URLs stand alone', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 10, max: 80 }), prefix, (t, width, indent) => {
        const out = wrap(t, width, { indent });
        const strip = (line: string, i: number) => (i === 0 ? line.slice(indent.length) : line);
        const lines = out.split('\n');
        // Words (whitespace-separated runs) come out in the same order, none lost or cut.
        const withoutPrefix = lines.map(strip).join('\n');
        expect(words(withoutPrefix)).toEqual(words(t));
        for (const [i, line] of lines.entries()) {
          expect(line).not.toMatch(/\s$/u);
          // wrap's own words: a no-break space joins, so "!\u00a0https://…" is one word.
          const own = strip(line, i).split(BREAKABLE_SPACE).filter(Boolean);
          if (own.some((w) => /^https?:\/\//.test(w) && codePoints(w) > width / 2)) expect(own).toHaveLength(1);
          if (codePoints(line) > width) {
            // The only way past the width: a prefix plus one word that has no break point.
            const body = i === 0 ? line.slice(indent.length) : line.replace(/^ */, '');
            expect(BREAKABLE_SPACE.test(body)).toBe(false);
          }
        }
        if (words(t).length) expect(out.startsWith(indent.trimEnd())).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
