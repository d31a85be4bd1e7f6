/**
 * The house rules of ARCHITECTURE.md, checked on the source: the core (src/) never imports a
 * channel or notifier except through the composition root's one registry file, and never names one
 * in code — not in identifiers, not in strings (comments are free to explain); and imports between
 * the core's layers only go down.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { adapters } from '../adapters';
import { notifiers } from '../notifiers';
import { importers } from '../importers';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
/** The one file that may import the registries. */
const REGISTRY_FILE = path.join(SRC, 'cli', 'registries.ts');
/** Plugin folders at the top of the repository. */
const PLUGIN_DIRS = ['adapters', 'notifiers', 'importers'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every identifier and piece of string or template text in a file, with its line; comments are not nodes. */
function codeTokens(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { text: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    // linkedinCompanyId reads as "linkedin Company Id": identifiers are split at their humps.
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) out.push({ text: node.text.replace(/([a-z0-9])([A-Z])/g, '$1 $2'), line: line(node) });
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) out.push({ text: node.text, line: line(node) });
    ts.forEachChild(node, visit);
  };
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  visit(source);
  return out;
}

/** Names that say "a plugin lives here": each channel's, each notifier's and each importer's name. */
function pluginNames(): string[] {
  // `email` is also a posting field (apply.email, organization.email): the channel is caught by its other names.
  return [...adapters.map((a) => a.name), ...notifiers.map((n) => n.name), ...importers.map((i) => i.name)].filter((n) => n !== 'email');
}

const wordOf = (name: string) => new RegExp(`(^|[^a-z])${name.replace(/-/g, '[-_ ]?')}($|[^a-z])`, 'i');

describe('the core knows no plugin', () => {
  const files = sourceFiles(SRC);

  it('imports adapters/ and notifiers/ only from the registry file', () => {
    const stray: string[] = [];
    for (const file of files) {
      if (file === REGISTRY_FILE) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1]!);
        if (PLUGIN_DIRS.some((d) => target === path.join(ROOT, d) || target.startsWith(path.join(ROOT, d) + path.sep)))
          stray.push(`${path.relative(ROOT, file)} imports ${m[1]}`);
      }
    }
    expect(stray).toEqual([]);
  });

  it('names no channel and no notifier in code', () => {
    const names = pluginNames();
    expect(names.length).toBeGreaterThan(5);
    const found: string[] = [];
    for (const file of files) {
      if (file === REGISTRY_FILE) continue;
      for (const t of codeTokens(file)) {
        const hit = names.find((n) => wordOf(n).test(t.text));
        if (hit) found.push(`${path.relative(ROOT, file)}:${t.line} ${hit}: ${t.text.slice(0, 80)}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("spells the job pages' path in one place: the page channel's own urls.ts (everything else asks Adapter.pages)", () => {
    const owner = path.join(ROOT, 'adapters', 'google', 'urls.ts');
    const spelled: string[] = [];
    for (const file of [...files, ...PLUGIN_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)))]) {
      if (file === owner) continue;
      for (const t of codeTokens(file)) if (/^\/?jobs\//.test(t.text)) spelled.push(`${path.relative(ROOT, file)}:${t.line} ${t.text.slice(0, 80)}`);
    }
    expect(spelled).toEqual([]);
    expect(codeTokens(owner).some((t) => t.text.startsWith('jobs/'))).toBe(true);
  });

  it('the check sees a name in a string and in an identifier, and not in a comment', () => {
    const probe = path.join(ROOT, 'tests', 'fixtures', 'architecture-probe.ts.txt');
    const tokens = codeTokens(probe).map((t) => t.text);
    expect(tokens.some((t) => wordOf('linkedin').test(t))).toBe(true);
    expect(tokens.some((t) => wordOf('indeed').test(t))).toBe(true);
    expect(tokens.some((t) => wordOf('adzuna').test(t))).toBe(false);
  });
});

/**
 * The layers, lowest first (ARCHITECTURE.md). A module may import its own layer or a lower one.
 * Keys are paths under src/ (a folder, or a file that sits in a layer of its own); the longest wins.
 */
const LAYERS: Record<string, number> = {
  util: 0,
  'diagnostics.ts': 0,
  'errors.ts': 0,
  'failures.ts': 0,
  'log.ts': 0,
  schedule: 0,
  model: 1,
  compose: 1,
  mail: 1,
  'secrets.ts': 1,
  'adapter.ts': 2,
  'artifact-body.ts': 2,
  xml: 2,
  load: 2,
  ledger: 3,
  // The notifier contract: what a plugin implements, beside the project that carries the plugins.
  'publish/notifier.ts': 4,
  'publish/notifier-config.ts': 4,
  'publish/protocol.ts': 4,
  'publish/http.ts': 4,
  'project.ts': 4,
  // Importers' contract and the import that project.ts names the config section of.
  import: 4,
  pipeline: 5,
  publish: 6,
  serve: 7,
  admin: 7,
  deploy: 7,
  daemon: 8,
  docs: 9,
  cli: 10,
};

function layerOf(rel: string): number | undefined {
  const key = Object.keys(LAYERS)
    .filter((k) => rel === k || rel === `${k}.ts` || rel.startsWith(`${k}/`))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : LAYERS[key];
}

describe('layers', () => {
  it('every file under src/ is in a layer', () => {
    const unplaced = sourceFiles(SRC)
      .map((f) => path.relative(SRC, f))
      .filter((rel) => layerOf(rel) === undefined);
    expect(unplaced).toEqual([]);
  });

  it('imports only go down (or stay in their layer)', () => {
    const up: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = path.relative(SRC, file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]!));
        if (target.startsWith('..')) continue;
        const a = layerOf(from)!;
        const b = layerOf(target.endsWith('.ts') ? target : `${target}.ts`) ?? layerOf(target);
        if (b !== undefined && b > a) up.push(`${from} (layer ${a}) imports ${m[1]} (layer ${b})`);
      }
    }
    expect(up).toEqual([]);
  });

  it('the check sees an upward import', () => {
    expect(layerOf('model/posting.ts')).toBeLessThan(layerOf('pipeline/build.ts')!);
    expect(layerOf('publish/notifier.ts')).toBeLessThan(layerOf('publish/run.ts')!);
  });
});

/** Functions longer than this do not fit on a screen (ARCHITECTURE.md). */
const MAX_FUNCTION_LINES = 50;

/** Every function, method and arrow with a body, with its line count; a nested one counts inside its parent too. */
function functionLengths(file: string, text = readFileSync(file, 'utf8')): { name: string; line: number; lines: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const out: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const named = (node as { name?: ts.Node }).name ?? (node.parent as { name?: ts.Node }).name;
      const start = lineOf(node.getStart());
      out.push({ name: named?.getText() ?? '<anonymous>', line: start, lines: lineOf(node.getEnd()) - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('functions fit on a screen', () => {
  it(`no function in src/, adapters/ or notifiers/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long = [SRC, ...PLUGIN_DIRS.map((d) => path.join(ROOT, d))]
      .flatMap(sourceFiles)
      .flatMap((file) => functionLengths(file).map((f) => ({ ...f, file: path.relative(ROOT, file) })))
      .filter((f) => f.lines > MAX_FUNCTION_LINES)
      .map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });

  it('the count sees a long arrow inside an object', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const [f] = functionLengths('probe.ts', `export const x = { run: () => {\n${body}\n} };\n`);
    expect(f).toEqual({ name: 'run', line: 1, lines: MAX_FUNCTION_LINES + 2 });
  });
});
