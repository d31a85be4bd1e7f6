/**
 * The output folder, swapped atomically. Each build writes a complete new generation next to the
 * output; the output path itself is a symlink that is replaced with one rename(2), so a reader (the
 * server, a static host) sees either the old tree or the new one, never a half-written file. A
 * failed build deletes its generation and leaves the symlink, and so the last good output, untouched.
 *
 *   dist                      → .dist.generations/000001764329500000-ab12cd/site
 *   .dist.generations/<gen>/site/…        the public files
 *   .dist.generations/<gen>/manifest.json what was written, hashes, history (not public)
 *   .dist.trash/<gen>                     a pruned generation, being deleted in the background
 *
 * A generation retired past its grace is either pruned or recycled: taken over as the folder of the
 * next build, which then changes only the files that differ (recycleGeneration).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs, readdirSync, renameSync, unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactBody } from '../adapter';
import { toBuffer } from '../artifact-body';
import { FAILURES } from '../failures';
import { envInteger } from '../util/env-integer';
import { makeDir } from '../util/environment';
import type { FragmentIndex } from './fragment-file';
import type { PostingHistory } from './validate';

export interface ManifestEntry {
  contentType: string;
  status: number;
  sha256: string;
  size: number;
  /** When these bytes first appeared at this path (ISO); kept while they stay the same. */
  since: string;
  posting?: string;
  channel: string;
  /** The render key the file was made with (fingerprint.ts): a posting's own key, or for a channel's shared files the key of all its postings. */
  key?: string;
  /** Where each posting's fragment is in a fragmented body (src/pipeline/fragment-file.ts). */
  fragments?: FragmentIndex;
  /**
   * For one of several files a channel makes of its postings (a feed's page, `Artifact.madeOf`): the
   * key of what this file alone is made of, so it is carried over while its own postings are unchanged.
   */
  part?: string;
}

/** Which ledger the output belongs to (docs/publication.md, "The output and the ledger belong together"). */
export interface ManifestLedger {
  id: string;
  /** The publish run this output was built for (a build alone: the ledger's last run). */
  seq: number;
  /** Built by a publish run, which planned the notifications for it; false for `build` and watch. */
  told: boolean;
}

/** A broken source file at build time (for /healthz and the admin of any process). */
export interface ManifestProblem {
  file: string;
  line?: number;
  col?: number;
  code: string;
  message: string;
  /** Its role's last good version was built in its place. */
  kept: boolean;
}

export interface Manifest {
  version: 1;
  /** Instant the build was for. */
  builtFor: string;
  artifacts: Record<string, ManifestEntry>;
  history: PostingHistory;
  ledger?: ManifestLedger;
  problems?: ManifestProblem[];
}

export interface OutputLayout {
  outDir: string;
  generationsDir: string;
}

export function layoutFor(outDir: string): OutputLayout {
  const abs = path.resolve(outDir);
  return { outDir: abs, generationsDir: path.join(path.dirname(abs), `.${path.basename(abs)}.generations`) };
}

/** The generation folder the output currently points at, or undefined (no output yet, or a plain folder). */
export async function currentGeneration(layout: OutputLayout): Promise<string | undefined> {
  try {
    const target = await fs.readlink(layout.outDir);
    return path.dirname(path.resolve(path.dirname(layout.outDir), target));
  } catch {
    return undefined;
  }
}

export async function readManifest(generation: string | undefined): Promise<Manifest | undefined> {
  if (!generation) return undefined;
  try {
    const m = JSON.parse(await fs.readFile(path.join(generation, 'manifest.json'), 'utf8')) as Manifest;
    return m.version === 1 ? m : undefined;
  } catch {
    return undefined;
  }
}

export interface Generation {
  dir: string;
  site: string;
}

export async function startGeneration(layout: OutputLayout, now = Date.now()): Promise<Generation> {
  await makeDir(layout.generationsDir, 'output');
  const name = generationName(now);
  const dir = path.join(layout.generationsDir, name);
  const site = path.join(dir, 'site');
  await fs.mkdir(site, { recursive: true });
  return { dir, site };
}

/** Generation folders sort in creation order: pruning treats a name after the current one as a build in progress. */
const generationName = (now: number): string => `${String(now).padStart(18, '0')}-${randomBytes(4).toString('hex')}`;

/**
 * A relative artifact path that cannot leave the output folder: no empty segment and none starting
 * with a dot (so no `.` or `..`), no backslash or NUL. Written as substring tests, not a split: every
 * build checks each of its ~5 files a role.
 */
export function assertSafeArtifactPath(p: string): void {
  const bad = !p || p[0] === '/' || p[0] === '.' || p.endsWith('/') || p.includes('//') || p.includes('/.') || p.includes('\\') || p.includes('\0');
  if (bad) throw FAILURES.unsafeOutputPath(JSON.stringify(p));
}

const FLUSH_BYTES = 256 * 1024;

/** What the manifest records of a file's bytes. */
export type WrittenBytes = Pick<ManifestEntry, 'sha256' | 'size'>;

