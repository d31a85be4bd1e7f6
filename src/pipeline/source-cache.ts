/**
 * What the previous build learned about each source file, kept next to its manifest so the next build
 * — in any process — skips what did not change: parsing and validating a file whose size, mtime and
 * inode are unchanged, and running a channel's rules on a posting whose render key is unchanged.
 * In segments (source-segments.ts): `sources/<nn>.ndjson`, a JSON line per posting with what every
 * build reads, and `sources/<nn>.postings`, the postings' JSON, parsed only when one is rendered. A
 * segment nothing in changed is linked from the previous generation; one whose postings file is not
 * the bytes its index says (size and CRC-32) is not read, and written again.
 */
import { sameStamp, type FileStamp } from '../load/file-stamp';
import { crc32 } from 'node:zlib';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { factsOf, PostingBody, type PostingFacts } from '../model/posting-body';
import {
  INDEX_FILE,
  linked,
  postingsFile,
  readSegmentIndex,
  segmentFile,
  segmentsOf,
  SEGMENTS_DIR,
  SEGMENTS_VERSION,
  type SegmentEntry,
  type SegmentIndex,
} from './source-segments';
import type { PostingEntry } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import { checksFromLine, NO_CHECKS, type LineChecks, type RuleChecks } from './rule-checks';
import { factsFor, type LoadedPosting } from '../load/postings';
import { PostingStore } from '../load/posting-store';
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
  /** The posting, parsed when something reads it. */
  body: PostingBody;
  /** What every build reads of it, without parsing it. */
  facts: PostingFacts;
  /** Model-level diagnostics (warnings only: a file with errors is never cached). */
  diagnostics: Diagnostic[];
  /** The render key the channels' rules ran for and what they said (rule-checks.ts). */
  checks: RuleChecks;
}

/**
 * A record as a segment's line has it: the posting's JSON is at `body` ([offset, length]) in the
 * segment's postings file; `checks` without `found` found nothing.
 */
type RecordLine = Omit<CachedSource, 'body' | 'checks'> & { body: [number, number]; checks: LineChecks };

/** A record as versions before the postings files wrote it, the posting in the line. */
type InlineRecordLine = Omit<CachedSource, 'body' | 'facts' | 'checks'> & { posting: Posting; checks: LineChecks };

export async function readSourceCache(generation: string | undefined): Promise<Map<string, CachedSource>> {
  const out = new Map<string, CachedSource>();
  if (!generation) return out;
  const index = await readSegmentIndex(generation);
  const lists = new Map<string, readonly string[]>();
  if (index && index.version >= 2) {
    for (const [name, entry] of Object.entries(index.segments)) await readSegment(path.join(generation, SEGMENTS_DIR), name, entry, out, lists);
    return out;
  }
  const files = index
    ? Object.keys(index.segments).map((name) => path.join(generation, SEGMENTS_DIR, segmentFile(name)))
    : [path.join(generation, LEGACY_FILE)];
  for (const file of files) for (const line of await lines(file)) addInline(line, out, lists);
  return out;
}

/**
 * One segment: its records' lines, their postings left in the segment's file until read (PostingStore:
 * at 100,000 roles they are half a gigabyte). A segment whose files do not agree is skipped.
 */
async function readSegment(
  dir: string,
  name: string,
  entry: SegmentEntry,
  out: Map<string, CachedSource>,
  lists: Map<string, readonly string[]>,
): Promise<void> {
  const store = openedStore(path.join(dir, postingsFile(name)));
  // Postings are parsed late, in a channel's render: damage must be caught here, where it costs a fresh parse.
  if (!store || store.length !== entry.postings || store.crc32() !== entry.crc) return;
  for (const line of await lines(path.join(dir, segmentFile(name)))) {
    try {
      const {
        body: [at, length],
        checks,
        ...rest
      } = JSON.parse(line) as RecordLine;
      if (at + length > store.length) continue;
      out.set(rest.path, Object.assign(rest, { checks: checksFromLine(checks, lists), body: PostingBody.stored(store, at, length, true) }));
    } catch {
      // A damaged line only costs that file a fresh parse.
    }
  }
}

function openedStore(file: string): PostingStore | undefined {
  try {
    return PostingStore.open(file);
  } catch {
    return undefined;
  }
}

function addInline(line: string, out: Map<string, CachedSource>, lists: Map<string, readonly string[]>): void {
  try {
    const { posting, checks, ...rest } = JSON.parse(line) as InlineRecordLine;
    out.set(rest.path, { ...rest, checks: checksFromLine(checks, lists), body: PostingBody.of(posting), facts: factsOf(posting) });
  } catch {
    // A damaged line only costs that file a fresh parse.
  }
}

