/**
 * The output being served: one generation's files and manifest, resolved once per swap. A request
 * keeps using the snapshot it started with, so a swap under load never fails a request.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { layoutFor, readManifest, type Manifest, type ManifestEntry } from '../pipeline/output-store';

export interface Snapshot {
  site: string;
  generation: string;
  manifest: Manifest;
  files: ReadonlyMap<string, ManifestEntry>;
}

/** The snapshot the output folder points at now, or undefined when there is none yet. */
export async function loadSnapshot(outDir: string): Promise<Snapshot | undefined> {
  const { outDir: abs } = layoutFor(outDir);
  let site: string;
  try {
    site = await fs.realpath(abs);
  } catch {
    return undefined;
  }
  const generation = path.dirname(site);
  const manifest = await readManifest(generation);
  if (!manifest) return undefined;
  return { site, generation, manifest, files: new Map(Object.entries(manifest.artifacts)) };
}