/** `mkdir -p`, once per folder for a caller that keeps `madeDirs` across the files it writes. */
export async function makeDirOnce(dir: string, madeDirs?: Set<string>): Promise<void> {
  if (madeDirs?.has(dir)) return;
  await fs.mkdir(dir, { recursive: true });
  madeDirs?.add(dir);
}

/** Stream a body to a new file, hashing as it goes; chunks are batched, never joined into one string. */
export async function writeBody(file: string, body: ArtifactBody, madeDirs?: Set<string>): Promise<WrittenBytes> {
  await makeDirOnce(path.dirname(file), madeDirs);
  if (typeof body === 'string' || body instanceof Uint8Array) {
    // Whole bodies in one call: most files are small pages, where per-write round trips dominate.
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await fs.writeFile(file, buf, { flag: 'wx' });
    return { sha256: createHash('sha256').update(buf).digest('hex'), size: buf.length };
  }
  return streamBody(file, body);
}

async function streamBody(file: string, body: Exclude<ArtifactBody, string | Uint8Array>): Promise<WrittenBytes> {
  const fh = await fs.open(file, 'wx');
  const out = new BatchedFile(fh);
  try {
    if (Symbol.asyncIterator in body) {
      for await (const chunk of body) if (out.add(chunk)) await out.flush();
    } else {
      for (const chunk of body) if (out.add(chunk)) await out.flush();
    }
    await out.flush();
  } finally {
    await fh.close();
  }
  return out.written();
}

