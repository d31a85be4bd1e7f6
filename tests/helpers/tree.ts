/** Every file under a folder, path → bytes (base64), following the output symlink: two outputs compare with toEqual. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(p).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}
