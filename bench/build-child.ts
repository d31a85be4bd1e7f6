/**
 * One build measurement in its own process (so sizes do not pollute each other's heap or peak RSS):
 * full build → peak RSS → the limit (same bytes, same paths, plain fs) → optionally a rebuild with
 * nothing changed and one with one edited role → optionally a ledger seeded from the full build (for the publish step).
 */
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { adapters } from '../adapters';
import { buildProject, type BuildResult } from '../src/pipeline/build';
import {
  BuildProbe,
  childArgs,
  childFailed,
  childReporter,
  maxRssMiB,
  MiB,
  now,
  openBenchProject,
  seedLedger,
  type BenchProject,
  type BuildTiming,
} from './common';
import { editSalary, postingFile } from './generate';

export interface BuildChildArgs extends BenchProject {
  n: number;
  now: string;
  limit: boolean;
  /** Rebuild with nothing changed, then edit this role's salary and rebuild, into the same output. */
  editId?: string;
  /** Write a ledger seeded from the full build here. */
  seedLedgerTo?: string;
}

export interface LimitResult {
  /** The limit: the faster of the two ways below. */
  writeMs: number;
  /** mkdir (once per folder) + fs.promises.writeFile of every artifact, one after another. */
  sequentialMs: number;
  /** The same with 32 writes in flight: the best of `parallelRuns` runs (each into a fresh folder). */
  parallelMs: number;
  parallelRuns: number;
  /** Time to read the files back into memory (not part of the limit; for reference). */
  readMs: number;
  files: number;
  bytes: number;
}

export interface BuildChildResult {
  n: number;
  full: BuildTiming;
  postings: number;
  /** Peak RSS of this process right after the full build (MiB). */
  peakRssMiB: number;
  limit?: LimitResult;
  /** Rebuilt with nothing changed. */
  noop?: BuildTiming;
  rebuild?: BuildTiming;
  /** A second edit, built into the full build's retired generation's folder (recycleGeneration). */
  recycledRebuild?: BuildTiming;
  /** Whether that build really took the full build's folder over. */
  recycled?: boolean;
  diagnostics: { errors: number; warnings: number };
}

const LIMIT_CONCURRENCY = 32;

