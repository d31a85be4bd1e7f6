import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository/package root, whether running from src/ (ts-jest) or build/src/ (compiled). */
export const PACKAGE_ROOT: string = (() => {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..');
})();

export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');
