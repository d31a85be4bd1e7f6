/**
 * What the previous build learned about each source file, kept next to its manifest so the next build
 * — in any process — skips what did not change: parsing and validating a file whose size, mtime and
 * inode are unchanged, and running a channel's rules on a posting whose render key is unchanged.
 * One JSON line per posting (`sources.ndjson`), written and read as a stream.
 */
import { sameStamp, type FileStamp } from '../load/file-stamp';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Diagnostic } from '../diagnostics';
import type { Posting } from '../model/posting';

export { sameStamp, type FileStamp };

export const SOURCE_CACHE_FILE = 'sources.ndjson';

export interface CachedSource {
  /** Absolute path of the source file. */
  path: string;
  stamp: FileStamp;
  /** The code (schema) that validated it; a different one validates again. */
  code: string;
  sourceHash: string;
  posting: Posting;
  /** Model-level diagnostics (warnings only: a file with errors is never cached). */
  diagnostics: Diagnostic[];
  /** Per channel: the render key the rules ran for and what they said. */
  checks: Record<string, { key: string; diagnostics: Diagnostic[] }>;
}

export async function readSourceCache(generation: string | undefined): Promise<Map<string, CachedSource>> {
  const out = new Map<string, CachedSource>();
  if (!generation) return out;
  const file = path.join(generation, SOURCE_CACHE_FILE);
  try {
    await fs.access(file);
  } catch {
    return out;
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    try {
      const c = JSON.parse(line) as CachedSource;
      out.set(c.path, c);
    } catch {
      // A damaged line only costs that file a fresh parse.
    }
  }
  return out;
}

export async function writeSourceCache(generation: string, records: Iterable<CachedSource>): Promise<void> {
  const stream = createWriteStream(path.join(generation, SOURCE_CACHE_FILE), 'utf8');
  for (const r of records) {
    if (!stream.write(JSON.stringify(r) + '\n')) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}
