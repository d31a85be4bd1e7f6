/**
 * HTML pages from the handlebars templates in `templates/` (`<name>.html.hbs`; `_<name>.html.hbs` are
 * partials). One isolated instance shared by every channel that renders HTML:
 * - strict: a misspelt variable throws instead of silently rendering nothing;
 * - default escaping: `{{x}}` is the only way text gets in; the one triple-stash a template may use is
 *   for output that a serializer made safe for its context (the JSON-LD script);
 * - knownHelpersOnly: templates only lay out data the caller prepared, so no helper can be registered
 *   later and change what a template does;
 * - every string passed in goes through `cleanText`, so characters HTML cannot carry never reach a page.
 * Templates are read and compiled once, when this module loads; a syntax error fails at startup.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from '../util/package-root';
import { cleanText } from './text';

const SUFFIX = '.html.hbs';
const PARTIAL_PREFIX = '_';
const COMPILE_OPTIONS: CompileOptions = { strict: true, knownHelpersOnly: true };

/** Plain data a template can read: no class instances, no functions (handlebars prototype rules). */
export type HtmlData = string | number | boolean | null | undefined | readonly HtmlData[] | { readonly [key: string]: HtmlData };

const hb = Handlebars.create();

function compileChecked(source: string, file: string): HandlebarsTemplateDelegate {
  try {
    // handlebars compiles lazily on first call; precompiling here surfaces syntax and helper errors now.
    hb.precompile(source, COMPILE_OPTIONS);
  } catch (err) {
    throw new Error(`template ${file}: ${(err as Error).message}`, { cause: err });
  }
  return hb.compile(source, COMPILE_OPTIONS);
}

const partials = new Map<string, HandlebarsTemplateDelegate>();

function loadTemplates(dir: string): ReadonlyMap<string, HandlebarsTemplateDelegate> {
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .sort();
  for (const file of files) {
    const name = file.slice(0, -SUFFIX.length);
    const compiled = compileChecked(readFileSync(path.join(dir, file), 'utf8'), file);
    if (name.startsWith(PARTIAL_PREFIX)) {
      hb.registerPartial(name.slice(PARTIAL_PREFIX.length), compiled);
      partials.set(name.slice(PARTIAL_PREFIX.length), compiled);
    } else templates.set(name, compiled);
  }
  return templates;
}

const templates = loadTemplates(TEMPLATES_DIR);

/** Names of the page templates available (for tests that render every template). */
export const htmlTemplateNames = (): string[] => [...templates.keys()];

function cleanStrings(value: HtmlData): HtmlData {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)]));
  }
  return value;
}

function templateOf(name: string, from: ReadonlyMap<string, HandlebarsTemplateDelegate> = templates): HandlebarsTemplateDelegate {
  const template = from.get(name);
  if (!template) throw new Error(`no HTML template ${from === partials ? PARTIAL_PREFIX : ''}${name}${SUFFIX} in ${TEMPLATES_DIR}`);
  return template;
}

/** Render `templates/<name>.html.hbs` with `data`. */
export function renderHtml(name: string, data: { readonly [key: string]: HtmlData }): string {
  return templateOf(name)(cleanStrings(data));
}

/** A list a page shows one item per posting of, each item rendered by a partial of its own. */
export interface HtmlList {
  /** The key of `data` the template iterates (`{{#each jobs}}`). */
  key: string;
  /** The partial that renders one item, alone on its line inside the `#each` (`{{> listing-item}}`). */
  partial: string;
  /** Each item's posting and its data, made only when the item is rendered. */
  items: readonly { posting: string; data: () => HtmlData }[];
}

/** A page as a head, one fragment per posting and a tail: the shape of the adapter contract's FragmentedBody. */
export interface HtmlListBody extends Iterable<string> {
  readonly fragments: {
    readonly head: () => string;
    readonly items: Iterable<{ readonly posting: string; render(): string }>;
    readonly tail: () => string;
  };
}

// Cannot occur in rendered text: every string is cleaned of control characters (cleanText).
const ITEM_MARK = '\u0000jobcast-list-item\u0000';

/**
 * `renderHtml` of a page listing one item per posting, as a FragmentedBody (src/adapter.ts): the build copies an
 * unchanged posting's item from the previous file instead of rendering it (src/pipeline/fragment-file.ts).
 * Its bytes are renderHtml's with the same items: the head and tail are the page rendered with one
 * item whose partial yields a mark, split at the mark. With no items it is the page as a string.
 */
export function renderHtmlList(name: string, data: { readonly [key: string]: HtmlData }, list: HtmlList): string | HtmlListBody {
  if (!list.items.length) return renderHtml(name, { ...data, [list.key]: [] });
  const template = templateOf(name);
  const item = templateOf(list.partial, partials);
  let frame: [head: string, tail: string] | undefined;
  const split = (): [string, string] => {
    if (frame) return frame;
    const page = template(cleanStrings({ ...data, [list.key]: [{}] }), { partials: { [list.partial]: () => ITEM_MARK } });
    const at = page.indexOf(ITEM_MARK);
    if (at < 0 || page.indexOf(ITEM_MARK, at + 1) >= 0)
      throw new Error(`template ${name}${SUFFIX} must render the partial ${list.partial} once per item of ${list.key}`);
    return (frame = [page.slice(0, at), page.slice(at + ITEM_MARK.length)]);
  };
  const fragments: HtmlListBody['fragments'] = {
    head: () => split()[0],
    items: list.items.map((i) => ({ posting: i.posting, render: () => item(cleanStrings(i.data())) })),
    tail: () => split()[1],
  };
  const body = {
    *[Symbol.iterator]() {
      yield fragments.head();
      for (const f of fragments.items) yield f.render();
      yield fragments.tail();
    },
  };
  return Object.assign(body, { fragments });
}
