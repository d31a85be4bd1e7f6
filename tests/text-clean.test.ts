/**
 * The XML-illegal scanner agrees with the XML 1.0 Char production (checked against the regex), and
 * the character count the boards' length rules use agrees with counting code points by iteration.
 */
import fc from 'fast-check';
import { cleanText, hasXmlIllegal, XML_ILLEGAL } from '../src/compose/text';
import { charLength } from '../src/xml/feed';

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

describe('charLength', () => {
  it('counts what iterating the string yields: a pair is one, a lone surrogate is one', () => {
    const unit = fc.oneof(
      fc.constantFrom('\uD83D', '\uDE80', '🚀', 'é', 'a'),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.string({ unit }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(charLength(a)).toBe([...a].length);
        expect(charLength(b)).toBe([...b].length);
      }),
      { numRuns: 1000 },
    );
  });
});
