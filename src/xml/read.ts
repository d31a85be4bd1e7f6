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

/** Where an element is in a document: `[start, end)` of its markup, and `indented` where the whitespace before it starts. */
export interface ElementSpan {
  start: number;
  end: number;
  indented: number;
}

/** Input is read this much at a time, so a search for an element near the top stops there. */
const SPAN_CHUNK = 4096;

/**
 * The span of the first element at `path` (names from the root down, e.g. rss, channel,
 * lastBuildDate), found by the parser, so markup inside text or CDATA is never taken for it; the
 * rest of the document is not read. Undefined when there is none before the document ends.
 */
export function elementSpan(source: string, path: readonly string[]): ElementSpan | undefined {
  const parser = new SaxesParser({ position: true });
  const open: string[] = [];
  let opened = -1;
  let found: ElementSpan | undefined;
  parser.on('error', (err) => {
    throw new Error(explain(err, source, parser.position));
  });
  parser.on('opentag', (tag) => {
    if (found) return;
    const depth = open.length;
    if (!tag.isSelfClosing) open.push(tag.name);
    if (depth + 1 !== path.length || tag.name !== path[depth] || !open.slice(0, depth).every((n, i) => n === path[i])) return;
    // The parser stands just past the tag's `>`: its start is the `<` that opened it.
    const start = source.lastIndexOf('<', parser.position - 1);
    if (tag.isSelfClosing) found = spanOf(source, start, parser.position);
    else opened = start;
  });
  parser.on('closetag', (tag) => {
    if (tag.isSelfClosing || found) return;
    open.pop();
    if (opened >= 0 && open.length === path.length - 1) found = spanOf(source, opened, parser.position);
  });
  for (let at = 0; at < source.length && !found; at += SPAN_CHUNK) parser.write(source.slice(at, at + SPAN_CHUNK));
  return found;
}

function spanOf(source: string, start: number, end: number): ElementSpan {
  let indented = start;
  while (indented > 0 && ' \t\r\n'.includes(source[indented - 1]!)) indented--;
  return { start, end, indented };
}
