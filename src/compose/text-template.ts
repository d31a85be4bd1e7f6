/**
 * Plain-text templates (`templates/*.txt.hbs`): a handlebars instance of their own, so nothing
 * registered for HTML reaches them and their unescaped output is never mistaken for HTML. Escaping is
 * off (the output is not markup) and strict mode is on (a misspelt field is an error, not a blank).
 * Since nothing is escaped, every value must go through `plainText` first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from '../util/package-root';
import { cleanText } from './text';
import { codePoints, wrap } from './wrap';

/** Line width of plain-text output: leaves room for `> ` quoting within the 78 of RFC 5322. */
const TEXT_WIDTH = 72;

const hb = Handlebars.create();

const numberOr = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** `{{wrap text indent="- " hanging=2 width=72}}`: the text wrapped by `wrap` (see wrap.ts). */
hb.registerHelper('wrap', (text: unknown, options: Handlebars.HelperOptions) => {
  const { indent, hanging, width } = options.hash as { indent?: string | number; hanging?: string | number; width?: number };
  return wrap(String(text), numberOr(width, TEXT_WIDTH), {
    ...(indent !== undefined ? { indent } : {}),
    ...(hanging !== undefined ? { hangingIndent: hanging } : {}),
  });
});

/** `{{underline text "="}}`: a rule as wide as the longest line of the wrapped text. */
hb.registerHelper('underline', (text: unknown, char: unknown) => {
  const widest = Math.max(0, ...wrap(String(text), TEXT_WIDTH).split('\n').map(codePoints));
  return (typeof char === 'string' && char ? char : '-').repeat(Math.min(widest, TEXT_WIDTH));
});

const COMPILE_OPTIONS: Parameters<typeof hb.compile>[1] = {
  noEscape: true,
  strict: true,
  preventIndent: true,
  // Templates may call the built-ins and the two helpers above, nothing registered later.
  knownHelpersOnly: true,
  knownHelpers: { wrap: true, underline: true },
};

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * The compiled template `templates/<name>`, read and compiled once. Read synchronously so adapters
 * can load their templates at module load and stay pure while rendering; a syntax error throws here.
 */
export function textTemplate(name: string): (data: object) => string {
  let tpl = cache.get(name);
  if (!tpl) {
    const source = readFileSync(path.join(TEMPLATES_DIR, name), 'utf8');
    hb.parse(source);
    tpl = hb.compile(source, COMPILE_OPTIONS);
    cache.set(name, tpl);
  }
  const compiled = tpl;
  return (data) => finishText(compiled(data));
}

/** Bidi embeddings, overrides and isolates: they can make text display in another order than it reads. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** C0 (but LF), DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is what this is for
const CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;
/** Spaces other than the plain one and the no-break ones (see BREAKABLE_SPACE in wrap.ts). */
const ODD_SPACES = /[\t\v\f\u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]/g;

/**
 * A value as safe plain text: LF line ends, no control characters, no bidi controls, every breakable
 * space a plain space (so a reader and `wrap` agree on where words end), NFC.
 */
export function plainText(s: string): string {
  return cleanText(s).replace(/\r\n?/g, '\n').replace(ODD_SPACES, ' ').replace(CONTROLS, '').replace(BIDI_CONTROLS, '').normalize('NFC');
}

/** A value as one line of plain text: line breaks become spaces, runs of spaces one. */
export const plainLine = (s: string): string =>
  plainText(s)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();

/** Template output tidied: no trailing spaces, at most one blank line in a row, one final newline. */
function finishText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n*$/, '\n');
}
