/**
 * The build: validate → lifecycle → channels → a fresh generation → one atomic swap, under the
 * writer lease (docs/publication.md, "One writer"). A failing channel leaves the previous output
 * exactly as it was; an invalid source file keeps its role's last good version and is reported,
 * while every other role is built as usual.
 */
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';
import type { Project } from '../project';
import { Ledger } from '../ledger/ledger';
import type { LeaseHolder, WriterLease } from '../ledger/lease';
import type { Posting } from '../model/posting';
import { GenerationWriter } from './generation-writer';
import { identityProblem } from './identity';
import {
  commitGeneration,
  currentGeneration,
  discardGeneration,
  layoutFor,
  prunableGenerations,
  recycleGeneration,
  removeGenerations,
  readManifest,
  startGeneration,
  type Manifest,
  type OutputLayout,
  type RecycledGeneration,
} from './output-store';
import { PreviousPostingFiles } from './posting-reuse';
import type { ProgressListener } from './progress';
import { channelKeys, renderChannels } from './render-channels';
import { readSourceCache, writeSourceCache, type CachedSource } from './source-cache';
import { checkPresence, unchangedOutput } from './unchanged-output';
import { validateProject, type BrokenFile, type PostingHistory, type Validation } from './validate';

/** How long `jobcast build` waits for another writer before giving up. */
const BUILD_LEASE_WAIT_MS = 120_000;

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
  lastGood?: (id: string) => Promise<Posting | undefined>;
  /** The output as the caller read it under the `lease` it passes, so the build does not read it again. */
  output?: ServedOutput;
  /** How long to wait for another writer (ms; default two minutes). */
  waitMs?: number;
  onWait?: (holder: LeaseHolder) => void;
  /** Told how far the build is (progress.ts). */
  onProgress?: ProgressListener;
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
  /** Worker threads that rendered postings' own files (src/pipeline/render-pool.ts); 0 when this thread rendered them. */
  workers: number;
}

/** Build under the writer lease: the caller's, or one taken (and released) here. */
export async function buildProject(project: Project, opts: BuildOptions = {}): Promise<BuildResult> {
  if (opts.lease) return buildLeased(project, opts.lease, opts, opts.output);
  const ledger = opts.ledger ?? (await Ledger.open(project.statePath));
  try {
    const lease = await ledger.lease.acquire('build', { waitMs: opts.waitMs ?? BUILD_LEASE_WAIT_MS, ...(opts.onWait ? { onWait: opts.onWait } : {}) });
    try {
      const output = await servedOutput(layoutFor(project.outDir));
      const problem = await identityProblem(ledger, output.manifest?.ledger, project);
      // A mismatched ledger must not overwrite the evidence: the output keeps the identity it had.
      const identity = problem ? output.manifest!.ledger! : { ...(await ledger.identity()), told: false };
      const result = await buildLeased(project, lease, { ...opts, identity, lastGood: (id) => ledger.lastGood(id) }, output);
      if (problem) result.diagnostics.push({ code: CODES.STATE_MISMATCH, severity: 'warning', message: problem });
      return result;
    } finally {
      await lease.release();
    }
  } finally {
    if (!opts.ledger) await ledger.close();
  }
}

/** The generation the output points at, and its manifest. */
export interface ServedOutput {
  generation: string | undefined;
  manifest: Manifest | undefined;
}

/** The output now (read once per build: at 100k roles the manifest is tens of MiB). */
export async function servedOutput(layout: OutputLayout): Promise<ServedOutput> {
  const generation = await currentGeneration(layout);
  return { generation, manifest: await readManifest(generation) };
}

