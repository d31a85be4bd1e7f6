/**
 * The generation a build fills: each path claimed by one channel, each file written fresh or carried
 * over from the previous generation, and each recorded in the manifest that goes with it.
 */
import { copyFileSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import path from 'node:path';
import { isFragmented, type Artifact } from '../adapter';
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { environmentCode, environmentError } from '../util/environment';
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
}

export class GenerationWriter {
  private readonly manifest: Manifest;
  private readonly madeDirs = new Set<string>();
  /** Which channel claimed each path. */
  private readonly claimed = new Map<string, string>();
  /** Files carried over since the event loop last had a turn. */
  private linked = 0;

  constructor(
    private readonly generation: Generation,
    private readonly opts: GenerationWriterOptions,
  ) {
    this.manifest = newManifest(opts);
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
    const written = await this.write(artifact, channel, made.fragments);
    const status = artifact.status ?? 200;
    const before = this.opts.previous?.artifacts[artifact.path];
    this.manifest.artifacts[artifact.path] = {
      contentType: artifact.contentType,
      status,
      ...written,
      // When these exact bytes first appeared: Last-Modified, and unchanged across rebuilds.
      since: before && before.sha256 === written.sha256 && before.status === status ? before.since : this.opts.now.toISOString(),
      channel,
      ...(artifact.posting ? { posting: artifact.posting } : {}),
      ...(key ? { key } : {}),
      ...(made.part ? { part: made.part } : {}),
      ...(written.fragments ? { fragments: written.fragments } : {}),
    };
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
    const target = path.join(this.generation.site, p);
    const dir = path.dirname(target);
    if (!this.madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    try {
      linkSync(path.join(fromSite, p), target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
      copyFileSync(path.join(fromSite, p), target);
    }
    if (statSync(target).size !== e.size) throw new Error(`${p} is not the file the previous build wrote`);
    this.manifest.artifacts[p] = e;
  }

  /** The manifest, its artifacts in path order (they are recorded as writes finish, in any order). */
  finish(): Manifest {
    this.manifest.artifacts = Object.fromEntries(Object.entries(this.manifest.artifacts).sort(([a], [b]) => (a < b ? -1 : 1)));
    return this.manifest;
  }

  /** The previous generation's file at `p`, when the same channel wrote it as fragments. */
  private previousFragments(p: string, channel: string, fromSite: string | undefined): PreviousFragments | undefined {
    const before = this.opts.previous?.artifacts[p];
    if (!fromSite || !before?.fragments || before.channel !== channel) return undefined;
    return { file: path.join(fromSite, p), size: before.size, index: before.fragments };
  }

  private async write(artifact: Artifact, channel: string, fragments?: FragmentSource): Promise<Pick<ManifestEntry, 'sha256' | 'size' | 'fragments'>> {
    const file = path.join(this.generation.site, artifact.path);
    try {
      const body = artifact.body;
      if (!fragments || !isFragmented(body)) return await writeBody(file, body, this.madeDirs);
      await makeDirOnce(path.dirname(file), this.madeDirs);
      return await writeFragmented(file, body, fragments.keys, this.previousFragments(artifact.path, channel, fragments.fromSite));
    } catch (err) {
      if (isJobcastError(err)) throw err;
      if (environmentCode(err)) throw environmentError(err, `write ${file}`);
      throw FAILURES.channelCrashedWriting(channel, artifact.path, (err as Error).message);
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
