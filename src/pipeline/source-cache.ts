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
import type { PostingEntry } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import type { LoadedPosting } from '../load/postings';
import type { Posting } from '../model/posting';

export { sameStamp, type FileStamp };

const SOURCE_CACHE_FILE = 'sources.ndjson';

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

/** A broken file's role, built from its last good version; `record` is where that version came from, when the cache had it. */
export interface KeptRole {
  entry: PostingEntry;
  record?: CachedSource;
}

/** What a validation leaves for the source cache. */
interface ValidatedSources {
  postings: readonly LoadedPosting[];
  /** Each file's stamp as it was read, by absolute path. */
  stamps: ReadonlyMap<string, FileStamp>;
  /** The code that validated them (codeFingerprint). */
  code: string;
  /** Model-level diagnostics by shown path. */
  byFile: ReadonlyMap<string, Diagnostic[]>;
  /** What each channel's rules said, by posting id. */
  checks: ReadonlyMap<string, CachedSource['checks']>;
  kept: readonly KeptRole[];
  postingsDir: string;
}

/** The records the source cache of this build should hold: every file that loaded, then every kept role. */
export function* sourceRecords(v: ValidatedSources): Generator<CachedSource> {
  for (const p of v.postings) {
    const stamp = v.stamps.get(p.absPath);
    if (!stamp) continue;
    yield {
      path: p.absPath,
      stamp,
      code: v.code,
      sourceHash: p.sourceHash,
      posting: p.posting,
      diagnostics: v.byFile.get(p.file) ?? [],
      checks: v.checks.get(p.id) ?? {},
    };
  }
  // A kept role's last good record travels on, so every later build still has it.
  for (const k of v.kept) {
    const checks = v.checks.get(k.entry.id) ?? {};
    if (k.record) yield { ...k.record, checks };
    else
      yield {
        path: path.join(v.postingsDir, `${k.entry.id}.yaml`),
        stamp: { size: -1, mtimeMs: 0, ctimeMs: 0, ino: 0 },
        code: v.code,
        sourceHash: '',
        posting: k.entry.posting,
        diagnostics: [],
        checks,
      };
  }
}
