/**
 * XML built from objects, never from string templates: a feed is a tree of `el(...)` values and the
 * serializer is the only code that writes markup, so escaping cannot be forgotten in one place.
 *
 * Board feeds can hold hundreds of thousands of jobs (LinkedIn allows 500k per file; a V8 string
 * stops near 512 MiB), so `xmlDocument` streams: it yields the header, then one serialized item at a
 * time, then the footer, and the build writes each chunk to the file as it comes.
 */
import type { BodyFragment, FragmentedBody } from '../adapter';
import { assertXmlName, cdataSection, escapeAttribute, escapeText, feedText, XML_DECLARATION } from './escape';

export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: readonly (readonly [string, string])[];
  readonly children: readonly XmlNode[];
  /** Written `<x/>` when it has no children (src/xml/read.ts keeps how a document it read wrote it). */
  readonly selfClosing?: true;
}
export interface XmlText {
  readonly kind: 'text';
  readonly value: string;
}
export interface XmlCData {
  readonly kind: 'cdata';
  readonly value: string;
}
export type XmlNode = XmlElement | XmlText | XmlCData;

/**
 * Element content: nodes, strings and numbers (escaped text), and nested lists. `undefined`, `null`,
 * `false` and `''` are skipped, so an optional field is just `value && el(...)` with no branching.
 */
export type XmlContent = XmlNode | string | number | null | undefined | false | readonly XmlContent[];

/** Attribute values; `undefined` leaves the attribute out. Insertion order is output order. */
export type XmlAttributes = Readonly<Record<string, string | number | undefined>>;

const text = (value: string): XmlText => ({ kind: 'text', value });
export const cdata = (value: string): XmlCData => ({ kind: 'cdata', value });

function toNodes(content: XmlContent): XmlNode[] {
  if (content === undefined || content === null || content === false || content === '') return [];
  if (typeof content === 'string') return [text(content)];
  if (typeof content === 'number') return [text(numberText(content))];
  if (Array.isArray(content)) return (content as readonly XmlContent[]).flatMap(toNodes);
  return [content as XmlNode];
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} into XML`);
  return String(n);
}

export function el(name: string, content?: XmlContent, attributes: XmlAttributes = {}): XmlElement {
  const attrs = Object.entries(attributes)
    .filter((a): a is [string, string | number] => a[1] !== undefined)
    .map(([k, v]) => [assertXmlName(k), typeof v === 'number' ? numberText(v) : v] as const);
  return { kind: 'element', name: assertXmlName(name), attributes: attrs, children: toNodes(content) };
}

/**
 * `<name><![CDATA[value]]></name>` for a text value (docs/channels.md: every text value in CDATA), or
 * nothing when the value is absent. An empty string still gives the element: Indeed's remote
 * convention needs `<state></state>` present.
 */
export function cdataEl(name: string, value: string | undefined): XmlElement | undefined {
  return value === undefined ? undefined : el(name, cdata(value));
}

const isElement = (n: XmlNode): n is XmlElement => n.kind === 'element';

/**
 * Layout choices beyond the defaults, for documents whose bytes were fixed before they came through
 * this writer (the sitemap, and the `rss` package's output read back in adapters/rss.ts).
 */
export interface XmlStyle {
  /** Escape `"` and `'` in text too (see escapeText in src/xml/escape.ts). */
  readonly quotesInText?: boolean;
  /** Start the root element on the declaration's line instead of the next one. */
  readonly rootOnDeclarationLine?: boolean;
}

/**
 * One node as markup. Elements whose children are all elements are indented one per line; anything
 * with text is written inline, so no whitespace is ever added to a value. Empty elements are written
 * `<x></x>` rather than `<x/>` (unless read back from a document that wrote `<x/>`): Indeed documents
 * the empty form, and naive consumers read it more reliably.
 */