/** An open file that chunks are queued for and written to in batches of FLUSH_BYTES, hashed on the way. */
export class BatchedFile {
  private readonly hash = createHash('sha256');
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly fh: FileHandle) {}

  /** Queue a chunk; true when enough is queued to flush. Sync, so sync bodies pay no await per chunk. */
  add(chunk: string | Uint8Array): boolean {
    const buf = toBuffer(chunk);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    return this.pendingBytes >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    await this.write(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The hash and size of everything written. */
  written(): WrittenBytes {
    return { sha256: this.hash.digest('hex'), size: this.size };
  }

  private async write(buf: Uint8Array): Promise<void> {
    this.hash.update(buf);
    this.size += buf.length;
    let off = 0;
    while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
  }
}

/** Marker a generation gets when another replaces it; pruning waits GRACE after it. */
const RETIRED = 'retired-at';
/**
 * Long enough for every server to notice the swap (they check every 250 ms) and finish reads.
 * `JOBCAST_GENERATION_GRACE_MS` shortens it for tests, so a sequence of builds recycles trees.
 */
const generationGraceMs = (): number => envInteger('JOBCAST_GENERATION_GRACE_MS', 30_000);

/**
 * Point the output at `generation` with one atomic rename, after `beforeSwap` (the writer's fence
 * check); the generation it replaces is marked retired, kept for readers, pruned later.
 */
export async function commitGeneration(
  layout: OutputLayout,
  generation: Generation,
  manifest: Manifest,
  beforeSwap: () => void | Promise<void> = () => undefined,
): Promise<void> {
  await fs.writeFile(path.join(generation.dir, 'manifest.json'), JSON.stringify(manifest) + '\n');
  const target = path.relative(path.dirname(layout.outDir), generation.site);
  const tmpLink = `${layout.outDir}.${randomBytes(4).toString('hex')}.tmp`;
  const replaced = await currentGeneration(layout);
  await fs.symlink(target, tmpLink);
  try {
    const existing = await fs.lstat(layout.outDir).catch(() => undefined);
    if (existing && !existing.isSymbolicLink()) {
      if (!existing.isDirectory()) throw FAILURES.outputNotFolder(layout.outDir);
      // A plain folder from elsewhere: move it aside once (kept as an old generation), then link.
      const aside = path.join(layout.generationsDir, `000000000000000000-previous-${randomBytes(3).toString('hex')}`);
      await fs.mkdir(aside);
      await fs.rename(layout.outDir, path.join(aside, 'site'));
    }
    await beforeSwap();
    await fs.rename(tmpLink, layout.outDir);
  } catch (err) {
    await fs.rm(tmpLink, { force: true });
    throw err;
  }
  if (replaced) await retire(replaced);
}

async function retire(generation: string): Promise<void> {
  await fs.writeFile(path.join(generation, RETIRED), new Date().toISOString() + '\n', { flag: 'wx' }).catch(() => undefined);
}

export async function discardGeneration(generation: Generation): Promise<void> {
  await fs.rm(generation.dir, { recursive: true, force: true });
}

/** When a generation was retired (its marker's time), or undefined when it has no marker yet. */
async function retiredAt(dir: string): Promise<number | undefined> {
  const st = await fs.stat(path.join(dir, RETIRED)).catch(() => undefined);
  // Whole milliseconds, as Date.now() counts: a marker written 0.7 ms into the current millisecond
  // must not look as if it were written after "now".
  return st ? Math.floor(st.mtimeMs) : undefined;
}

/**
 * Delete generations nobody can be reading: not the current one, not the one it replaced, and only
 * `graceMs` after they were retired. Only the lease holder prunes, so a generation without a manifest
 * is a build that died; it is marked now and removed a grace later, like any other.
 */
export async function pruneGenerations(layout: OutputLayout, previous?: string, graceMs = generationGraceMs(), now = Date.now()): Promise<void> {
  removeGenerations(layout, await prunableGenerations(layout, previous, graceMs, now));
}

/**
 * The generations pruning would delete now (pruneGenerations), each one not yet marked marked. A
 * build takes this list before it starts its own generation and deletes them while it works: a
 * generation of 100,000 roles is half a million files, seconds of unlinking.
 */
export async function prunableGenerations(layout: OutputLayout, previous?: string, graceMs = generationGraceMs(), now = Date.now()): Promise<string[]> {
  const current = await currentGeneration(layout);
  if (!current) return [];
  let names: string[];
  try {
    names = await fs.readdir(layout.generationsDir);
  } catch {
    return [];
  }
  const keep = new Set([path.basename(current), previous ? path.basename(previous) : '']);
  const doomed: string[] = [];
  for (const name of names) {
    if (keep.has(name)) continue;
    const dir = path.join(layout.generationsDir, name);
    const at = await retiredAt(dir);
    if (at === undefined) await retire(dir);
    else if (now - at >= graceMs) doomed.push(dir);
  }
  return doomed;
}

/**
 * Remove generations without anyone waiting for it: each is renamed into the trash folder beside the
 * generations (one atomic rename, so a generation is either still listed or gone), and a detached
 * process deletes the trash, as `git gc --auto` goes to the background. Deleting a generation of
 * 10,000 roles is 4 s of metadata writes; done during a build it slowed every file operation of the
 * build (a one-edit rebuild took 21 s instead of 9 s), and done after it the user waited for it.
 * Whatever a remover leaves (it died, the machine stopped) the next one deletes.
 */
export function removeGenerations(layout: OutputLayout, dirs: readonly string[]): void {
  const trash = trashFor(layout);
  if (dirs.length) mkdirSync(trash, { recursive: true });
  for (const dir of dirs) {
    try {
      renameSync(dir, path.join(trash, path.basename(dir)));
    } catch {
      // Gone already, or the trash went with a remover finishing: the next pruning sees it again.
    }
  }
  let left: string[];
  try {
    left = readdirSync(trash);
  } catch {
    return;
  }
  if (left.length) startRemover(trash);
}

/** A retired generation's folder taken over by a new build, and what its manifest said the tree holds. */
export interface RecycledGeneration {
  /** The retired generation's folder it was (renamed since). */
  from: string;
  generation: Generation;
  /** The tree's files as its own build recorded them (GenerationWriter brings them to the new manifest). */
  holds: Manifest['artifacts'];
}

/**
 * Take over one of `doomed` (retired past their grace, so nobody reads them) as the folder of a new
 * generation: a build then changes the files that differ instead of making every folder and linking
 * every file again. Its manifest is read and deleted first, so a build that dies half-way leaves a
 * folder without one, which is never recycled or served and is pruned like any dead build; its
 * source cache and retirement marker go to the trash, and it is renamed to a new generation's name.
 * Returns undefined when none of `doomed` has a readable manifest and its public files.
 */
export async function recycleGeneration(layout: OutputLayout, doomed: readonly string[], now = Date.now()): Promise<RecycledGeneration | undefined> {
  for (const dir of [...doomed].sort().reverse()) {
    const manifest = await readManifest(dir);
    if (!manifest || !(await fs.stat(path.join(dir, 'site')).catch(() => undefined))?.isDirectory()) continue;
    try {
      return { from: dir, generation: takeOver(layout, dir, now), holds: manifest.artifacts };
    } catch {
      // The machine refused a step: the build starts a fresh generation, and this folder, without
      // its manifest by then, is pruned like a dead build.
      return undefined;
    }
  }
  return undefined;
}

function takeOver(layout: OutputLayout, dir: string, now: number): Generation {
  unlinkSync(path.join(dir, 'manifest.json'));
  const trash = trashFor(layout);
  mkdirSync(trash, { recursive: true });
  for (const entry of readdirSync(dir)) if (entry !== 'site') renameSync(path.join(dir, entry), path.join(trash, `${path.basename(dir)}-${entry}`));
  const target = path.join(layout.generationsDir, generationName(now));
  renameSync(dir, target);
  return { dir: target, site: path.join(target, 'site') };
}

/** Where removed generations wait for deletion: beside the output, never inside what is served. */
export const trashFor = (layout: OutputLayout): string => `${layout.generationsDir.replace(/\.generations$/, '')}.trash`;

/** Every entry of the trash, then the trash itself when nothing new was moved in meanwhile. */
const REMOVER = `
const fs = require('node:fs'), path = require('node:path');
const trash = process.argv[1];
for (const name of fs.readdirSync(trash)) fs.rmSync(path.join(trash, name), { recursive: true, force: true });
try { fs.rmdirSync(trash); } catch {}
`;

function startRemover(trash: string): void {
  try {
    const child = spawn(process.execPath, ['-e', REMOVER, trash], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No process to spare: the next pruning tries again.
  }
}