/** `output`: what the output is now, when the caller has read it under this lease. */
async function buildLeased(project: Project, lease: WriterLease, opts: BuildOptions, output?: ServedOutput): Promise<BuildResult> {
  const now = opts.now ?? new Date();
  const layout = layoutFor(project.outDir);
  const { generation: previousGeneration, manifest: previous } = output ?? (await servedOutput(layout));
  const pruning = await startPruning(layout, previousGeneration, opts.dryRun);
  const cache = opts.reuse === false ? undefined : await readSourceCache(previousGeneration);
  const served = previous && opts.reuse !== false ? { generation: previousGeneration!, manifest: previous } : undefined;
  const presence = served && cache ? checkPresence(served) : undefined;
  const validation = await validateForBuild(project, { now, previousGeneration, previous, cache, opts });
  const reuse = new PreviousPostingFiles(served);
  const keys = channelKeys(validation);
  const unchanged = presence && (await unchangedOutput({ validation, now, previous: served!, cache: cache!, reuse, keys, identity: opts.identity, presence }));
  presence?.stop();
  if (unchanged) return keptAsItIs({ layout, served: served!, validation, pruning });
  // Named by wall-clock creation time, not the logical `now`: pruning treats names sorting after the
  // current one as builds still in progress, so names must follow build order.
  const recycled = opts.reuse === false ? undefined : await pruning.recycle();
  const generation = recycled?.generation ?? (await startGeneration(layout));
  const writer = new GenerationWriter(generation, { now, validation, previous, identity: opts.identity, ...(recycled ? { holds: recycled.holds } : {}) });
  let diagnostics: Diagnostic[];
  let manifest: Manifest;
  let workers: number;
  try {
    const rendered = await renderChannels(project, validation, { now, writer, reuse, keys, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    diagnostics = [...validation.diagnostics, ...rendered.diagnostics];
    workers = rendered.workers;
    manifest = writer.finish();
    if (opts.dryRun) await discardGeneration(generation);
    else {
      if (validation.cacheRecords) await writeSourceCache(generation.dir, validation.cacheRecords(), cache ? previousGeneration : undefined);
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
    workers,
  };
  pruning.finish();
  return result;
}

/**
 * The generations past their grace, listed before the build starts its own (pruning treats a name
 * sorting after the current one as a build in progress), and removed once the output is swapped
 * (removeGenerations: in the background). A dry run and a failed build remove nothing.
 */
async function startPruning(layout: OutputLayout, previousGeneration: string | undefined, dryRun: boolean | undefined): Promise<Pruning> {
  const doomed = dryRun ? [] : await prunableGenerations(layout, previousGeneration);
  let recycled: string | undefined;
  return {
    recycle: async () => {
      const taken = await recycleGeneration(layout, doomed);
      recycled = taken?.from;
      return taken;
    },
    finish: () =>
      removeGenerations(
        layout,
        doomed.filter((d) => d !== recycled),
      ),
  };
}

/** Generations to remove; `recycle` takes one over as the new generation's folder (recycleGeneration), `finish` removes the rest. */
interface Pruning {
  recycle(): Promise<RecycledGeneration | undefined>;
  finish(): void;
}

/** Nothing to build: the served output is what this build would make, so it stays, and no copy of it is linked. */
function keptAsItIs(k: { layout: OutputLayout; served: { generation: string; manifest: Manifest }; validation: Validation; pruning: Pruning }): BuildResult {
  const { layout, served, validation } = k;
  const { generation, manifest } = served;
  const result = {
    outDir: layout.outDir,
    generation,
    manifest,
    previous: manifest,
    validation,
    diagnostics: [...validation.diagnostics],
    broken: validation.broken,
    workers: 0,
  };
  k.pruning.finish();
  return result;
}

/** The sources validated against the output being replaced: its history, source cache and last good versions. */
async function validateForBuild(
  project: Project,
  {
    now,
    previousGeneration,
    previous,
    cache,
    opts,
  }: { now: Date; previousGeneration: string | undefined; previous: Manifest | undefined; cache: Map<string, CachedSource> | undefined; opts: BuildOptions },
): Promise<Validation> {
  // The previous output decides a broken file's last good version (its source cache carries it); the
  // ledger stands in only when there is no previous output. Otherwise a role deleted since would
  // come back when a broken file takes its name.
  return validateProject(project, {
    now,
    history: opts.history ?? previous?.history ?? {},
    ...(cache ? { cache } : {}),
    ...(opts.lastGood && !previousGeneration ? { lastGood: opts.lastGood } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}
