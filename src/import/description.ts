/**
 * An ATS's HTML description read into the posting's plain-text structure with a real HTML parser
 * (htmlparser2): the opening paragraphs become `summary`; each list under a heading becomes one of
 * the four lists when its heading says which (its own heading and the paragraphs between heading
 * and list kept as `heading` and `intro`). Structure it cannot place stays as text: a list under an
 * unknown heading, or paragraphs after the lists, join the summary as paragraphs, so nothing is lost.
 */
import { DomUtils, parseDocument } from 'htmlparser2';

// The node types of htmlparser2's own DOM (domhandler, which it re-exports the helpers of).
type ChildNode = ReturnType<typeof parseDocument>['children'][number];
type Element = Extract<ChildNode, { name: string; attribs: unknown }>;
const { isTag, isText } = DomUtils;

export type ListKey = 'responsibilities' | 'qualifications' | 'preferredQualifications' | 'benefits';

export interface ImportedList {
  heading?: string;
  intro?: string;
  items: string[];
}

export interface ImportedDescription {
  summary: string;
  lists: Partial<Record<ListKey, ImportedList>>;
}

/** Which list a heading names, in the order checked (preferred before plain qualifications). */
const KEYS: readonly [ListKey, RegExp][] = [
  ['preferredQualifications', /nice to have|preferred|bonus|plus if|plus:|atouts|wünschenswert|von vorteil|pluspunkte/i],
  ['benefits', /benefit|perk|we offer|what we offer|why join|avantages|wir bieten|was wir bieten|ce que nous offrons/i],
  ['qualifications', /qualif|requirement|you have|you bring|about you|who you are|skills|profil|was du mitbringst|ihr profil|dein profil|anforderungen/i],
  ['responsibilities', /responsib|what you.ll do|what you will do|duties|your role|the role|aufgaben|missions|deine aufgaben|ihre aufgaben|vos missions/i],
];

const BLOCK = new Set(['p', 'div', 'section', 'article', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'blockquote']);
const HEADING = /^h[1-6]$/;

type Block = { kind: 'heading' | 'para'; text: string } | { kind: 'list'; items: string[] };

const isElement = (n: ChildNode): n is Element => isTag(n);

/** The text of a node, with spaces where blocks and line breaks were, collapsed to one line. */
function textOf(n: ChildNode): string {
  if (isText(n)) return n.data;
  if (!isElement(n) || n.name === 'script' || n.name === 'style') return '';
  const inner = n.children.map(textOf).join('');
  return BLOCK.has(n.name) ? ` ${inner} ` : inner;
}
const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A paragraph that is only bold text ("<p><strong>Benefits</strong></p>") reads as a heading. */
function isBoldLine(el: Element): boolean {
  const kids = el.children.filter((c) => !(isText(c) && !c.data.trim()));
  return kids.length === 1 && isElement(kids[0]!) && ['strong', 'b'].includes(kids[0].name) && clean(textOf(el)).length <= 120;
}

/** The description's blocks in reading order: headings, paragraphs and lists, nested containers opened. */
function blocksOf(nodes: readonly ChildNode[], out: Block[] = []): Block[] {
  let inline = '';
  const flush = () => {
    if (clean(inline)) out.push({ kind: 'para', text: clean(inline) });
    inline = '';
  };
  for (const n of nodes) {
    if (!isElement(n)) {
      if (isText(n)) inline += n.data;
      continue;
    }
    if (!BLOCK.has(n.name)) {
      inline += textOf(n);
      continue;
    }
    flush();
    if (HEADING.test(n.name) || (n.name === 'p' && isBoldLine(n))) out.push({ kind: 'heading', text: clean(textOf(n)) });
    else if (n.name === 'ul' || n.name === 'ol') out.push({ kind: 'list', items: listItems(n) });
    else if (n.name === 'p' || n.name === 'li') out.push({ kind: 'para', text: clean(textOf(n)) });
    else if (n.name !== 'br') blocksOf(n.children, out);
  }
  flush();
  return out.filter((b) => b.kind === 'list' || b.text);
}

const listItems = (el: Element): string[] =>
  el.children
    .filter((c): c is Element => isElement(c) && c.name === 'li')
    .map((li) => clean(textOf(li)))
    .filter(Boolean);

const keyFor = (heading: string | undefined): ListKey | undefined => (heading ? KEYS.find(([, re]) => re.test(heading))?.[0] : undefined);

/** The description as summary and lists (see the file comment for what goes where). */
export function importDescription(html: string): ImportedDescription {
  const blocks = blocksOf(parseDocument(html, { decodeEntities: true }).children);
  const summary: string[] = [];
  const lists: Partial<Record<ListKey, ImportedList>> = {};
  let heading: string | undefined;
  let intro: string[] = [];
  const keep = () => {
    // Text under a heading that led to no list of ours: kept, heading first, as summary paragraphs.
    if (heading) summary.push(heading);
    summary.push(...intro);
  };
  for (const b of blocks) {
    if (b.kind === 'heading') {
      keep();
      [heading, intro] = [b.text, []];
    } else if (b.kind === 'para') intro.push(b.text);
    else if (b.kind === 'list' && b.items.length) {
      const key = keyFor(heading);
      if (key && !lists[key]) {
        lists[key] = { ...(heading ? { heading: heading.replace(/:$/, '') } : {}), ...(intro.length ? { intro: intro.join(' ') } : {}), items: b.items };
      } else {
        keep();
        summary.push(...b.items);
      }
      [heading, intro] = [undefined, []];
    }
  }
  keep();
  return { summary: summary.join('\n\n'), lists };
}
