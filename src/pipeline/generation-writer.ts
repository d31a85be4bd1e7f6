/**
 * The generation a build fills: each path claimed by one channel, each file written fresh or carried
 * over from the previous generation, and each recorded in the manifest that goes with it.
 */
import { createHash } from 'node:crypto';
import { rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isFragmented, type Artifact } from '../adapter';
import { collectBytes } from '../artifact-body';
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { environmentCode, environmentError } from '../util/environment';
import { Interner } from '../util/interner';
import { writeFragmented, type PreviousFragments } from './fragment-file';
import { linkFiles, makeDirSync, type LinkOp } from './link-files';
import { assertSafeArtifactPath, makeDirOnce, writeBody, type Generation, type Manifest, type ManifestEntry, type ManifestProblem } from './output-store';
import type { BrokenFile, Validation } from './validate';

/** A posting's files on one channel, to carry over from the previous generation's `fromSite`. */
export interface CarryGroup {
  fromSite: string;
  files: readonly [string, ManifestEntry][];
}

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

/**
 * `site/p` without path.join's normalising (49,000 paths an edit): every `p` carried over was claimed
 * first, so it passed assertSafeArtifactPath (no empty, `.` or `..` segment), and a site folder's
 * path is absolute and normal (made by path.join).
 */
const under = (site: string, p: string): string => `${site}/${p}`;

export class GenerationWriter {
  private readonly manifest: Manifest;
  private readonly madeDirs = new Set<string>();
  /** Which channel claimed each path. */
  private readonly claimed = new Map<string, string>();
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
   * Settle `p` in a recycled tree before it is written: what the tree held there is deleted. A file
   * of the tree may be a hard link to one being served, so it is never written over in place.
   */
  private settle(p: string): void {
    if (!this.unsettled?.delete(p)) return;
    rmSync(path.join(this.generation.site, p), { force: true });
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
   * so the caller renders instead.
   */
  async carryOver(fromSite: string, files: readonly [string, ManifestEntry][]): Promise<boolean> {
    const [carried] = await this.carryOverAll([{ fromSite, files }]);
    return carried!;
  }

  /**
   * `carryOver` for many groups at once (link-files.ts: on a worker thread when there are many),
   * each group a posting's files on one channel; per group, whether all of it was carried over.
   * A group that was not has none of its files left in the generation or its manifest.
   */
  async carryOverAll(groups: readonly CarryGroup[]): Promise<boolean[]> {
    const ops: LinkOp[] = [];
    for (const { fromSite, files } of groups) for (const [p, e] of files) ops.push(this.linkOp(fromSite, p, e));
    const failed = await linkFiles(ops);
    let k = 0;
    return groups.map(({ files }) => {
      const start = k;
      k += files.length;
      if (!failed.subarray(start, k).includes(1)) {
        for (const [p, e] of files) this.manifest.artifacts[p] = e;
        return true;
      }
      for (const [p] of files) rmSync(path.join(this.generation.site, p), { force: true });
      return false;
    });
  }

  /** What carrying `p` over takes: in a recycled tree, whether the file there already is the one wanted. */
  private linkOp(fromSite: string, p: string, e: ManifestEntry): LinkOp {
    const held = this.unsettled?.get(p);
    if (held) this.unsettled!.delete(p);
    const same = held && held.sha256 === e.sha256 && held.size === e.size;
    return {
      from: under(fromSite, p),
      to: under(this.generation.site, p),
      size: e.size,
      held: same ? 'same' : held ? 'other' : 'none',
      recycled: this.recycled,
    };
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
