/**
 * Loading every posting file of a folder. All problems of all files are collected in one pass: a
 * recruiter fixing a typo should see every other mistake in the same run.
 */
import { promises as fs, readFileSync, statSync } from 'node:fs';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import path from 'node:path';
import type { Diagnostic, Place } from '../diagnostics';
import { CODES } from '../errors';
import { FAILURES } from '../failures';
import { PARSE_OPTIONS } from '../model/issue-messages';
import { noSalaryWarning, unpaidPlaceWarnings, wideRangeWarnings } from '../model/pay-transparency';
import { hasPay } from '../model/pay';
import { missingTranslations } from '../model/translate';
import { crossFieldIssues, ID_MAX, ID_PATTERN, type Posting, type PostingSchema } from '../model/posting';
import { factsOf, PostingBody, withPosting, type PostingFacts } from '../model/posting-body';
import type { PostingStore } from './posting-store';
import { displayPath } from './display-path';
import type { ParsedFile } from './parse-file';
import { parseFiles } from './parse-pool';
import type { FileStamp } from './file-stamp';
import { issuesToDiagnostics, locateIn, parseYaml, withPositions, type PositionTable } from './yaml-document';

export interface LoadedPosting {
  id: string;
  /** Absolute path of the source file. */
  absPath: string;
  /** Path as shown to the user. */
  file: string;
  posting: Posting;
  /** sha256 of the source bytes. */
  sourceHash: string;
  locate(field: string): Place;
  /**
   * Kept out of memory — reused from a source cache, or moved to a spill store once validated
   * (LoadOptions.spill): the posting's bytes (`posting` reads them), and what every build reads of it.
   */
  cached?: { body: PostingBody; facts: PostingFacts };
}

/** What validation reads of a posting: its cached facts, else the posting. */
export const factsFor = (p: Pick<LoadedPosting, 'posting' | 'cached'>): PostingFacts => p.cached?.facts ?? factsOf(p.posting);

export interface LoadResult {
  postings: LoadedPosting[];
  diagnostics: Diagnostic[];
}

/** What the file name should have been, for the JC_FILE_NAME fix. */
function suggestId(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ID_MAX)
    .replace(/-+$/, '');
}

function idProblem(id: string): string | undefined {
  if (id.length > ID_MAX) return `is ${id.length} characters; an id has at most ${ID_MAX} (the strictest board's limit for a job id)`;
  if (!ID_PATTERN.test(id)) return 'may use only lowercase a-z, 0-9 and inner hyphens';
  return undefined;
}

function fileNameProblems(id: string, file: string): Diagnostic[] {
  const badId = idProblem(id);
  if (!badId) return [];
  const fix = suggestId(id);
  return [
    {
      code: CODES.FILE_NAME,
      severity: 'error',
      file,
      line: 1,
      col: 1,
      field: '(file name)',
      message: `file name "${id}" is not a valid posting id: it ${badId}`,
      ...(fix ? { fix: `rename the file to ${fix}.yaml` } : {}),
    },
  ];
}

const fieldToPath = (field: string): PropertyKey[] => (field ? field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : []);

/** `locate` over a position table (held only as long as the posting keeps this function). */
const locatorFor =
  (file: string, positions: PositionTable) =>
  (field: string): Place => ({ file, ...locateIn(positions, fieldToPath(field)) });

/**
 * `locate` that re-reads the file on first use. Position tables are most of a loaded posting's
 * memory, and after the channel rules have run they are rarely needed again (a render diagnostic,
 * an admin preview), so large folders drop them (see `onPosting`).
 */
function lazyLocator(absPath: string, file: string): (field: string) => Place {
  let table: PositionTable | undefined;
  return (field) => {
    if (!table) {
      let text: string;
      try {
        text = readFileSync(absPath, 'utf8');
      } catch {
        return { file };
      }
      const parsed = parseYaml(text, file);
      if (!parsed.ok) return { file };
      table = parsed.yaml.positions;
    }
    return { file, ...locateIn(table, fieldToPath(field)) };
  };
}

/** A posting's id: its file name without `.yaml`. */
const idOf = (absPath: string): string => path.basename(absPath).replace(/\.yaml$/, '');

