/**
 * Looking at an output folder from outside: the generation the link points at, the generations on
 * disk, and whether what the link names is complete (docs/publication.md; src/pipeline/output-store.ts).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../../src/pipeline/output-store';

export interface OutputDirs {
  dir: string;
  outDir: string;
}

export const generationsDir = (p: OutputDirs): string => path.join(path.dirname(p.outDir), `.${path.basename(p.outDir)}.generations`);

/** The generation folder (absolute) the output link resolves to now; throws when it resolves to nothing. */
export const currentGeneration = (p: OutputDirs): string => path.dirname(realpathSync(p.outDir));

/** Generation folder names on disk. */
export const generationsOnDisk = (p: OutputDirs): string[] => {
  try {
    return readdirSync(generationsDir(p)).sort();
  } catch {
    return [];
  }
};

export const readManifestOf = (generation: string): Manifest => JSON.parse(readFileSync(path.join(generation, 'manifest.json'), 'utf8')) as Manifest;

export const isRetired = (generation: string): boolean => existsSync(path.join(generation, 'retired-at'));

/**
 * What is wrong with the output as the link names it now (empty when nothing): the link resolves,
 * the generation has its manifest, and every file the manifest lists is there with its size.
 */
export function outputProblems(p: OutputDirs): string[] {
  let gen: string;
  try {
    gen = currentGeneration(p);
  } catch (err) {
    return [`the output link ${p.outDir} resolves to nothing: ${(err as Error).message}`];
  }
  let manifest: Manifest;
  try {
    manifest = readManifestOf(gen);
  } catch (err) {
    return [`${path.basename(gen)} has no readable manifest.json: ${(err as Error).message}`];
  }
  const problems: string[] = [];
  const files = Object.entries(manifest.artifacts);
  if (!files.length) problems.push(`${path.basename(gen)}: the manifest lists no files`);
  for (const [rel, entry] of files) {
    const file = path.join(gen, 'site', rel);
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) problems.push(`${path.basename(gen)}: ${rel} is listed but missing`);
    else if (st.size !== entry.size) problems.push(`${path.basename(gen)}: ${rel} is ${st.size} bytes, the manifest says ${entry.size}`);
  }
  return problems;
}

/**
 * Move every retired generation's marker `ms` into the past: as if the grace period (30 s) had gone
 * by, so the next build prunes them. Only for generations no server still reads.
 */
export function ageRetiredMarkers(p: OutputDirs, ms: number): number {
  let n = 0;
  const at = (Date.now() - ms) / 1000;
  for (const name of generationsOnDisk(p)) {
    const marker = path.join(generationsDir(p), name, 'retired-at');
    if (!existsSync(marker)) continue;
    utimesSync(marker, at, at);
    n++;
  }
  return n;
}
