/**
 * Reads back the records (`<job>`, `<item>`) of a feed we just rendered, to show a recruiter the
 * fields exactly as a board receives them. The parsing is saxes's, through src/xml/read.ts; anything
 * that is not well-formed throws and the page shows the raw feed instead.
 */
import { readXml } from '../xml/read';
import type { XmlNode } from '../xml/writer';

export interface XmlEl {
  name: string;
  attributes: [string, string][];
  children: (XmlEl | string)[];
}

/** Text and CDATA alike are strings here: which of the two a value came in is not content. */
function toEl(n: XmlNode): XmlEl | string {
  if (n.kind !== 'element') return n.value;
  return { name: n.name, attributes: n.attributes.map(([k, v]): [string, string] => [k, v]), children: n.children.map(toEl) };
}

export function parseXml(source: string): XmlEl {
  return { name: '#document', attributes: [], children: readXml(source).map(toEl) };
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
