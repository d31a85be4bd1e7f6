/**
 * The source cache in segments: each record goes to one of SEGMENTS files by a hash of its source
 * path, and each segment is named in a small index with the key of what it holds. A build that
 * changed one role among 100,000 writes one segment and links the others from the previous
 * generation, instead of serialising every posting again.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CachedSource } from './source-cache';

export const SEGMENTS_DIR = 'sources';
export const INDEX_FILE = 'index.json';
const SEGMENTS = 64;

/** A segment's key (what its records are) and its files' sizes: one cut short or damaged is written again. */
export interface SegmentEntry {
  key: string;
  size: number;
  /** The postings file's size and CRC-32 (from version 2; version 1 kept postings in the lines). */
  postings?: number;
  crc?: number;
}

/**
 * 1 kept postings in the lines, 2 beside them, 3 keeps a record's checks as one key and what was
 * found (rule-checks.ts). Every version is read; only this one's segments are linked into a new index.
 */
export const SEGMENTS_VERSION = 3;

export interface SegmentIndex {
  version: 1 | 2 | 3;
  segments: Record<string, SegmentEntry>;
}

/** A line per record. */
export const segmentFile = (name: string): string => `${name}.ndjson`;
/** The records' postings as JSON, one after another, where their lines point. */
export const postingsFile = (name: string): string => `${name}.postings`;

const segmentOf = (sourcePath: string): string => String(createHash('sha1').update(sourcePath).digest().readUInt16BE(0) % SEGMENTS).padStart(2, '0');

/**
 * What makes a record what it is, without serialising the posting: the file's stamp, hash and the
 * code that read it decide the posting and its model diagnostics, and each channel's check key
 * decides what its rules said. A role kept from the ledger has no source to stand for it, so its
 * content is the identity.
 */
function identity(r: CachedSource): string {
  // Audiences are worked out once and then kept: a record that gained some is a different record.
  const checks = `${r.checks.key}=${r.checks.channels.join(',')}:${Object.keys(r.checks.audience ?? {}).join(',')}`;
  const { size, mtimeMs, ctimeMs, ino } = r.stamp;
  const source = r.sourceHash ? r.sourceHash : Buffer.from(r.body.json()).toString('utf8');
  // The hashes memo grows as a role reaches new states: a segment that lacks one is written again.
  return `${r.path}\0${size}\0${mtimeMs}\0${ctimeMs}\0${ino}\0${r.code}\0${source}\0${checks}\0${JSON.stringify(r.facts.hashes)}`;
}

/** The records by segment, each segment with its key. */
export function segmentsOf(records: Iterable<CachedSource>): Map<string, { key: string; records: CachedSource[] }> {
  const bySegment = new Map<string, CachedSource[]>();
  for (const r of records) {
    const name = segmentOf(r.path);
    const list = bySegment.get(name);
    if (list) list.push(r);
    else bySegment.set(name, [r]);
  }
  const out = new Map<string, { key: string; records: CachedSource[] }>();
  for (const [name, list] of [...bySegment].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const h = createHash('sha256');
    for (const r of list) h.update(identity(r)).update('\n');
    out.set(name, { key: h.digest().toString('hex', 0, 16), records: list });
  }
  return out;
}

export async function readSegmentIndex(generation: string): Promise<SegmentIndex | undefined> {
  try {
    const index = JSON.parse(await fs.readFile(path.join(generation, SEGMENTS_DIR, INDEX_FILE), 'utf8')) as SegmentIndex;
    return index.version === 1 || index.version === 2 || index.version === 3 ? index : undefined;
  } catch {
    return undefined;
  }
}

/** Hard-link `from` to `to` when it is `size` bytes; false otherwise (the caller writes the file instead). */
export async function linked(from: string, to: string, size: number): Promise<boolean> {
  try {
    if ((await fs.stat(from)).size !== size) return false;
    await fs.link(from, to);
    return true;
  } catch {
    return false;
  }
}
