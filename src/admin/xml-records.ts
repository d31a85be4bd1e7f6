/**
 * Reads back the records (`<job>`, `<item>`) of a feed we just rendered, to show a recruiter the
 * fields exactly as a board receives them. Only our own writers' output is read here, so this is a
 * small non-validating reader (elements, attributes, text, CDATA, entities), not a general XML
 * parser; anything it does not understand throws and the page shows the raw feed instead.
 */

export interface XmlEl {
  name: string;
  attributes: [string, string][];
  children: (XmlEl | string)[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|([a-zA-Z]+));/g, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    const named = ENTITIES[name!];
    if (named === undefined) throw new Error(`unknown entity ${m}`);
    return named;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function skipTo(xml: string, from: number, end: string): number {
  const at = xml.indexOf(end, from);
  if (at === -1) throw new Error(`unterminated markup at ${from}`);
  return at + end.length;
}

export function parseXml(source: string): XmlEl {
  // XML's end-of-line handling happens before parsing, CDATA included.
  const xml = source.replace(/\r\n?/g, '\n');
  const root: XmlEl = { name: '#document', attributes: [], children: [] };
  const stack: XmlEl[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i) stack[stack.length - 1]!.children.push(decodeEntities(xml.slice(i, textEnd)));
    if (lt === -1) break;
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = skipTo(xml, lt, ']]>');
      stack[stack.length - 1]!.children.push(xml.slice(lt + 9, end - 3));
      i = end;
    } else if (xml.startsWith('<!--', lt)) {
      i = skipTo(xml, lt, '-->');
    } else if (xml.startsWith('<?', lt)) {
      i = skipTo(xml, lt, '?>');
    } else if (xml.startsWith('<!', lt)) {
      i = skipTo(xml, lt, '>');
    } else if (xml.startsWith('</', lt)) {
      const end = skipTo(xml, lt, '>');
      const name = xml.slice(lt + 2, end - 1).trim();
      const open = stack.pop();
      if (!open || open === root || open.name !== name) throw new Error(`unexpected </${name}>`);
      i = end;
    } else {
      const end = skipTo(xml, lt, '>');
      const inner = xml.slice(lt + 1, end - 1);
      const selfClosing = inner.endsWith('/');
      const body = selfClosing ? inner.slice(0, -1) : inner;
      const name = /^[^\s/>]+/.exec(body)?.[0];
      if (!name) throw new Error(`malformed tag at ${lt}`);
      const attributes = [...body.slice(name.length).matchAll(ATTRIBUTE)].map((m): [string, string] => [
        m[1]!,
        decodeEntities((m[2] ?? m[3] ?? '').replace(/[\t\n]/g, ' ')),
      ]);
      const el: XmlEl = { name, attributes, children: [] };
      stack[stack.length - 1]!.children.push(el);
      if (!selfClosing) stack.push(el);
      i = end;
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  return root;
}

export function findAll(el: XmlEl, names: ReadonlySet<string>, found: XmlEl[] = []): XmlEl[] {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (names.has(c.name)) found.push(c);
    else findAll(c, names, found);
  }
  return found;
}

export type XmlField = { name: string; value: string };

const textOf = (el: XmlEl): string => el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');

/** A record's leaf values in document order, nested names joined with ›, attributes as name@attr. */
export function fieldsOf(record: XmlEl, prefix = ''): XmlField[] {
  const out: XmlField[] = [];
  for (const c of record.children) {
    if (typeof c === 'string') continue;
    const name = prefix ? `${prefix} › ${c.name}` : c.name;
    for (const [attr, value] of c.attributes) out.push({ name: `${name} @${attr}`, value });
    if (c.children.some((x) => typeof x !== 'string')) out.push(...fieldsOf(c, name));
    else {
      const value = textOf(c);
      // `<x a="1"/>` already said everything in its attributes.
      if (value || !c.attributes.length) out.push({ name, value });
    }
  }
  return out;
}
