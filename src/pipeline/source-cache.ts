/**
 * What the previous build learned about each source file, kept next to its manifest so the next build
 * — in any process — skips what did not change: parsing and validating a file whose size, mtime and
 * inode are unchanged, and running a channel's rules on a posting whose render key is unchanged.
 * One JSON line per posting, in segments (`sources/<nn>.ndjson`, source-segments.ts), written and read
 * as streams; a segment nothing in changed is linked from the previous generation.
 */
import { sameStamp, type FileStamp } from '../load/file-stamp';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { INDEX_FILE, linked, readSegmentIndex, segmentFile, segmentFiles, segmentsOf, SEGMENTS_DIR, type SegmentIndex } from './source-segments';
import type { PostingEntry } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import type { LoadedPosting } from '../load/postings';
import type { Posting } from '../model/posting';

export { sameStamp, type FileStamp };

/** What older versions wrote: one file of every record (still read, so an upgrade keeps the cache). */
const LEGACY_FILE = 'sources.ndjson';

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
  const files = (await segmentFiles(generation)) ?? [path.join(generation, LEGACY_FILE)];
  for (const file of files) await readLines(file, out);
  return out;
}

async function readLines(file: string, out: Map<string, CachedSource>): Promise<void> {
  try {
    await fs.access(file);
  } catch {
    return;
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
}

/**
 * Write the records as segments (source-segments.ts): a segment whose records are the ones the
 * previous generation's segment holds is linked from there, not written again.
 */
export async function writeSourceCache(generation: string, records: Iterable<CachedSource>, previous?: string): Promise<void> {
  const segments = segmentsOf(records);
  const before = previous ? await readSegmentIndex(previous) : undefined;
  const dir = path.join(generation, SEGMENTS_DIR);
  await fs.mkdir(dir, { recursive: true });
  const index: SegmentIndex = { version: 1, segments: {} };
  for (const [name, { key, records: list }] of segments) {
    const target = path.join(dir, segmentFile(name));
    const was = before?.segments[name];
    const kept = was?.key === key && (await linked(path.join(previous!, SEGMENTS_DIR, segmentFile(name)), target, was.size));
    index.segments[name] = { key, size: kept ? was.size : await writeLines(target, list) };
  }
  await fs.writeFile(path.join(dir, INDEX_FILE), JSON.stringify(index) + '\n');
}

/** Write one record a line; returns the bytes written. */
async function writeLines(file: string, records: readonly CachedSource[]): Promise<number> {
  const stream = createWriteStream(file, 'utf8');
  let size = 0;
  for (const r of records) {
    const line = JSON.stringify(r) + '\n';
    size += Buffer.byteLength(line);
    if (!stream.write(line)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return size;
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
