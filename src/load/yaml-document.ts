/**
 * YAML → plain data with a map back to positions, and zod issues → Diagnostics at `file:line:col`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';
import type { IssueParams, RuleIssue } from '../model/posting';
import { closest } from './suggest';
import { yamlErrorDiagnostics } from './yaml-errors';

export interface Located {
  line: number;
  col: number;
  /** Where the node ends (exclusive), when known: editors and annotations underline the range. */
  endLine?: number;
  endCol?: number;
}

/**
 * Where every node of a document starts: value and key positions by field path. Plain data, so a
 * worker thread can parse and the main thread can still point at lines (and it can be cached).
 */
/** `[line, col]`, or `[line, col, endLine, endCol]` with where the node ends. */
type Span = [number, number] | [number, number, number, number];

export interface PositionTable {
  root: Span;
  value: Record<string, Span>;
  key: Record<string, Span>;
}

const located = (s: Span): Located => (s.length === 4 ? { line: s[0], col: s[1], endLine: s[2], endCol: s[3] } : { line: s[0], col: s[1] });

export interface ParsedYaml {
  data: unknown;
  positions: PositionTable;
  /** Where a field path sits in the file: the value, or the nearest ancestor that exists. */
  locate(path: readonly PropertyKey[], which?: 'value' | 'key'): Located;
}

const pathKey = (path: readonly PropertyKey[]): string => path.map(String).join('\u0000');

/** Look a path up: the deepest part of it that exists, its key (when asked and it has one) or value. */
export function locateIn(table: PositionTable, path: readonly PropertyKey[], which: 'value' | 'key' = 'value'): Located {
  for (let i = path.length; i > 0; i--) {
    const k = pathKey(path.slice(0, i));
    const value = table.value[k];
    const key = table.key[k];
    const hit = which === 'key' ? (key ?? value) : (value ?? key);
    if (hit) return located(hit);
  }
  return located(table.root);
}

export const withPositions = (data: unknown, positions: PositionTable): ParsedYaml => ({
  data,
  positions,
  locate: (path, which = 'value') => locateIn(positions, path, which),
});

function positionTable(doc: Document, at: (o: number) => Located): PositionTable {
  const pos = (n: YamlNode | null | undefined): Span | undefined => {
    const r = n?.range;
    if (!r) return undefined;
    const { line, col } = at(r[0]);
    const end = at(r[1]);
    return [line, col, end.line, end.col];
  };
  const root = pos(doc.contents) ?? [1, 1, 1, 1];
  const table: PositionTable = { root, value: {}, key: {} };
  const walk = (node: unknown, path: PropertyKey[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const child = [...path, String(pair.key.value)];
        const k = pathKey(child);
        const kp = pos(pair.key);
        if (kp) table.key[k] = kp;
        if (pair.value !== null && pair.value !== undefined) {
          const vp = pos(pair.value as YamlNode);
          if (vp) table.value[k] = vp;
          walk(pair.value, child);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = [...path, i];
        const vp = pos(item as YamlNode);
        if (vp) table.value[pathKey(child)] = vp;
        walk(item, child);
      });
    }
  };
  walk(doc.contents, []);
  return table;
}

export type YamlResult = { ok: true; yaml: ParsedYaml } | { ok: false; diagnostics: Diagnostic[] };

const MAX_ALIASES = 100;

export function parseYaml(text: string, file: string, what = 'posting'): YamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2', strict: true });
  const at = (offset: number): Located => lineCounter.linePos(offset);
  const diagnostics = yamlErrorDiagnostics(doc.errors, text, file, at);
  if (diagnostics.length) return { ok: false, diagnostics };
  const notMap = notAMap(doc, file, what, at);
  if (notMap) return notMap;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    return fail(
      CODES.YAML_ALIAS,
      `YAML aliases expand too far: ${(err as Error).message}`,
      file,
      { line: 1, col: 1 },
      'write the values out instead of using & anchors and * aliases',
    );
  }
  return { ok: true, yaml: withPositions(data, positionTable(doc, at)) };
}

/** Why a well-formed document is still not a file of keys: it is empty, a list or a single value. */
function notAMap(doc: Document, file: string, what: string, at: (offset: number) => Located): YamlResult | undefined {
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
    return fail(CODES.FILE_EMPTY, `${what} file is empty`, file, { line: 1, col: 1 }, `start from postings/ml-infrastructure-engineer.yaml`);
  }
  if (!isMap(doc.contents)) {
    const kind = isSeq(doc.contents) ? 'a list' : 'a single value';
    return fail(
      CODES.YAML_NOT_MAP,
      `${what} file must be a map of keys (title:, status:, …), not ${kind}`,
      file,
      at(doc.contents.range?.[0] ?? 0),
      'write the fields at the top level, without a leading "- "',
    );
  }
  return undefined;
}

