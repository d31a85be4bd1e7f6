/** The element builder and the streaming document writer every board feed is made with. */
import fc from 'fast-check';
import { cleanXmlText, feedText } from '../src/xml/escape';
import { cdata, cdataEl, el, serialize, serializeDocument, xmlDocument } from '../src/xml/writer';
import { HOSTILE_PIECES, kid, kids, mustParse, parseXml, textOf } from './feeds-support';

describe('el + serialize', () => {
  it('indents element-only content and writes text inline, without adding whitespace to values', () => {
    const job = el('job', [el('title', cdata('ML Engineer')), el('count', 3), el('note', ['a & b ', el('b', 'bold'), ' c'])], { id: 'x"1' });
    expect(serialize(job)).toBe(
      '<job id="x&quot;1">\n' + '  <title><![CDATA[ML Engineer]]></title>\n' + '  <count>3</count>\n' + '  <note>a &amp; b <b>bold</b> c</note>\n' + '</job>',
    );
  });

  it('skips absent content so optional fields need no branching', () => {
    const node = el('job', [undefined, null, false, '', [undefined, [el('a', 'x')]], cdataEl('salary', undefined)], { skip: undefined, keep: 'y' });
    expect(serialize(node)).toBe('<job keep="y">\n  <a>x</a>\n</job>');
  });

  it('writes an empty element as <x></x>, which Indeed’s remote convention needs present', () => {
    expect(serialize(el('job', [cdataEl('state', ''), cdataEl('postalcode', '')]))).toBe('<job>\n  <state></state>\n  <postalcode></postalcode>\n</job>');
    // A value made only of illegal characters is empty too, not an empty CDATA section.
    expect(serialize(cdataEl('city', '\u0008\uFFFE')!)).toBe('<city></city>');
  });

  it('refuses names and numbers that would make a broken document', () => {
    expect(() => el('bad name')).toThrow(/not a usable XML name/);
    expect(() => el('a', undefined, { 'b c': 'x' })).toThrow(/not a usable XML name/);
    expect(() => el('amount', Number.NaN)).toThrow(/cannot write NaN/);
  });

  it('builds well-formed XML from any text in text, CDATA and attributes', () => {
    const s = fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(s, s, s, (a, b, c) => {
        const xml = serializeDocument(el('root', [el('t', a), el('c', cdata(b)), el('e', undefined, { v: c })]));
        const root = mustParse(xml);
        expect(textOf(root, 't')).toBe(feedText(a));
        expect(textOf(root, 'c')).toBe(feedText(b));
        expect(kid(root, 'e')!.attributes.v).toBe(cleanXmlText(c));
      }),
      { numRuns: 200 },
    );
  });
});

describe('xmlDocument', () => {
  const doc = (n: number, onItem?: (i: number) => void) =>
    xmlDocument({
      root: 'source',
      head: [el('publisher', cdata('Example & Co')), undefined],
      items: Array.from({ length: n }, (_, i) => i),
      item: (i) => {
        onItem?.(i);
        return i % 3 === 2 ? undefined : [el('job', el('id', i)), i % 3 === 1 && el('job', el('id', `${i}-b`))];
      },
    });

  it('streams: a header chunk, one chunk per item that has elements, a footer chunk', () => {
    const chunks = [...doc(6)];
    expect(chunks[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<source>\n  <publisher><![CDATA[Example & Co]]></publisher>\n');
    expect(chunks.at(-1)).toBe('</source>\n');
    expect(chunks).toHaveLength(2 + 4);
    expect(chunks[2]).toBe('  <job>\n    <id>1</id>\n  </job>\n  <job>\n    <id>1-b</id>\n  </job>\n');
    const root = mustParse(chunks.join(''));
    expect(kids(root, 'job').map((j) => textOf(j, 'id'))).toEqual(['0', '1', '1-b', '3', '4', '4-b']);
  });

  it('renders lazily, item by item, and can be read more than once', () => {
    const rendered: number[] = [];
    const body = doc(5, (i) => rendered.push(i));
    expect(rendered).toEqual([]);
    const it = body[Symbol.iterator]();
    it.next();
    it.next();
    expect(rendered).toEqual([0]);
    expect([...body].join('')).toBe([...body].join(''));
  });

  it('writes an empty feed as a well-formed empty root', () => {
    const xml = [...xmlDocument({ root: 'jobs', items: [], item: () => undefined })].join('');
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<jobs>\n</jobs>\n');
    expect(parseXml(xml).errors).toEqual([]);
  });
});