/** A file's non-empty lines; none when it is missing. */
async function lines(file: string): Promise<string[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
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
  const index: SegmentIndex = { version: SEGMENTS_VERSION, segments: {} };
  for (const [name, { key, records: list }] of segments) {
    // A segment of another version holds its lines in that version's form: it is written again.
    const was = before?.version === SEGMENTS_VERSION ? before.segments[name] : undefined;
    // Every record read from that very segment: one the read skipped (damaged) was parsed afresh.
    const fromIt = list.every((r) => r.body.cached);
    const kept = was?.key === key && fromIt && (await linkedSegment(path.join(previous!, SEGMENTS_DIR), dir, name, was));
    index.segments[name] = kept ? was : { key, ...(await writeSegment(dir, name, list)) };
  }
  await fs.writeFile(path.join(dir, INDEX_FILE), JSON.stringify(index) + '\n');
}

async function linkedSegment(from: string, to: string, name: string, was: SegmentEntry): Promise<boolean> {
  return (
    (await linked(path.join(from, segmentFile(name)), path.join(to, segmentFile(name)), was.size)) &&
    (await linked(path.join(from, postingsFile(name)), path.join(to, postingsFile(name)), was.postings ?? -1))
  );
}

/** A segment's two files: a line per record, and the postings it points into. */
async function writeSegment(dir: string, name: string, records: readonly CachedSource[]): Promise<Omit<SegmentEntry, 'key'>> {
  const bodies: Uint8Array[] = [];
  let at = 0;
  let text = '';
  for (const { body, checks, ...rest } of records) {
    const json = body.json();
    bodies.push(json);
    const { found, ...ran } = checks;
    const line: RecordLine = { ...rest, checks: Object.keys(found).length ? checks : ran, body: [at, json.length] };
    text += JSON.stringify(line) + '\n';
    at += json.length;
  }
  const meta = Buffer.from(text, 'utf8');
  const postings = Buffer.concat(bodies, at);
  await fs.writeFile(path.join(dir, postingsFile(name)), postings);
  await fs.writeFile(path.join(dir, segmentFile(name)), meta);
  return { size: meta.length, postings: at, crc: crc32(postings) };
}

/** A broken file's role, built from its last good version; `record` is where that version came from, when the cache had it. */
export interface KeptRole {
  entry: PostingEntry;
  record?: CachedSource;
}

/** What a validation leaves for the source cache. */
interface ValidatedSources {
  postings: readonly LoadedPosting[];
  /** Each posting's entry (its state and content hash), by id. */
  entries: ReadonlyMap<string, PostingEntry>;
  /** Each file's stamp as it was read, by absolute path. */
  stamps: ReadonlyMap<string, FileStamp>;
  /** The code that validated them (codeFingerprint). */
  code: string;
  /** Model-level diagnostics by shown path. */
  byFile: ReadonlyMap<string, Diagnostic[]>;
  /** What each channel's rules said, by posting id. */
  checks: ReadonlyMap<string, RuleChecks>;
  kept: readonly KeptRole[];
  postingsDir: string;
}

/** The facts with this build's state's hash added to what earlier builds learned. */
function withHash(facts: PostingFacts, entry: PostingEntry | undefined): PostingFacts {
  if (!entry || facts.hashes[entry.state] === entry.hash) return facts;
  return { ...facts, hashes: { ...facts.hashes, [entry.state]: entry.hash } };
}

/**
 * A file's diagnostics without the path they were shown at, which depends on the working directory:
 * the loader puts the path it shows back on reuse, and a build from another folder then still finds
 * every record unchanged rather than making a new generation each time.
 */
function placeless(diagnostics: readonly Diagnostic[] | undefined): Diagnostic[] {
  return (diagnostics ?? []).map(({ file: _shown, ...d }) => d);
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
      body: p.cached?.body ?? PostingBody.of(p.posting),
      facts: withHash(factsFor(p), v.entries.get(p.id)),
      diagnostics: placeless(v.byFile.get(p.file)),
      checks: v.checks.get(p.id) ?? NO_CHECKS,
    };
  }
  // A kept role's last good record travels on, so every later build still has it.
  for (const k of v.kept) {
    const checks = v.checks.get(k.entry.id) ?? NO_CHECKS;
    if (k.record) yield { ...k.record, facts: withHash(k.record.facts, k.entry), checks };
    else
      yield {
        path: path.join(v.postingsDir, `${k.entry.id}.yaml`),
        stamp: { size: -1, mtimeMs: 0, ctimeMs: 0, ino: 0 },
        code: v.code,
        sourceHash: '',
        body: PostingBody.of(k.entry.posting),
        facts: withHash(factsOf(k.entry.posting), k.entry),
        diagnostics: [],
        checks,
      };
  }
}
