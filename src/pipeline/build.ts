/**
 * The build: validate → lifecycle → channels → a fresh generation → one atomic swap, under the
 * writer lease (docs/publication.md, "One writer"). A failing channel leaves the previous output
 * exactly as it was; an invalid source file keeps its role's last good version and is reported,
 * while every other role is built as usual.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics';
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { siteLinks, type Project } from '../project';
import { renderContext } from './context';
import {
  assertSafeArtifactPath,
  commitGeneration,
  currentGeneration,
  discardGeneration,
  layoutFor,
  pruneGenerations,
  readManifest,
  startGeneration,
  writeBody,
  type Manifest,
  type ManifestEntry,
} from './output-store';
import { validateProject, type BrokenFile, type PostingHistory, type Validation } from './validate';
import { Ledger } from '../ledger/ledger';
import type { LeaseHolder, WriterLease } from '../ledger/lease';
import type { Posting } from '../model/posting';
import { CODES } from '../errors';
import { environmentCode, environmentError } from '../util/environment';
import { identityProblem } from './identity';
import { forEachLimit } from '../util/concurrency';
import type { Artifact, RenderResult } from '../adapter';
import { configFingerprint, renderKey } from './fingerprint';
import { readSourceCache, writeSourceCache } from './source-cache';

const WRITE_CONCURRENCY = 32;

/** How long `jobcast build` waits for another writer before giving up. */
export const BUILD_LEASE_WAIT_MS = 120_000;

export interface BuildOptions {
  now?: Date;
  /** Posting history to carry (the ledger's); default: the previous output's manifest. */
  history?: PostingHistory;
  /** Render and hash everything, then discard it: nothing is swapped in. */
  dryRun?: boolean;
  /** Carry unchanged postings' files over from the previous output (default true). */
  reuse?: boolean;
  /** The writer lease, when the caller holds it (publish); otherwise the build takes it itself. */
  lease?: WriterLease;
  /** The ledger to take the lease from and read last good versions from (default: open project.statePath). */
  ledger?: Ledger;
  /** What the manifest records of the ledger; with a lease given, the caller decides. */
  identity?: Manifest['ledger'];
  /** A broken file's last good content when the previous output does not have it. */
  lastGood?: (id: string) => Posting | undefined;
  /** How long to wait for another writer (ms; default two minutes). */
  waitMs?: number;
  onWait?: (holder: LeaseHolder) => void;
}

export interface BuildResult {
  outDir: string;
  /** Folder of the generation now being served. */
  generation: string;
  manifest: Manifest;
  previous?: Manifest;
  validation: Validation;
  diagnostics: Diagnostic[];
  /** Source files with errors (their roles keep their last good version where they had one). */
  broken: BrokenFile[];
}

/** Build under the writer lease: the caller's, or one taken (and released) here. */
export async function buildProject(project: Project, opts: BuildOptions = {}): Promise<BuildResult> {
  if (opts.lease) return buildLeased(project, opts.lease, opts);
  const ledger = opts.ledger ?? new Ledger(project.statePath);
  try {
    const lease = await ledger.lease.acquire('build', { waitMs: opts.waitMs ?? BUILD_LEASE_WAIT_MS, ...(opts.onWait ? { onWait: opts.onWait } : {}) });
    try {
      const previous = await readManifest(await currentGeneration(layoutFor(project.outDir)));
      const problem = identityProblem(ledger, previous?.ledger, project);
      // A mismatched ledger must not overwrite the evidence: the output keeps the identity it had.
      const identity = problem ? previous!.ledger! : { ...ledger.identity(), told: false };
      const result = await buildLeased(project, lease, { ...opts, identity, lastGood: (id) => ledger.lastGood(id) });
      if (problem) result.diagnostics.push({ code: CODES.STATE_MISMATCH, severity: 'warning', message: problem });
      return result;
    } finally {
      lease.release();
    }
  } finally {
    if (!opts.ledger) ledger.close();
  }
}