/** Write `batch` under `dest` with `concurrency` writes in flight, creating each folder once. */
async function writeAll(batch: readonly [string, Buffer][], dest: string, dirs: Map<string, Promise<unknown>>, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const [p, buf] = batch[next++]!;
      const file = path.join(dest, p);
      const d = path.dirname(file);
      let made = dirs.get(d);
      if (!made) {
        made = fs.mkdir(d, { recursive: true });
        dirs.set(d, made);
      }
      await made;
      await fs.writeFile(file, buf);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * The limit: write the build's artifacts' bytes to the same relative paths in fresh folders with plain
 * fs, once one file after another and (best of `runs`) 32 at a time; the faster counts. Bytes are read
 * into memory first, in batches of ≤ 256 MiB so 100k roles fit; only the writing is timed. Disk
 * write-back makes single runs noisy, hence the best of several parallel runs.
 */
async function measureLimit(result: BuildResult, dir: string, runs: number, phase: (t: string) => void): Promise<LimitResult> {
  const paths = Object.keys(result.manifest.artifacts);
  const seqDest = path.join(dir, 'limit-sequential');
  const parDests = Array.from({ length: runs }, (_, k) => path.join(dir, `limit-parallel-${k + 1}`));
  const seqDirs = new Map<string, Promise<unknown>>();
  const parDirs = parDests.map(() => new Map<string, Promise<unknown>>());
  let sequentialMs = 0;
  const parallelMs = parDests.map(() => 0);
  let readMs = 0;
  let bytes = 0;
  let i = 0;
  while (i < paths.length) {
    const batch: [string, Buffer][] = [];
    let batchBytes = 0;
    const r0 = now();
    while (i < paths.length && batchBytes < 256 * MiB) {
      const p = paths[i++]!;
      const buf = await fs.readFile(path.join(result.outDir, p));
      batch.push([p, buf]);
      batchBytes += buf.length;
    }
    readMs += now() - r0;
    phase(`limit: writing ${i}/${paths.length} files one by one`);
    const s0 = now();
    await writeAll(batch, seqDest, seqDirs, 1);
    sequentialMs += now() - s0;
    for (const [k, dest] of parDests.entries()) {
      phase(`limit: writing ${i}/${paths.length} files ${LIMIT_CONCURRENCY} at a time (run ${k + 1}/${runs})`);
      const p0 = now();
      await writeAll(batch, dest, parDirs[k]!, LIMIT_CONCURRENCY);
      parallelMs[k]! += now() - p0;
    }
    bytes += batchBytes;
  }
  phase('limit: removing the copies');
  for (const d of [seqDest, ...parDests]) await fs.rm(d, { recursive: true, force: true });
  const bestParallel = Math.min(...parallelMs);
  return { writeMs: Math.min(sequentialMs, bestParallel), sequentialMs, parallelMs: bestParallel, parallelRuns: runs, readMs, files: paths.length, bytes };
}

async function main(): Promise<void> {
  const args = childArgs<BuildChildArgs>();
  const report = childReporter();
  let stage = 'full build';
  const probe = new BuildProbe(adapters, (name, i) => report.phase(`${stage}: rendering ${name} (${i}/${adapters.length} channels)`));
  // Worker threads render postings' own files with the registries' adapters (the probe times only this thread).
  const project = await openBenchProject(args, probe.instrumented());
  const at = new Date(args.now);

  report.phase(`full build: loading, validating, channel rules`);
  probe.start();
  const result = await buildProject(project, { now: at });
  const full = probe.finish(result);
  const peakRssMiB = maxRssMiB();
  const diagnostics = {
    errors: result.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
  };
  const out: BuildChildResult = { n: args.n, full, postings: result.validation.entries.length, peakRssMiB, diagnostics };
  await report.send({ type: 'partial', data: out });

  if (args.limit) {
    report.phase(`limit`);
    out.limit = await measureLimit(result, args.dir, args.n >= 50_000 ? 1 : 3, (t) => report.phase(t));
  }

  if (args.seedLedgerTo) {
    report.phase(`seeding a ledger for the publish step`);
    await seedLedger(project, args.seedLedgerTo);
  }

  if (args.editId) {
    stage = 'rebuild with nothing changed';
    report.phase(`${stage}: loading, validating, channel rules`);
    probe.start();
    out.noop = probe.finish(await buildProject(project, { now: at }));
    const file = postingFile(args.postingsDir, args.editId);
    const before = await fs.readFile(file, 'utf8');
    const after = editSalary(before, 1);
    if (after === before) throw new Error(`editing ${args.editId} changed nothing`);
    await fs.writeFile(file, after);
    stage = 'rebuild after editing one role';
    report.phase(`${stage}: loading, validating, channel rules`);
    probe.start();
    const again = await buildProject(project, { now: at });
    out.rebuild = probe.finish(again);
    // A later edit, once the generation the full build made has been retired past its grace (as
    // between the schedule's runs): the grace is set to 0 so it need not be waited for here.
    const fullSite = statSync(path.join(result.generation, 'site')).ino;
    await fs.writeFile(file, editSalary(after, 1));
    process.env.JOBCAST_GENERATION_GRACE_MS = '0';
    stage = 'rebuild after a second edit (recycled tree)';
    report.phase(`${stage}: loading, validating, channel rules`);
    probe.start();
    const third = await buildProject(project, { now: at });
    out.recycledRebuild = probe.finish(third);
    out.recycled = statSync(path.join(third.generation, 'site')).ino === fullSite;
  }

  report.stop();
  await report.send({ type: 'result', data: out });
}

main().then(() => process.exit(0), childFailed);