function fail(code: string, message: string, file: string, pos: Located, fix?: string): YamlResult {
  return { ok: false, diagnostics: [{ code, severity: 'error', message, file, ...pos, ...(fix ? { fix } : {}) }] };
}

/** Does the path exist in the data (so the issue is about a value, not a missing key)? */
function hasPath(data: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(String(seg) in cur)) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return true;
}

const fieldPath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** The object schema reached by following `path` through optional/array/union wrappers. */
function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    let x = s;
    for (let i = 0; i < 10 && x; i++) {
      if (x instanceof z.ZodOptional || x instanceof z.ZodNullable || x instanceof z.ZodDefault) x = x.unwrap() as z.ZodType;
      else if (x instanceof z.ZodPipe) x = x.in as z.ZodType;
      else if (x instanceof z.ZodUnion) x = (x.options as z.ZodType[]).find((o) => unwrap(o) instanceof z.ZodObject) ?? (x.options[0] as z.ZodType);
      else break;
    }
    return x;
  };
  for (const seg of path) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodObject) cur = (cur.shape as Record<string, z.ZodType>)[String(seg)];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else return undefined;
  }
  return unwrap(cur);
}

/** `add datePosted: 2026-11-01`, from the "e.g." in the field's description, when it has one. */
function requiredFix(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string | undefined {
  const parent = schemaAt(schema, path.slice(0, -1));
  const key = String(path[path.length - 1] ?? '');
  const field = parent instanceof z.ZodObject ? (parent.shape as Record<string, z.ZodType>)[key] : undefined;
  const example = /\be\.g\.\s+(.+?)(?:;|\.\s|$)/.exec(field?.description ?? '')?.[1]?.trim();
  return example ? `add ${key}: ${example}` : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the text "${value.length > 40 ? value.slice(0, 37) + '…' : value}"`;
  if (value === undefined) return 'nothing';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
};

interface AnyIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  params?: IssueParams;
  /** invalid_key: what is wrong with the key itself. */
  issues?: AnyIssue[];
  errors?: AnyIssue[][];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
}

/** Of a union's branches, the issues of the one that got furthest (deepest paths, fewest complaints). */
function bestBranch(branches: AnyIssue[][]): AnyIssue[] {
  const depth = (issues: AnyIssue[]) => Math.max(0, ...issues.map((i) => i.path.length));
  return [...branches].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0] ?? [];
}

/**
 * Turn zod issues (and rule issues) into Diagnostics at exact positions, with a fix where we can tell.
 * `schema` lets unknown keys be matched against the keys that are allowed at that place.
 */
export function issuesToDiagnostics(
  issues: readonly (AnyIssue | RuleIssue | z.core.$ZodIssue)[],
  yaml: ParsedYaml,
  file: string,
  schema: z.ZodType | undefined,
  base: readonly PropertyKey[] = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of issues as AnyIssue[]) {
    const path = [...base, ...raw.path];
    if (raw.code === 'invalid_union' && raw.errors) out.push(...issuesToDiagnostics(bestBranch(raw.errors), yaml, file, schema, path));
    else if (raw.code === 'invalid_key' && raw.issues?.length) out.push(...keyDiagnostics(raw.issues, path, yaml, file, schema));
    else out.push(...issueDiagnostics(raw, path, { yaml, file, schema }));
  }
  return out;
}

/** A map key that fails its own schema (`salaryByCountry: { USA: … }`): the key's own issues, placed at the key. */
function keyDiagnostics(issues: readonly AnyIssue[], path: PropertyKey[], yaml: ParsedYaml, file: string, schema: z.ZodType | undefined): Diagnostic[] {
  return issuesToDiagnostics(issues, yaml, file, schema, path).map((d) => Object.assign(d, yaml.locate(path, 'key')));
}

/** What placing an issue needs: the document, its file name and the schema it was checked against. */
interface IssueContext {
  yaml: ParsedYaml;
  file: string;
  schema: z.ZodType | undefined;
}

interface Reported {
  code: string;
  message: string;
  fix?: string | undefined;
  /** Point at the key rather than the value. */
  which?: 'value' | 'key';
}

function diagnosticAt(c: IssueContext, path: PropertyKey[], { code, message, fix, which = 'value' }: Reported): Diagnostic {
  return { code, severity: 'error', message, file: c.file, field: fieldPath(path) || '(root)', ...c.yaml.locate(path, which), ...(fix ? { fix } : {}) };
}

/** A key that is not in the file at all. */
function missingKeyAt(c: IssueContext, path: PropertyKey[], reported: Omit<Reported, 'which'>): Diagnostic {
  const d = diagnosticAt(c, path, { ...reported, which: 'key' });
  // Point at the parent that lacks the key.
  return Object.assign(d, c.yaml.locate(path.slice(0, -1), 'key'));
}

function issueDiagnostics(raw: AnyIssue, path: PropertyKey[], c: IssueContext): Diagnostic[] {
  if (raw.params?.jc) {
    const d = diagnosticAt(c, path, { code: raw.params.jc, message: raw.message, fix: raw.params.fix });
    const at = (raw as RuleIssue).at;
    return [at && !hasPath(c.yaml.data, path) ? Object.assign(d, c.yaml.locate(at)) : d];
  }
  switch (raw.code) {
    case 'unrecognized_keys':
      return unknownKeys(raw, path, c);
    case 'invalid_type':
      return [invalidType(raw, path, c)];
    case 'invalid_value':
      return [invalidValue(raw, path, c)];
    // The words come from the parse's error map (src/model/issue-messages.ts) or the schema.
    case 'too_small':
    case 'too_big':
      return [diagnosticAt(c, path, { code: raw.origin === 'number' || raw.origin === 'int' ? CODES.FIELD_RANGE : CODES.FIELD_LENGTH, message: raw.message })];
    default:
      return [diagnosticAt(c, path, { code: CODES.FIELD_FORMAT, message: raw.message })];
  }
}

function unknownKeys(raw: AnyIssue, path: PropertyKey[], c: IssueContext): Diagnostic[] {
  const allowed = schemaAt(c.schema, path);
  const keys = allowed instanceof z.ZodObject ? Object.keys(allowed.shape) : [];
  return (raw.keys ?? []).map((key) => {
    const guess = closest(key, keys);
    return diagnosticAt(c, [...path, key], {
      code: CODES.FIELD_UNKNOWN,
      message: `unknown key "${key}"`,
      fix: guess ? `did you mean ${guess}?` : keys.length ? `allowed here: ${keys.join(', ')}` : undefined,
      which: 'key',
    });
  });
}

function invalidType(raw: AnyIssue, path: PropertyKey[], c: IssueContext): Diagnostic {
  if (raw.input === undefined && !hasPath(c.yaml.data, path)) {
    const message = `${String(path[path.length - 1] ?? 'value')} is required`;
    return missingKeyAt(c, path, { code: CODES.FIELD_REQUIRED, message, fix: requiredFix(c.schema, path) });
  }
  const expected = TYPE_NAMES[raw.expected ?? ''] ?? raw.expected ?? 'another type';
  return diagnosticAt(c, path, { code: CODES.FIELD_TYPE, message: `must be ${expected}, got ${describe(raw.input)}`, fix: typeFix(raw) });
}

/** What to write instead of a value of the wrong type, where the mistake is a common one. */
function typeFix(raw: AnyIssue): string | undefined {
  if (raw.expected === 'string' && (typeof raw.input === 'number' || typeof raw.input === 'boolean')) return `put it in quotes: "${String(raw.input)}"`;
  if (raw.expected === 'array' && raw.input !== null && typeof raw.input !== 'object')
    return `write a list: [${typeof raw.input === 'string' ? raw.input : JSON.stringify(raw.input)}]`;
  if (raw.expected === 'number' && typeof raw.input === 'string' && /^[\d,._ ]+$/.test(raw.input))
    return `write the number without quotes or separators: ${raw.input.replace(/[,_ ]/g, '')}`;
  if (raw.expected === 'boolean') return 'write true or false';
  if (raw.input === null) return 'write a value after the colon or dash, or delete the empty entry';
  return undefined;
}

function invalidValue(raw: AnyIssue, path: PropertyKey[], c: IssueContext): Diagnostic {
  const values = (raw.values ?? []).map(String);
  if (raw.input === undefined && !hasPath(c.yaml.data, path)) {
    const key = String(path[path.length - 1] ?? 'value');
    return missingKeyAt(c, path, { code: CODES.FIELD_REQUIRED, message: `${key} is required: one of ${values.join(', ')}`, fix: `add ${key}: ${values[0]}` });
  }
  const guess = typeof raw.input === 'string' ? closest(raw.input, values) : undefined;
  return diagnosticAt(c, path, {
    code: CODES.FIELD_ENUM,
    message: `must be one of ${values.join(', ')}; got ${describe(raw.input)}`,
    fix: guess ? `did you mean ${guess}?` : undefined,
  });
}