async function buildLeased(project: Project, lease: WriterLease, opts: BuildOptions): Promise<BuildResult> {
  const now = opts.now ?? new Date();
  const layout = layoutFor(project.outDir);
  const previousGeneration = await currentGeneration(layout);
  const previous = await readManifest(previousGeneration);
  const cache = opts.reuse === false ? undefined : await readSourceCache(previousGeneration);
  // The previous output decides a broken file's last good version (its source cache carries it); the
  // ledger stands in only when there is no previous output. Otherwise a role deleted since would
  // come back when a broken file takes its name.
  const validation = await validateProject(project, {
    now,
    history: opts.history ?? previous?.history ?? {},
    ...(cache ? { cache } : {}),
    ...(opts.lastGood && !previousGeneration ? { lastGood: opts.lastGood } : {}),
  });
  const diagnostics = [...validation.diagnostics];
  // Named by wall-clock creation time, not the logical `now`: pruning treats names sorting after the
  // current one as builds still in progress, so names must follow build order.
  const generation = await startGeneration(layout);
  const manifest: Manifest = {
    version: 1,
    builtFor: now.toISOString(),
    artifacts: {},
    history: validation.history,
    ...(opts.identity ? { ledger: opts.identity } : {}),
    ...(validation.broken.length
      ? {
          problems: validation.broken.map((b) => ({
            file: b.file,
            ...(b.error.line ? { line: b.error.line } : {}),
            ...(b.error.col ? { col: b.error.col } : {}),
            code: b.error.code,
            message: b.error.message,
            kept: b.kept,
          })),
        }
      : {}),
  };
  const madeDirs = new Set<string>();
  const claimed = new Map<string, string>();
  const config = configFingerprint(project.config);
  const reusable = opts.reuse === false ? new Map<string, [string, ManifestEntry][]>() : previousByPosting(previous);
  const previousSite = previous ? path.join(previousGeneration!, 'site') : undefined;

  /** Write (or link) one artifact and record it in the manifest. */
  const put = async (artifact: Artifact, channel: string, key?: string) => {
    let written;
    try {
      written = await writeBody(path.join(generation.site, artifact.path), artifact.body, madeDirs);
    } catch (err) {
      if (isJobcastError(err)) throw err;
      if (environmentCode(err)) throw environmentError(err, `write ${path.join(generation.site, artifact.path)}`);
      throw FAILURES.channelCrashedWriting(channel, artifact.path, (err as Error).message);
    }
    const status = artifact.status ?? 200;
    const before = previous?.artifacts[artifact.path];
    manifest.artifacts[artifact.path] = {
      contentType: artifact.contentType,
      status,
      ...written,
      // When these exact bytes first appeared: Last-Modified, and unchanged across rebuilds.
      since: before && before.sha256 === written.sha256 && before.status === status ? before.since : now.toISOString(),
      channel,
      ...(artifact.posting ? { posting: artifact.posting } : {}),
      ...(key ? { key } : {}),
    };
  };

  const claim = (p: string, channel: string) => {
    assertSafeArtifactPath(p);
    const clash = claimed.get(p);
    if (clash) throw FAILURES.pathClash(clash, channel, p);
    claimed.set(p, channel);
  };

  const crash = (channel: string, err: unknown) => (isJobcastError(err) ? err : FAILURES.channelCrashed(channel, (err as Error).message));

  const links = siteLinks(project);
  try {
    for (const { adapter, entries } of validation.channels) {
      const ctx = renderContext(adapter, project.config, now, links);
      if (adapter.renderPosting) {
        // Each posting's own files: carried over by hard link when nothing they depend on changed.
        await forEachLimit(entries, WRITE_CONCURRENCY, async (entry) => {
          const key = renderKey(adapter.name, entry, config);
          const old = reusable.get(`${adapter.name}\0${entry.id}`);
          const claimedHere = new Set<string>();
          if (old && previousSite && old.every(([, e]) => e.key === key)) {
            for (const [p] of old) {
              claim(p, adapter.name);
              claimedHere.add(p);
            }
            if (await carryOver(previousSite, generation.site, old, madeDirs, manifest)) return;
          }
          let artifacts: Artifact[];
          try {
            artifacts = adapter.renderPosting!(entry, ctx);
          } catch (err) {
            throw crash(adapter.name, err);
          }
          for (const a of artifacts) {
            if (!claimedHere.has(a.path)) claim(a.path, adapter.name);
            await put({ ...a, posting: entry.id }, adapter.name, key);
          }
        });
      }
      if (!adapter.render) continue;
      let result: RenderResult;
      try {
        result = adapter.render(entries, ctx);
      } catch (err) {
        throw crash(adapter.name, err);
      }
      for (const d of result.diagnostics ?? []) {
        const entry = d.posting ? validation.entries.find((e) => e.id === d.posting) : undefined;
        diagnostics.push({ ...(entry ? entry.locate(d.field ?? '') : {}), ...d, channel: adapter.name });
      }
      // Claim every path first (clashes are a bug), then write with bounded concurrency: file I/O is
      // latency-bound, and one-at-a-time awaits left the CPU idle for a third of a large build.
      for (const artifact of result.artifacts) claim(artifact.path, adapter.name);
      await forEachLimit(result.artifacts, WRITE_CONCURRENCY, (artifact) => put(artifact, adapter.name));
    }
    manifest.artifacts = Object.fromEntries(Object.entries(manifest.artifacts).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (opts.dryRun) await discardGeneration(generation);
    else {
      if (validation.cacheRecords) await writeSourceCache(generation.dir, validation.cacheRecords());
      await commitGeneration(layout, generation, manifest, () => lease.assertHeld());
    }
  } catch (err) {
    await discardGeneration(generation);
    throw err;
  }
  const result = {
    outDir: layout.outDir,
    generation: generation.dir,
    manifest,
    ...(previous ? { previous } : {}),
    validation,
    diagnostics,
    broken: validation.broken,
  };
  if (opts.dryRun) return result;
  lease.assertHeld();
  await pruneGenerations(layout, previousGeneration);
  return result;
}

/** The previous build's per-posting files, by channel and posting. */
function previousByPosting(previous: Manifest | undefined): Map<string, [string, ManifestEntry][]> {
  const out = new Map<string, [string, ManifestEntry][]>();
  for (const [p, e] of Object.entries(previous?.artifacts ?? {})) {
    if (!e.posting || !e.key) continue;
    const k = `${e.channel}\0${e.posting}`;
    out.set(k, [...(out.get(k) ?? []), [p, e]]);
  }
  return out;
}

/**
 * Hard-link a posting's unchanged files from the previous generation (copy where links are not
 * possible). False when a file is gone, so the caller renders instead.
 */
async function carryOver(
  fromSite: string,
  toSite: string,
  files: readonly [string, ManifestEntry][],
  madeDirs: Set<string>,
  manifest: Manifest,
): Promise<boolean> {
  try {
    for (const [p, e] of files) {
      const target = path.join(toSite, p);
      const dir = path.dirname(target);
      if (!madeDirs.has(dir)) {
        await fs.mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      await fs.link(path.join(fromSite, p), target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw err;
        await fs.copyFile(path.join(fromSite, p), target);
      });
      manifest.artifacts[p] = e;
    }
    return true;
  } catch {
    for (const [p] of files) {
      delete manifest.artifacts[p];
      await fs.rm(path.join(toSite, p), { force: true });
    }
    return false;
  }
}
