/**
 * The server reads only files that are really inside the generation it serves: a symbolic link
 * planted in the output (a file, or a folder on the way to one) that points elsewhere is refused,
 * so no request can read /etc/passwd through it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { INTERNAL_CODES } from '../errors';

export const OUTSIDE = INTERNAL_CODES.OUTSIDE_OUTPUT;

/** `site/rel` opened for reading, after checking its real path stays under `site` (itself a real path). */
export async function openInside(site: string, rel: string): Promise<fs.FileHandle> {
  const file = path.join(site, rel);
  const real = await fs.realpath(file);
  if (!real.startsWith(site + path.sep)) throw Object.assign(new Error(`refused to follow ${rel} out of the output (to ${real})`), { code: OUTSIDE });
  return fs.open(real);
}

export async function readInside(site: string, rel: string): Promise<Buffer> {
  const handle = await openInside(site, rel);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
