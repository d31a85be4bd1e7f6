/**
 * The core never names a plugin (ARCHITECTURE.md): only the composition root, src/cli, imports the
 * registries adapters/index.ts and notifiers/index.ts; no other file of src/ imports a plugin, reads
 * a notifier's config section (`.notify.<key>` other than the core's `http`) or spells a notifier's
 * name or section key in code, as a string or a property.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { adapters } from '../adapters';
import { notifiers } from '../notifiers';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

/** The code of a file without its comments (a comment may give a notifier as an example). */
const codeOf = (file: string): string =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');

const files = sourceFiles(SRC).map((f) => ({ rel: path.relative(ROOT, f), code: codeOf(f) }));
const isRoot = (rel: string) => rel.startsWith(`src${path.sep}cli${path.sep}`);

describe('the core and its plugins', () => {
  it('imports the plugin folders only in the composition root', () => {
    const imports = files.flatMap(({ rel, code }) =>
      [...code.matchAll(/from '((?:\.\.\/)+(?:adapters|notifiers)(?:\/[^']*)?)'/g)].map((m) => `${rel}: ${m[1]}`).filter(() => !isRoot(rel)),
    );
    expect(imports).toEqual([]);
  });

  it("reads no notifier's config section and names no notifier", () => {
    const names = new Set(notifiers.flatMap((n) => [n.name, ...(n.section ? [n.section.key] : [])]));
    // `google` is also a channel, whose search card the admin's previews carry (PreviewBlock.google).
    const properties = new Set([...names].filter((n) => !adapters.some((a) => a.name === n)));
    const found = files.flatMap(({ rel, code }) => [
      ...[...code.matchAll(/\.notify\.([A-Za-z]+)/g)].filter((m) => m[1] !== 'http').map((m) => `${rel}: .notify.${m[1]}`),
      ...[...code.matchAll(/['"`]([a-z-]+)['"`]/g)].filter((m) => names.has(m[1]!)).map((m) => `${rel}: '${m[1]}'`),
      ...[...code.matchAll(/\.([a-z]+)\b(?![(-])/g)].filter((m) => properties.has(m[1]!)).map((m) => `${rel}: .${m[1]}`),
    ]);
    expect(found).toEqual([]);
  });
});
