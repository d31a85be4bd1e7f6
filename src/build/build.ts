/**
 * The build: validate → lifecycle → channels → a fresh generation → one atomic swap.
 * Invalid sources or a failing channel leave the previous output exactly as it was.
 */
import path from 'node:path';
import type { Diagnostic } from '../diagnostics';
import { JobcastError, isJobcastError } from '../errors';
import type { Project } from '../project';
import { renderContext } from './context';
import {
  assertSafeArtifactPath, commitGeneration, currentGeneration, discardGeneration, layoutFor, pruneGenerations,
  readManifest, startGeneration, writeBody, type Manifest,
} from './output-store';
import { validateProject, type PostingHistory, type Validation } from './validate';
import { forEachLimit } from '../util/concurrency';

const WRITE_CONCURRENCY = 32;

export const BUILD_CODES = {
  INVALID_SOURCES: 'JC_BUILD_INVALID_SOURCES',
  CHANNEL_CRASHED: 'JC_BUILD_CHANNEL_CRASHED',
  PATH_CLASH: 'JC_BUILD_PATH_CLASH',
} as const;

export interface BuildOptions {
  now?: Date;
  /** Posting history to carry (the ledger's); default: the previous output's manifest. */
  history?: PostingHistory;
  /** Render and hash everything, then discard it: nothing is swapped in. */
  dryRun?: boolean;
}

export interface BuildResult {
  outDir: string;
  /** Folder of the generation now being served. */
  generation: string;
  manifest: Manifest;
  previous?: Manifest;
  validation: Validation;
  diagnostics: Diagnostic[];
}

export async function buildProject(project: Project, opts: BuildOptions = {}): Promise<BuildResult> {
  const now = opts.now ?? new Date();
  const layout = layoutFor(project.outDir);
  const previous = await readManifest(await currentGeneration(layout));
  const validation = await validateProject(project, now, opts.history ?? previous?.history ?? {});
  if (validation.invalidSources) {
    const files = new Set(validation.diagnostics.filter((d) => d.severity === 'error' && !d.channel).map((d) => d.file));
    throw new JobcastError(
      BUILD_CODES.INVALID_SOURCES,
      `${files.size} source file${files.size === 1 ? ' has' : 's have'} errors; nothing was built and the previous output is untouched`,
      1,
      validation.diagnostics,
    );
  }
  const diagnostics = [...validation.diagnostics];
  // Named by wall-clock creation time, not the logical `now`: pruning keeps "the current one and the
  // one before it" by name order, which must be build order (same-`now` or backdated builds broke it).
  const generation = await startGeneration(layout);
  const manifest: Manifest = { version: 1, builtFor: now.toISOString(), artifacts: {}, history: validation.history };
  const madeDirs = new Set<string>();
  const claimed = new Map<string, string>();
  try {
    for (const { adapter, entries } of validation.channels) {
      const ctx = renderContext(adapter, project.config, now);
      let result;
      try {
        result = adapter.render(entries, ctx);
      } catch (err) {
        throw new JobcastError(BUILD_CODES.CHANNEL_CRASHED, `channel ${adapter.name} failed: ${(err as Error).message}`, 1, [], );
      }
      for (const d of result.diagnostics ?? []) {
        const entry = d.posting ? validation.entries.find((e) => e.id === d.posting) : undefined;
        diagnostics.push({ ...(entry ? entry.locate(d.field ?? '') : {}), ...d, channel: adapter.name });
      }
      // Claim every path first (clashes are a bug), then write with bounded concurrency: file I/O is
      // latency-bound, and one-at-a-time awaits left the CPU idle for a third of a large build.
      for (const artifact of result.artifacts) {
        assertSafeArtifactPath(artifact.path);
        const clash = claimed.get(artifact.path);
        if (clash) throw new JobcastError(BUILD_CODES.PATH_CLASH, `channels ${clash} and ${adapter.name} both write ${artifact.path}`);
        claimed.set(artifact.path, adapter.name);
      }
      await forEachLimit(result.artifacts, WRITE_CONCURRENCY, async (artifact) => {
        let written;
        try {
          written = await writeBody(path.join(generation.site, artifact.path), artifact.body, madeDirs);
        } catch (err) {
          if (isJobcastError(err)) throw err;
          throw new JobcastError(BUILD_CODES.CHANNEL_CRASHED, `channel ${adapter.name} failed while writing ${artifact.path}: ${(err as Error).message}`);
        }
        const status = artifact.status ?? 200;
        const before = previous?.artifacts[artifact.path];
        manifest.artifacts[artifact.path] = {
          contentType: artifact.contentType,
          status,
          ...written,
          // When these exact bytes first appeared: Last-Modified, and unchanged across rebuilds.
          since: before && before.sha256 === written.sha256 && before.status === status ? before.since : now.toISOString(),
          channel: adapter.name,
          ...(artifact.posting ? { posting: artifact.posting } : {}),
        };
      });
    }
    manifest.artifacts = Object.fromEntries(Object.entries(manifest.artifacts).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (opts.dryRun) await discardGeneration(generation);
    else await commitGeneration(layout, generation, manifest);
  } catch (err) {
    await discardGeneration(generation);
    throw err;
  }
  if (opts.dryRun) return { outDir: layout.outDir, generation: generation.dir, manifest, ...(previous ? { previous } : {}), validation, diagnostics };
  await pruneGenerations(layout);
  return { outDir: layout.outDir, generation: generation.dir, manifest, ...(previous ? { previous } : {}), validation, diagnostics };
}

