/**
 * XML read back into the writer's own nodes (src/xml/writer.ts), with saxes, a strict parser nobody
 * here wrote: the admin reads a feed's records with it (src/admin/xml-records.ts) and the RSS
 * channel re-serializes the `rss` package's output through it (adapters/rss.ts). Entities, CDATA,
 * line ends and attribute whitespace are decoded by the parser, so no entity table lives here.
 */
import { SaxesParser } from 'saxes';
import type { XmlElement, XmlNode } from './writer';

type Building = { kind: 'element'; name: string; attributes: [string, string][]; children: XmlNode[]; selfClosing?: true };

/**
 * What went wrong, in words that name the markup: saxes says where ("1:10: unexpected close
 * tag."), the source around that position says what.
 */
function explain(error: Error, source: string, position: number): string {
  const found = /^(\d+:\d+): (.*)$/s.exec(error.message);
  const [where, what] = found ? [found[1]!, found[2]!] : ['?', error.message];
  const before = source.slice(0, position);
  const unclosed = /^unclosed tag: (.*)$/.exec(what);
  if (unclosed) return `<${unclosed[1]}> is never closed (${where})`;
  if (what === 'unexpected close tag.' || what.startsWith('unmatched closing tag')) {
    return `unexpected ${/<\/[^<>]*>$/.exec(before)?.[0] ?? 'close tag'} (${where})`;
  }
  if (what === 'undefined entity.') return `unknown entity ${/&[^&;]*;$/.exec(before)?.[0] ?? ''} (${where})`;
  if (what === 'unexpected end.') return `unterminated markup at the end (${where})`;
  return `${what} (${where})`;
}

/**
 * The nodes of a whole document in order: the root element and the whitespace around it (comments,
 * processing instructions and the doctype are not content and are left out). Throws on anything that
 * is not well-formed.
 */
export function readXml(source: string): XmlNode[] {
  const top: XmlNode[] = [];
  const open: Building[] = [];
  const add = (n: XmlNode) => (open.length ? open[open.length - 1]!.children : top).push(n);
  const parser = new SaxesParser({ position: true });
  // The end of input can raise several errors at once; an unterminated construct explains the rest.
  let ending = false;
  const atEnd: string[] = [];
  parser.on('error', (err) => {
    const message = explain(err, source, parser.position);
    if (!ending) throw new Error(message);
    atEnd.push(message);
  });
  parser.on('opentag', (tag) => {
    const e: Building = { kind: 'element', name: tag.name, attributes: Object.entries(tag.attributes as Record<string, string>), children: [] };
    add(e);
    if (tag.isSelfClosing) e.selfClosing = true;
    else open.push(e);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) open.pop();
  });
  parser.on('text', (value) => add({ kind: 'text', value }));
  parser.on('cdata', (value) => add({ kind: 'cdata', value }));
  parser.write(source);
  ending = true;
  parser.close();
  if (atEnd.length) throw new Error(atEnd.find((m) => m.startsWith('unterminated')) ?? atEnd[0]);
  return top;
}

/** The document's root element. */
export function readXmlRoot(source: string): XmlElement {
  const root = readXml(source).find((n): n is XmlElement => n.kind === 'element');
  if (!root) throw new Error('the document has no root element');
  return root;
}

/**
 * The element without the whitespace a pretty-printer put between child elements, so the writer can
 * lay it out again; text beside no element (a value, even one of only spaces) is kept.
 */
export function withoutIndentation(e: XmlElement): XmlElement {
  const hasElements = e.children.some((c) => c.kind === 'element');
  const children = e.children
    .filter((c) => !(hasElements && c.kind === 'text' && /^[ \t\r\n]*$/.test(c.value)))
    .map((c) => (c.kind === 'element' ? withoutIndentation(c) : c));
  return { ...e, children };
}
