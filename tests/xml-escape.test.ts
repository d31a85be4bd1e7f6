/** The shared XML escaper: text, attributes and CDATA round-trip through a strict parser (saxes). */
import fc from 'fast-check';
import { assertXmlName, cdataSection, cleanXmlText, escapeAttribute, escapeText, feedText } from '../src/xml/escape';
import { HOSTILE_PIECES, LONE_SURROGATE, parseXml } from './feeds-support';

/** Any string, weighted towards the characters that break feeds. */
const anyText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

const RUNS = { numRuns: 300 };

function readBack(xml: string): { text: string; attr: string | undefined; errors: string[] } {
  const { root, errors } = parseXml(xml);
  return { text: root?.text ?? '', attr: root?.attributes.v, errors };
}

describe('cleanXmlText', () => {
  it('removes exactly the code points XML 1.0 cannot carry', () => {
    const illegal = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'];
    const legal = ['\t', '\n', '\r', ' ', '\u007F', '\u0085', '\uD7FF', '\uE000', '\uFFFD', '🚀', '\u{10FFFF}', 'é', '\u202E'];
    for (const c of illegal) expect(cleanXmlText(`a${c}b`)).toBe('ab');
    for (const c of legal) expect(cleanXmlText(`a${c}b`)).toBe(`a${c}b`);
    // A high surrogate followed by a low one is one astral character, not two lone halves.
    expect(cleanXmlText('\uD83D\uDE80')).toBe('🚀');
    expect(cleanXmlText('\uDE80\uD83D')).toBe('');
  });

  it('is what a strict parser needs: the raw characters really are fatal', () => {
    // Shows the parser used throughout is strict enough for these tests to mean something.
    for (const c of ['\u0008', '\uFFFE', '\uFFFF', '\uDC00']) {
      expect(parseXml(`<a>x${c}y</a>`).errors).not.toEqual([]);
      expect(parseXml(`<a>${escapeText(`x${c}y`)}</a>`).errors).toEqual([]);
    }
    // saxes lets a lone high surrogate through, hence the separate check every feed test makes.
    expect(LONE_SURROGATE.test(`<a>x\uD800y</a>`)).toBe(true);
    expect(LONE_SURROGATE.test(`<a>${escapeText('x\uD800y')}${cdataSection('\uD800')}</a>`)).toBe(false);
    expect(LONE_SURROGATE.test('🚀')).toBe(false);
  });
});

describe('escapeText', () => {
  it('round-trips any text (less illegal code points, line breaks as LF)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const xml = `<a>${escapeText(s)}</a>`;
        const r = readBack(xml);
        expect(r.errors).toEqual([]);
        expect(LONE_SURROGATE.test(xml)).toBe(false);
        expect(r.text).toBe(cleanXmlText(s).replace(/\r\n?/g, '\n'));
      }),
      RUNS,
    );
  });

  it('escapes & < > and never leaves "]]>"', () => {
    expect(escapeText('a & b < c > d ]]> "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d ]]&gt; "e" \'f\'');
    expect(escapeText('&amp;')).toBe('&amp;amp;');
  });
});

describe('escapeAttribute', () => {
  it('round-trips any text exactly, tabs and line breaks included', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const xml = `<a v="${escapeAttribute(s)}"/>`;
        const r = readBack(xml);
        expect(r.errors).toEqual([]);
        expect(LONE_SURROGATE.test(xml)).toBe(false);
        expect(r.attr).toBe(cleanXmlText(s));
      }),
      RUNS,
    );
  });

  it('escapes quotes, apostrophes and whitespace a parser would normalise', () => {
    expect(escapeAttribute(`a"b'c<d>&\t\n\r`)).toBe('a&quot;b&apos;c&lt;d&gt;&amp;&#9;&#10;&#13;');
  });
});

describe('cdataSection', () => {
  it('splits every "]]>", not just the first', () => {
    expect(cdataSection('a ]]> b ]]> c')).toBe('<![CDATA[a ]]]]><![CDATA[> b ]]]]><![CDATA[> c]]>');
    expect(cdataSection(']]>]]>')).toBe('<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>');
  });

  it('round-trips any text (less illegal code points, line breaks as LF)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const xml = `<a>${cdataSection(s)}</a>`;
        const r = readBack(xml);
        expect(r.errors).toEqual([]);
        expect(LONE_SURROGATE.test(xml)).toBe(false);
        expect(r.text).toBe(feedText(s));
      }),
      RUNS,
    );
  });

  it('keeps HTML raw inside (boards want <p>, not &lt;p&gt;)', () => {
    expect(cdataSection('<p>R&amp;D</p>')).toBe('<![CDATA[<p>R&amp;D</p>]]>');
  });
});

describe('assertXmlName', () => {
  it('accepts our vocabulary and rejects anything that could come from data', () => {
    for (const ok of ['job', 'partnerJobId', 'salary_min', 'atom:link', 'xmlns:job', 'a.b-c']) expect(assertXmlName(ok)).toBe(ok);
    for (const bad of ['', '1job', 'a b', 'a:b:c', '<x>', 'job"', 'ü']) expect(() => assertXmlName(bad)).toThrow(/not a usable XML name/);
  });
});
