/**
 * The YAML parser's errors as diagnostics: every duplicate key, and of the syntax errors the first,
 * placed where the mistake starts rather than where the parser gave up.
 */
import { Parser, type YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';

/** A 1-based line and column. */
type At = (offset: number) => { line: number; col: number };

/** `errors` of a parsed document as diagnostics, in file order. */
export function yamlErrorDiagnostics(errors: readonly YAMLError[], text: string, file: string, at: At): Diagnostic[] {
  // Duplicate keys are each a real problem; of syntax errors only the first is, the rest cascade from it.
  const syntax = errors.filter((e) => e.code !== 'DUPLICATE_KEY');
  const diagnostics = errors.filter((e) => e.code === 'DUPLICATE_KEY').map((err) => duplicateKey(err, text, file, at));
  const first = syntax[0];
  if (first) diagnostics.push(syntaxError(first, { further: syntax.length - 1, text, file, at }));
  return diagnostics.sort((a, b) => a.line! - b.line! || a.col! - b.col!);
}

function duplicateKey(err: YAMLError, text: string, file: string, at: At): Diagnostic {
  const key = keyAt(text, err.pos[0]);
  return {
    code: CODES.YAML_DUPLICATE_KEY,
    severity: 'error',
    file,
    ...at(err.pos[0]),
    ...(key ? { field: key } : {}),
    message: `${key ? `key "${key}"` : 'a key'} appears twice in the same map; each key may appear once`,
    fix: 'delete or merge the repeated key',
  };
}

/** The first syntax error; `further` counts the ones after it. */
function syntaxError(first: YAMLError, { further, text, file, at }: { further: number; text: string; file: string; at: At }): Diagnostic {
  const more = further > 0 ? ` (${further} further YAML error${further > 1 ? 's' : ''} follow from it)` : '';
  return {
    code: CODES.YAML_SYNTAX,
    severity: 'error',
    file,
    ...at(syntaxErrorStart(first, text)),
    message: `YAML ${first.code}: ${firstLine(first.message)}${more}`,
    fix: yamlFix(first.code, first.message),
  };
}

/** Where an unclosed quote or flow collection was opened: yaml reports it where it gave up, further down. */
function syntaxErrorStart(err: YAMLError, text: string): number {
  if (err.code === 'MISSING_CHAR' && /quote/.test(err.message)) return unclosedQuoteStart(text) ?? err.pos[0];
  const flow = /^Flow (sequence|map)/.exec(err.message);
  if (flow) return unclosedFlowStart(text, err.pos[0], flow[1] === 'sequence' ? '[' : '{') ?? err.pos[0];
  return err.pos[0];
}

const YAML_FIXES: Record<string, string> = {
  BAD_INDENT: 'indent every key of a map by the same number of spaces',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BLOCK_AS_IMPLICIT_KEY: 'put a space after the colon, or quote the text',
  MULTILINE_IMPLICIT_KEY: 'keep a key and its colon on one line',
  UNEXPECTED_TOKEN: 'quote text that starts with a special character (: - [ ] { } # & * ! | > \' " % @ `)',
};

function yamlFix(code: string, message: string): string {
  if (/^Flow sequence/.test(message)) return 'close the list that starts here with ] on the same line, e.g. skills: [Python, Go]';
  if (/^Flow map/.test(message)) return 'close the map that starts here with } on the same line, e.g. { currency: USD, min: 1, max: 2 }';
  if (code === 'MISSING_CHAR') {
    if (/quote/i.test(message)) return 'close the quote that was opened here';
    if (/without - indicator/.test(message)) return 'this line is indented like a list item: add "- " or align it with the keys above';
    return 'close the bracket or quote that was opened here';
  }
  return YAML_FIXES[code] ?? 'check the indentation and quoting of this line';
}

/** The key text at an offset (`status` in `status: closed`). */
function keyAt(text: string, offset: number): string | undefined {
  const m = /^\s*["']?([^"':\n]+?)["']?\s*:/.exec(text.slice(offset, offset + 200));
  return m?.[1];
}

/** The last `open` bracket before `before` that is not closed on its line (yaml reports the line after). */
function unclosedFlowStart(text: string, before: number, open: '[' | '{'): number | undefined {
  const close = open === '[' ? ']' : '}';
  const lines = text.slice(0, before).split('\n');
  let offset = before;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    offset -= line.length + (i < lines.length - 1 ? 1 : 0);
    let depth = 0;
    for (let j = line.length - 1; j >= 0; j--) {
      if (line[j] === close) depth++;
      else if (line[j] === open && depth-- === 0) return offset + j;
    }
  }
  return undefined;
}

/** Start of a quoted scalar that never closes (yaml reports the error at the end of the file). */
function unclosedQuoteStart(text: string): number | undefined {
  for (const token of new Parser().parse(text)) {
    const found = findUnclosed(token);
    if (found !== undefined) return found;
  }
  return undefined;
}

function findUnclosed(token: unknown): number | undefined {
  if (!token || typeof token !== 'object') return undefined;
  const t = token as { type?: string; offset?: number; source?: string };
  if ((t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && typeof t.source === 'string') {
    const q = t.type === 'double-quoted-scalar' ? '"' : "'";
    if (t.source.length < 2 || !t.source.endsWith(q) || (q === '"' && /(^|[^\\])(\\\\)*\\"$/.test(t.source))) return t.offset;
  }
  for (const value of Object.values(token)) {
    if (Array.isArray(value)) {
      for (const v of value) {
        const r =
          findUnclosed(v) ??
          findUnclosed((v as { key?: unknown })?.key) ??
          findUnclosed((v as { value?: unknown })?.value) ??
          findUnclosed((v as { sep?: unknown })?.sep);
        if (r !== undefined) return r;
      }
    } else if (value && typeof value === 'object') {
      const r = findUnclosed(value);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

const firstLine = (s: string): string => s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
