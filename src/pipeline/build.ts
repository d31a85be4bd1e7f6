/**
 * The build: validate → lifecycle → channels → a fresh generation → one atomic swap, under the
 * writer lease (docs/publication.md, "One writer"). A failing channel leaves the previous output
 * exactly as it was; an invalid source file keeps its role's last good version and is reported,
 * while every other role is built as usual.
 */
import type { Diagnostic } from '../diagnostics';
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { siteLinks, type Project } from '../project';
import { renderContext } from './context';
import {
  commitGeneration,
  currentGeneration,
  discardGeneration,
  layoutFor,
  pruneGenerations,
  readManifest,
  startGeneration,
  type Manifest,
} from './output-store';
import { validateProject, type BrokenFile, type PostingHistory, type Validation } from './validate';
import { Ledger } from '../ledger/ledger';
import type { LeaseHolder, WriterLease } from '../ledger/lease';
import type { Posting } from '../model/posting';
import { CODES } from '../errors';
import { identityProblem } from './identity';
import { forEachLimit } from '../util/concurrency';
import type { Artifact, RenderResult } from '../adapter';
import { configFingerprint, renderKey } from './fingerprint';
import { readSourceCache, writeSourceCache } from './source-cache';
import { GenerationWriter } from './generation-writer';
import { PreviousPostingFiles } from './posting-reuse';

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
  const writer = new GenerationWriter(generation, { now, validation, previous, identity: opts.identity });
  const config = configFingerprint(project.config);
  const reuse = new PreviousPostingFiles(previous && opts.reuse !== false ? { generation: previousGeneration!, manifest: previous } : undefined);

  const crash = (channel: string, err: unknown) => (isJobcastError(err) ? err : FAILURES.channelCrashed(channel, (err as Error).message));

  const links = siteLinks(project);
  let manifest: Manifest;
  try {
    for (const { adapter, entries } of validation.channels) {
      const ctx = renderContext(adapter, project.config, now, links);
      if (adapter.renderPosting) {
        // Each posting's own files: carried over by hard link when nothing they depend on changed.
        await forEachLimit(entries, WRITE_CONCURRENCY, async (entry) => {
          const key = renderKey(adapter.name, entry, config);
          const unchanged = reuse.unchanged(adapter.name, entry.id, key);
          const claimedHere = new Set<string>();
          if (unchanged) {
            for (const [p] of unchanged.files) {
              writer.claim(p, adapter.name);
              claimedHere.add(p);
            }
            if (await writer.carryOver(unchanged.fromSite, unchanged.files)) return;
          }
          let artifacts: Artifact[];
          try {
            artifacts = adapter.renderPosting!(entry, ctx);
          } catch (err) {
            throw crash(adapter.name, err);
          }
          for (const a of artifacts) {
            if (!claimedHere.has(a.path)) writer.claim(a.path, adapter.name);
            await writer.put({ ...a, posting: entry.id }, adapter.name, key);
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
      for (const artifact of result.artifacts) writer.claim(artifact.path, adapter.name);
      await forEachLimit(result.artifacts, WRITE_CONCURRENCY, (artifact) => writer.put(artifact, adapter.name));
    }
    manifest = writer.finish();
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
