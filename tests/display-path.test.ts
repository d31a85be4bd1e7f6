/**
 * displayPath works a folder's relative path out once and puts each file's name after it. It must
 * show every path exactly as path.relative per file did: a property over paths made of the segments
 * that matter (`.`, `..`, names starting with dots, empty ones), inside and outside the folder.
 */
import path from 'node:path';
import fc from 'fast-check';
import { displayPath } from '../src/load/display-path';

/** The rule as first written: path.relative to the working directory, unless that leaves it. */
const byRelative = (file: string, cwd: string): string => {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
};

describe('displayPath', () => {
  it('shows what path.relative showed, for any path and working directory', () => {
    const segment = fc.constantFrom('a', 'b', 'x.yaml', '.', '..', '', '..b', '.hidden');
    const file = fc.tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 })).map(([abs, segs]) => (abs ? '/' : '') + segs.join('/'));
    const cwd = fc.constantFrom('/', '/a', '/a/b', '/x.yaml', process.cwd());
    fc.assert(
      fc.property(file, cwd, (f, c) => expect(displayPath(f, c)).toBe(byRelative(f, c))),
      { numRuns: 3000 },
    );
  });
});