/** The schema half of loading: a parsed file → a posting, or the reasons it is not one. */
function validateParsed(absPath: string, parsedFile: ParsedFile, schema: PostingSchema): { posting?: LoadedPosting; diagnostics: Diagnostic[] } {
  const file = displayPath(absPath);
  const id = idOf(absPath);
  const diagnostics = fileNameProblems(id, file);
  if (!parsedFile.ok) return { diagnostics: [...diagnostics, ...parsedFile.diagnostics] };
  const yaml = withPositions(parsedFile.data, parsedFile.positions);
  const result = schema.safeParse(yaml.data, PARSE_OPTIONS);
  const issues = [...(result.success ? [] : result.error.issues), ...crossFieldIssues(yaml.data)];
  diagnostics.push(...issuesToDiagnostics(issues, yaml, file, schema));
  const locate = locatorFor(file, parsedFile.positions);
  if (!result.success || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const posting = result.data as Posting;
  if (!hasPay(posting)) diagnostics.push(Object.assign({}, noSalaryWarning(posting), { file, field: 'salary', ...yaml.locate([]), posting: id }));
  for (const w of [...unpaidPlaceWarnings(posting), ...wideRangeWarnings(posting), ...translationWarnings(posting)])
    diagnostics.push({ ...w, file, ...yaml.locate(fieldToPath(w.field)), posting: id });
  if (/<\/?[a-z][^>]*>/i.test(posting.title)) {
    diagnostics.push({
      code: CODES.WARN_TITLE_HTML,
      severity: 'warning',
      file,
      field: 'title',
      ...yaml.locate(['title']),
      posting: id,
      message: 'title looks like it contains HTML; it is plain text and will be shown literally',
      fix: 'remove the tags',
    });
  }
  return { posting: { id, absPath, file, posting, sourceHash: parsedFile.sourceHash, locate }, diagnostics };
}

/** One warning per field a translation leaves out, said at the translation (or its list) in the file. */
function translationWarnings(p: Posting): { code: string; severity: 'warning'; field: string; message: string; fix: string }[] {
  return missingTranslations(p).map(({ lang, field }) => {
    const list = field.includes('.') ? field.slice(0, field.indexOf('.')) : undefined;
    return {
      code: CODES.WARN_TRANSLATION_MISSING,
      severity: 'warning',
      field: list ? `translations.${lang}.${list}` : `translations.${lang}`,
      message: `the ${lang} translation has no ${field}: the ${lang} page shows it in ${p.language}`,
      fix: `add ${field.replace(/^[^.]+\./, '')} under translations.${lang}${list ? `.${list}` : ''}`,
    };
  });
}

const SIMILAR_EXTENSIONS = /\.(ya?ml|YA?ML|Yaml|json)$/;

export interface LoadOptions {
  /**
   * A previous build's results by absolute path: a file whose stamp still matches is not read,
   * parsed or validated again (see pipeline/source-cache.ts).
   */
  reuse?: {
    get(absPath: string, stamp: FileStamp): { body: PostingBody; facts: PostingFacts; sourceHash: string; diagnostics: Diagnostic[] } | undefined;
  };
  /** Told each file's stamp, so the caller can cache this run's results. */
  onStamp?(absPath: string, stamp: FileStamp): void;
  /**
   * Called as each posting validates, while its positions are at hand; afterwards the posting's
   * `locate` re-reads the file when asked, so a 100k-role folder never holds every position table.
   */
  onPosting?(posting: LoadedPosting): void;
  /** Where each validated posting moves once `onPosting` is done with it (see posting-store.ts); without it, postings stay in memory. */
  spill?: PostingStore;
  /** Told after each file, with how many of the folder's posting files are done. */
  onProgress?(done: number, total: number): void;
}

/** Load every `*.yaml` file of `dir`; problems of all files are reported together. */
export async function loadPostings(dir: string, schema: PostingSchema, opts: LoadOptions = {}): Promise<LoadResult> {
  const names = await fileNames(dir);
  const diagnostics = names.filter((n) => !n.startsWith('.') && !n.endsWith('.yaml')).map((n) => notAPosting(dir, n));
  const postingFiles = names.filter((n) => n.endsWith('.yaml') && !n.startsWith('.')).map((n) => path.join(dir, n));
  const postings: LoadedPosting[] = [];
  for (const r of await validateFiles(postingFiles, schema, opts)) {
    diagnostics.push(...r.diagnostics);
    if (r.posting) postings.push(r.posting);
  }
  diagnostics.push(...duplicateReferences(postings));
  const failed = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  return { postings: postings.filter((p) => !failed.has(p.file)), diagnostics };
}

/** The names of the files (and links) in `dir`, sorted. */
async function fileNames(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw FAILURES.postingsDir(displayPath(dir), (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
}

/** Not a posting: said once, never an error that would hold up every other role. */
function notAPosting(dir: string, name: string): Diagnostic {
  const misnamed = SIMILAR_EXTENSIONS.test(name);
  return {
    code: misnamed ? CODES.FILE_EXTENSION : CODES.FILE_IGNORED,
    severity: 'warning',
    file: displayPath(path.join(dir, name)),
    line: 1,
    col: 1,
    field: '(file name)',
    message: misnamed ? `posting files end in .yaml; "${name}" is ignored` : `"${name}" is not a posting (posting files end in .yaml) and is ignored`,
    fix: misnamed ? `rename it to ${name.replace(SIMILAR_EXTENSIONS, '')}.yaml if it is a posting` : 'keep other files outside the postings folder',
  };
}

type Validated = ReturnType<typeof validateParsed>;

/** Each file's result, in the order of `files`: reused where `opts.reuse` still has it, else parsed and validated. */
async function validateFiles(files: readonly string[], schema: PostingSchema, opts: LoadOptions): Promise<Validated[]> {
  const results = new Array<Validated>(files.length);
  let done = 0;
  const deliver = (i: number, r: Validated) => {
    if (r.posting && opts.spill && !r.posting.cached) r = { ...r, posting: spilled(r.posting, opts.spill) };
    if (r.posting && opts.onPosting) {
      opts.onPosting(r.posting);
      r.posting.locate = lazyLocator(files[i]!, r.posting.file);
    }
    results[i] = r;
    opts.onProgress?.(++done, files.length);
  };
  const toParse = opts.reuse || opts.onStamp ? await deliverReused(files, opts, deliver) : [...files.keys()];
  await parseFiles(
    toParse.map((i) => [files[i]!, displayPath(files[i]!)]),
    (k, parsed) => {
      const i = toParse[k]!;
      deliver(i, validateParsed(files[i]!, parsed, schema));
    },
  );
  return results;
}

/**
 * Stamp every file (telling `opts.onStamp`) and deliver the previous result of each one whose stamp
 * still matches; returns the indexes of the files left to parse, in order.
 */
async function deliverReused(files: readonly string[], opts: LoadOptions, deliver: (i: number, r: Validated) => void): Promise<number[]> {
  const toParse: number[] = [];
  for (let i = 0; i < files.length; i++) {
    // Sync stats in batches that yield: a stat is a few microseconds of kernel time, and a round
    // trip through libuv's pool costs several times that (10,000 files took 0.55 s, now about 0.2 s).
    if (i % STATS_BETWEEN_YIELDS === STATS_BETWEEN_YIELDS - 1) await setImmediatePromise();
    const a = files[i]!;
    const stamp = stampOf(a);
    if (stamp) opts.onStamp?.(a, stamp);
    const hit = stamp && opts.reuse?.get(a, stamp);
    if (!hit) {
      toParse.push(i);
      continue;
    }
    const file = displayPath(a);
    deliver(i, {
      posting: reusedPosting({ id: idOf(a), absPath: a, file, sourceHash: hit.sourceHash, locate: lazyLocator(a, file) }, hit),
      diagnostics: hit.diagnostics.map((d) => Object.assign({}, d, { file })),
    });
  }
  return toParse;
}

const STATS_BETWEEN_YIELDS = 256;

/** The file's stamp, or undefined when it cannot be stat'ed (it is then read, and that reports why). */
function stampOf(file: string): FileStamp | undefined {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    return st ? { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino } : undefined;
  } catch {
    return undefined;
  }
}

/** A validated posting moved out of memory into `store` (its object stays parsed while it is among the last read). */
function spilled(p: LoadedPosting, store: PostingStore): LoadedPosting {
  let at: number, length: number;
  try {
    [at, length] = store.append(Buffer.from(JSON.stringify(p.posting), 'utf8'));
  } catch {
    // The temp folder's disk is full or gone: this posting stays in memory, as all did before.
    return p;
  }
  const { posting, cached: _, ...rest } = p;
  return reusedPosting(rest, { body: PostingBody.stored(store, at, length, false, posting), facts: factsOf(posting) });
}

/** A posting from a cache: `posting` is parsed when first read (PostingBody). */
export function reusedPosting(p: Omit<LoadedPosting, 'posting' | 'cached'>, cached: { body: PostingBody; facts: PostingFacts }): LoadedPosting {
  // Object.assign, not `{ ...p, cached }`: on Node 20 an object literal that opens with a spread gets a
  // hidden class of its own (a few hundred bytes each; objects kept per role use assign for that reason).
  return withPosting(Object.assign({}, p, { cached }), cached.body);
}

function duplicateReferences(postings: readonly LoadedPosting[]): Diagnostic[] {
  const byRef = new Map<string, LoadedPosting[]>();
  const byId = new Map<string, LoadedPosting[]>();
  for (const p of postings) {
    const ref = factsFor(p).reference;
    if (ref) byRef.set(ref, [...(byRef.get(ref) ?? []), p]);
    byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  }
  const out: Diagnostic[] = [];
  for (const [ref, list] of byRef) {
    if (list.length < 2) continue;
    for (const p of list) {
      const others = list
        .filter((o) => o !== p)
        .map((o) => o.file)
        .join(', ');
      out.push({
        code: CODES.RULE_DUPLICATE_REFERENCE,
        severity: 'error',
        ...p.locate('reference'),
        field: 'reference',
        posting: p.id,
        message: `reference "${ref}" is also used by ${others}`,
        fix: 'give each role its own reference',
      });
    }
  }
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    for (const p of list)
      out.push({
        code: CODES.RULE_DUPLICATE_ID,
        severity: 'error',
        ...p.locate(''),
        field: '(file name)',
        posting: id,
        message: `id "${id}" is used by ${list.length} files`,
        fix: 'rename one of the files',
      });
  }
  return out;
}