export function serialize(node: XmlNode, indent = '  ', depth = 0, style: XmlStyle = {}): string {
  if (node.kind === 'text') return escapeText(node.value, { quotes: style.quotesInText === true });
  if (node.kind === 'cdata') return feedText(node.value) === '' ? '' : cdataSection(node.value);
  const attrs = node.attributes.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  const close = `</${node.name}>`;
  if (node.children.length === 0) return node.selfClosing ? `<${node.name}${attrs}/>` : `<${node.name}${attrs}>${close}`;
  const open = `<${node.name}${attrs}>`;
  if (indent && node.children.every(isElement)) {
    const inner = indent.repeat(depth + 1);
    return `${open}\n${node.children.map((c) => inner + serialize(c, indent, depth + 1, style)).join('\n')}\n${indent.repeat(depth)}${close}`;
  }
  return open + node.children.map((c) => serialize(c, '', 0, style)).join('') + close;
}

/** A whole small document as one string (the declaration, then the root element). */
export function serializeDocument(root: XmlElement, indent = '  ', style: XmlStyle = {}): string {
  return `${XML_DECLARATION}${style.rootOnDeclarationLine ? '' : '\n'}${serialize(root, indent, 0, style)}\n`;
}

export interface XmlDocumentSpec<T> {
  root: string;
  attributes?: XmlAttributes;
  /** Elements before the items (`<lastBuildDate>`, `<publisher>` …). */
  head?: XmlContent;
  items: Iterable<T>;
  /** The element(s) of one item; several for Indeed's one `<job>` per location. */
  item(item: T): XmlContent;
  /**
   * The posting an item belongs to, when its elements depend on that posting, the config and the
   * code alone: the document is then a FragmentedBody, whose unchanged items the build copies.
   */
  posting?: (item: T) => string;
  indent?: string;
  style?: XmlStyle;
}

/**
 * A document written lazily, one chunk per item, so its size is bounded by the disk, not by memory.
 * The result can be iterated more than once (each pass renders afresh), so the build, a preview and
 * a test can all read the same body.
 */
export function xmlDocument<T>(spec: XmlDocumentSpec<T>): Iterable<string> {
  const parts = documentParts(spec);
  const iterable = { [Symbol.iterator]: () => writeDocument(parts) };
  const posting = spec.posting;
  if (!posting) return iterable;
  const fragments: FragmentedBody['fragments'] = {
    head: parts.head,
    items: { [Symbol.iterator]: () => fragmentsOf(spec.items, posting, parts.item) },
    tail: parts.tail,
  };
  return Object.assign(iterable, { fragments });
}

interface DocumentParts<T> {
  head: () => string;
  items: Iterable<T>;
  /** An item's chunk; '' when it has no elements. */
  item: (item: T) => string;
  tail: () => string;
}

function documentParts<T>(spec: XmlDocumentSpec<T>): DocumentParts<T> {
  const indent = spec.indent ?? '  ';
  const line = (n: XmlNode) => `${indent}${serialize(n, indent, 1, spec.style)}\n`;
  return {
    head: () => {
      const shell = el(spec.root, undefined, spec.attributes);
      const open = serialize(shell, '').slice(0, -`</${spec.root}>`.length);
      return `${XML_DECLARATION}\n${open}\n${toNodes(spec.head).map(line).join('')}`;
    },
    items: spec.items,
    item: (item) => toNodes(spec.item(item)).map(line).join(''),
    tail: () => `</${spec.root}>\n`,
  };
}

function* writeDocument<T>(parts: DocumentParts<T>): Generator<string, void, undefined> {
  yield parts.head();
  for (const item of parts.items) {
    const chunk = parts.item(item);
    if (chunk) yield chunk;
  }
  yield parts.tail();
}

function* fragmentsOf<T>(items: Iterable<T>, posting: (item: T) => string, render: (item: T) => string): Generator<BodyFragment> {
  for (const item of items) yield { posting: posting(item), render: () => render(item) };
}
