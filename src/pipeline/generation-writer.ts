/**
 * The generation a build fills: each path claimed by one channel, each file written fresh or carried
 * over from the previous generation, and each recorded in the manifest that goes with it.
 */
import { createHash } from 'node:crypto';
import { constants, copyFileSync, linkSync, mkdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import path from 'node:path';
import { isFragmented, type Artifact } from '../adapter';
import { collectBytes } from '../artifact-body';
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { environmentCode, environmentError } from '../util/environment';
import { Interner } from '../util/interner';
import { writeFragmented, type PreviousFragments } from './fragment-file';
import { assertSafeArtifactPath, makeDirOnce, writeBody, type Generation, type Manifest, type ManifestEntry, type ManifestProblem } from './output-store';
import type { BrokenFile, Validation } from './validate';

/** How many carried-over files are linked between turns of the event loop (about 10 ms of links). */
const YIELD_EVERY = 256;

interface GenerationWriterOptions {
  /** The instant the build is for. */
  now: Date;
  validation: Validation;
  /** The manifest of the output this generation replaces. */
  previous: Manifest | undefined;
  /** What the manifest records of the ledger. */
  identity?: Manifest['ledger'];
  /**
   * The files already in the generation's folder, when it is a recycled tree (recycleGeneration):
   * a carried-over file whose bytes are there already stays, everything written replaces what was
   * there, and what the build does not make is deleted by `finish`.
   */
  holds?: Manifest['artifacts'];
}

export class GenerationWriter {
  private readonly manifest: Manifest;
  private readonly madeDirs = new Set<string>();
  /** Which channel claimed each path. */
  private readonly claimed = new Map<string, string>();
  /** Files carried over since the event loop last had a turn. */
  private linked = 0;
  /** What the recycled tree holds and this build has not settled yet (GenerationWriterOptions.holds). */
  private readonly unsettled: Map<string, ManifestEntry> | undefined;
  /**
   * One copy of each string many entries repeat (content types, posting ids and the build's instant):
   * files a worker wrote arrive with copies of their own, five a role.
   */
  private readonly strings = new Interner();
  private readonly nowIso: string;

  constructor(
    private readonly generation: Generation,
    private readonly opts: GenerationWriterOptions,
  ) {
    this.manifest = newManifest(opts);
    this.nowIso = opts.now.toISOString();
    this.unsettled = opts.holds ? new Map(Object.entries(opts.holds)) : undefined;
  }

  /** Whether the folder is a recycled tree, where a file may already be at a path being written. */
  get recycled(): boolean {
    return this.unsettled !== undefined;
  }

  /**
   * Settle `p` in a recycled tree: the entry it held, after deleting the file unless `keepIf` says
   * its bytes are the ones wanted. A file of the tree may be a hard link to one being served, so it
   * is never written over in place: it is unlinked and a new file made.
   */
  private settle(p: string, keepIf?: ManifestEntry): boolean {
    const held = this.unsettled?.get(p);
    if (!held) return false;
    this.unsettled!.delete(p);
    const file = path.join(this.generation.site, p);
    if (keepIf && held.sha256 === keepIf.sha256 && held.size === keepIf.size && statSync(file, { throwIfNoEntry: false })?.size === keepIf.size) return true;
    rmSync(file, { force: true });
    return false;
  }

  /** Reserve `p` for `channel`: two channels (or two files) at one path are a bug. */
  claim(p: string, channel: string): void {
    assertSafeArtifactPath(p);
    const clash = this.claimed.get(p);
    if (clash) throw FAILURES.pathClash(clash, channel, p);
    this.claimed.set(p, channel);
  }

  /** Give up a claim whose carry-over failed, so the render that replaces it can claim what it makes. */
  release(p: string): void {
    this.claimed.delete(p);
  }

  /**
   * Write one artifact and record it in the manifest, with the keys it was made with (fingerprint.ts).
   * A fragmented body copies unchanged postings' fragments from the previous generation's file at the
   * same path (`made.fragments`: where that is and the render keys now).
   */
  async put(artifact: Artifact, channel: string, key?: string, made: { part?: string; fragments?: FragmentSource } = {}): Promise<void> {
    this.settle(artifact.path);
    const written = await this.write(artifact, channel, made.fragments);
    this.record({ ...artifact, ...written }, channel, key, made.part);
  }

  /** Record a file in the manifest: one `put` wrote, or a render worker (render-pool.ts) wrote into this generation. */
  record(file: WrittenFile, channel: string, key?: string, part?: string): void {
    // A worker wrote it (having unlinked what the recycled tree held there), or put did.
    this.unsettled?.delete(file.path);
    const status = file.status ?? 200;
    const before = this.opts.previous?.artifacts[file.path];
    this.manifest.artifacts[file.path] = {
      contentType: this.strings.intern(file.contentType),
      status,
      sha256: file.sha256,
      size: file.size,
      // When these exact bytes first appeared: Last-Modified, and unchanged across rebuilds.
      since: before && before.sha256 === file.sha256 && before.status === status ? before.since : this.nowIso,
      channel,
      ...(file.posting ? { posting: this.strings.intern(file.posting) } : {}),
      ...(key ? { key } : {}),
      ...(part ? { part } : {}),
      ...(file.fragments ? { fragments: file.fragments } : {}),
    };
  }

  /** The folder the generation's public files go in. */
  get site(): string {
    return this.generation.site;
  }

  /**
   * Hard-link unchanged files from the previous generation (copy where links are not possible).
   * False when a file is gone or is not the size the manifest says (cut short where it is served),
   * so the caller renders instead. The links are made with sync calls: a link is a few microseconds
   * of kernel time, and libuv's round trip cost three times that (49,000 files took 5 s, now 1.5 s).
   * The event loop gets a turn every YIELD_EVERY files, so a server in the same process keeps answering.
   */
  async carryOver(fromSite: string, files: readonly [string, ManifestEntry][]): Promise<boolean> {
    if ((this.linked += files.length) >= YIELD_EVERY) {
      this.linked = 0;
      await setImmediatePromise();
    }
    try {
      for (const [p, e] of files) this.linkOne(fromSite, p, e);
      return true;
    } catch {
      for (const [p] of files) {
        delete this.manifest.artifacts[p];
        rmSync(path.join(this.generation.site, p), { force: true });
      }
      return false;
    }
  }

  private linkOne(fromSite: string, p: string, e: ManifestEntry): void {
    if (this.settle(p, e)) {
      this.manifest.artifacts[p] = e;
      return;
    }
    const target = path.join(this.generation.site, p);
    makeDirSync(path.dirname(target), this.madeDirs);
    try {
      linkSync(path.join(fromSite, p), target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
      // Never copy over a file a recycled tree has there: it may be a link to a served one.
      if (this.recycled) rmSync(target, { force: true });
      copyFileSync(path.join(fromSite, p), target, this.recycled ? constants.COPYFILE_EXCL : 0);
    }
    if (statSync(target).size !== e.size) throw new Error(`${p} is not the file the previous build wrote`);
    this.manifest.artifacts[p] = e;
  }

  /**
   * The manifest, its artifacts in path order (they are recorded as writes finish, in any order).
   * In a recycled tree, the files this build did not make are deleted first, and the folders they leave empty.
   */
  finish(): Manifest {
    if (this.unsettled) removeUnsettled(this.generation.site, this.unsettled.keys());
    this.manifest.artifacts = Object.fromEntries(Object.entries(this.manifest.artifacts).sort(([a], [b]) => (a < b ? -1 : 1)));
    return this.manifest;
  }

  /** The previous generation's file at `p`, when the same channel wrote it as fragments. */
  private previousFragments(p: string, channel: string, fromSite: string | undefined): PreviousFragments | undefined {
    const before = this.opts.previous?.artifacts[p];
    if (!fromSite || !before?.fragments || before.channel !== channel) return undefined;
    return { file: path.join(fromSite, p), size: before.size, index: before.fragments };
  }

  private async write(artifact: Artifact, channel: string, fragments?: FragmentSource): Promise<WrittenBody> {
    if (!fragments || !isFragmented(artifact.body)) return writeArtifact(this.generation.site, artifact, channel, this.madeDirs);
    const file = path.join(this.generation.site, artifact.path);
    const body = artifact.body;
    return writing(channel, artifact.path, file, async () => {
      await makeDirOnce(path.dirname(file), this.madeDirs);
      return writeFragmented(file, body, fragments.keys, this.previousFragments(artifact.path, channel, fragments.fromSite));
    });
  }
}

/** What the manifest records of a file's bytes. */
type WrittenBody = Pick<ManifestEntry, 'sha256' | 'size' | 'fragments'>;

/** A file written into the generation: where, what it is, and its bytes' hash and size. */
export type WrittenFile = Pick<Artifact, 'path' | 'contentType' | 'status' | 'posting'> & WrittenBody;

/** Write one artifact's body under `site`; what fails is the machine's (JC_ENVIRONMENT) or the channel's. */
export function writeArtifact(site: string, artifact: Artifact, channel: string, madeDirs: Set<string>): Promise<WrittenBody> {
  const file = path.join(site, artifact.path);
  return writing(channel, artifact.path, file, () => writeBody(file, artifact.body, madeDirs));
}

/**
 * Write one small artifact (a posting's own file) with blocking calls, for a render worker
 * (render-worker.ts): on its own thread a blocking write costs its system calls only, where
 * an async one also costs two thread hand-offs through libuv's pool.
 */
export async function writeArtifactBlocking(site: string, artifact: Artifact, channel: string, madeDirs: Set<string>, replace = false): Promise<WrittenBody> {
  const file = path.join(site, artifact.path);
  return writing(channel, artifact.path, file, async () => {
    const bytes = await collectBytes(artifact.body);
    makeDirSync(path.dirname(file), madeDirs);
    // In a recycled tree (GenerationWriterOptions.holds) the file there may be a link to a served one: unlink, never overwrite.
    if (replace) rmSync(file, { force: true });
    writeFileSync(file, bytes, { flag: 'wx' });
    return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  });
}

/**
 * `mkdir -p` with blocking calls, once per folder: a folder whose parent this build made is made
 * with one plain mkdir (a third cheaper than a recursive one, and a rebuild makes one per role).
 */
function makeDirSync(dir: string, madeDirs: Set<string>): void {
  if (madeDirs.has(dir)) return;
  if (madeDirs.has(path.dirname(dir))) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    madeDirs.add(dir);
    return;
  }
  mkdirSync(dir, { recursive: true });
  // Its parents exist now too, so their other children are made with a plain mkdir.
  for (let d = dir; !madeDirs.has(d) && path.dirname(d) !== d; d = path.dirname(d)) madeDirs.add(d);
}

async function writing<T>(channel: string, p: string, file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isJobcastError(err)) throw err;
    if (environmentCode(err)) throw environmentError(err, `write ${file}`);
    throw FAILURES.channelCrashedWriting(channel, p, (err as Error).message);
  }
}

