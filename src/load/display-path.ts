import path from 'node:path';

/** How a path is shown to the user: relative to the working directory when it is inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const base = path.basename(file);
  // A folder's files share its relative path: worked out once a folder, not once a file (10,000 a build).
  if (!base || base === '.' || base === '..') return shownPath(file, cwd);
  const dir = shownDir(path.dirname(file), cwd);
  const shown = dir === undefined ? undefined : dir === '' ? base : `${dir}/${base}`;
  return shown === undefined || shown.startsWith('..') ? shownPath(file, cwd) : shown;
}

function shownPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

const dirs = new Map<string, string | undefined>();

/** The folder relative to `cwd` ('' for `cwd` itself), or undefined when it is not inside it. */
function shownDir(dir: string, cwd: string): string | undefined {
  const key = `${cwd}\0${dir}`;
  if (dirs.has(key)) return dirs.get(key);
  const rel = path.relative(cwd, dir);
  const shown = rel === '' ? '' : !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
  if (dirs.size > 1000) dirs.clear();
  dirs.set(key, shown);
  return shown;
}
