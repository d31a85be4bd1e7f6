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

function loadTemplates(dir: string): ReadonlyMap<string, HandlebarsTemplateDelegate> {
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .sort();
  for (const file of files) {
    const name = file.slice(0, -SUFFIX.length);
    const compiled = compileChecked(readFileSync(path.join(dir, file), 'utf8'), file);
    if (name.startsWith(PARTIAL_PREFIX)) hb.registerPartial(name.slice(PARTIAL_PREFIX.length), compiled);
    else templates.set(name, compiled);
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

/** Render `templates/<name>.html.hbs` with `data`. */
export function renderHtml(name: string, data: { readonly [key: string]: HtmlData }): string {
  const template = templates.get(name);
  if (!template) throw new Error(`no HTML template ${name}${SUFFIX} in ${TEMPLATES_DIR}`);
  return template(cleanStrings(data));
}
