/** The XML-illegal scanner agrees with the XML 1.0 Char production (checked against the regex). */
import fc from 'fast-check';
import { cleanText, hasXmlIllegal, XML_ILLEGAL } from '../src/compose/text';

const regexSays = (s: string) => new RegExp(XML_ILLEGAL.source, 'u').test(s);

describe('hasXmlIllegal', () => {
  it('agrees with the XML 1.0 Char regex on arbitrary UTF-16 (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), (a, b) => {
        expect(hasXmlIllegal(a)).toBe(regexSays(a));
        expect(hasXmlIllegal(b)).toBe(regexSays(b));
        expect(cleanText(b)).toBe(b.replace(XML_ILLEGAL, ''));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['tab, LF, CR are fine', 'a\tb\nc\rd', false],
    ['bell is not', 'a\u0007b', true],
    ['U+FFFE is not', 'a\uFFFEb', true],
    ['a pair is fine', 'a🚀b', false],
    ['a lone high surrogate is not', 'a\uD83Db', true],
    ['a lone low surrogate is not', 'a\uDE80b', true],
    ['a high surrogate at the end is not', 'a\uD83D', true],
  ])('%s', (_label, s, illegal) => {
    expect(hasXmlIllegal(s)).toBe(illegal);
  });
});