function removeUnsettled(site: string, paths: Iterable<string>): void {
  const dirs = new Set<string>();
  for (const p of paths) {
    rmSync(path.join(site, p), { force: true });
    for (let d = path.dirname(p); d !== '.'; d = path.dirname(d)) dirs.add(d);
  }
  // Deepest first, so a role's folder goes before the folder holding it; a folder still in use stays.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(path.join(site, d));
    } catch {
      // Not empty: other files of the build are in it.
    }
  }
}

/** What a fragmented body may be assembled from: the previous generation's files, and each posting's render key now. */
export interface FragmentSource {
  fromSite: string | undefined;
  keys: ReadonlyMap<string, string>;
}

/** A manifest with no artifacts yet: the build's instant, history, ledger and broken files. */
export function newManifest({ now, validation, identity }: GenerationWriterOptions): Manifest {
  return {
    version: 1,
    builtFor: now.toISOString(),
    artifacts: {},
    history: validation.history,
    ...(identity ? { ledger: identity } : {}),
    ...(validation.broken.length ? { problems: validation.broken.map(problemOf) } : {}),
  };
}

function problemOf(b: BrokenFile): ManifestProblem {
  return {
    file: b.file,
    ...(b.error.line ? { line: b.error.line } : {}),
    ...(b.error.col ? { col: b.error.col } : {}),
    code: b.error.code,
    message: b.error.message,
    kept: b.kept,
  };
}
