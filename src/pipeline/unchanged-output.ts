/**
 * Whether a build would make exactly the output that is served: every file of every channel carried
 * over (its render key unchanged) and none left over from a posting that went, the same history,
 * ledger record and broken files in the manifest, the same source cache, and every file still there
 * at its size. Then the build keeps the current generation as it is rather than linking a copy of
 * it — a rebuild with nothing changed costs the checks, not the files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { newManifest } from './generation-writer';
import type { Manifest } from './output-store';
import type { PreviousPostingFiles } from './posting-reuse';
import { sharedKeyOf, type ChannelKeys } from './render-channels';
import type { CachedSource } from './source-cache';
import type { Validation } from './validate';
import { forEachLimit } from '../util/concurrency';
import { stableStringify } from '../util/stable-json';

const STAT_CONCURRENCY = 32;

export interface UnchangedInput {
  validation: Validation;
  now: Date;
  previous: { generation: string; manifest: Manifest };
  cache: ReadonlyMap<string, CachedSource>;
  reuse: PreviousPostingFiles;
  keys: ChannelKeys;
  identity: Manifest['ledger'] | undefined;
}

export async function unchangedOutput(input: UnchangedInput): Promise<boolean> {
  return sameRecords(input) && sameSourceCache(input) && everyFileCarried(input) && (await everyFilePresent(input));
}

/** History, ledger record and broken files: what the manifest says besides its files and instant. */
function sameRecords({ validation, now, identity, previous }: UnchangedInput): boolean {
  const { builtFor: _b, artifacts: _a, ...made } = newManifest({ now, validation, previous: previous.manifest, identity });
  const { builtFor: _pb, artifacts: _pa, ...had } = previous.manifest;
  return stableStringify(made) === stableStringify(had);
}

function sameSourceCache({ validation, cache }: UnchangedInput): boolean {
  let n = 0;
  for (const r of validation.cacheRecords?.() ?? []) {
    n++;
    const had = cache.get(r.path);
    if (!had || JSON.stringify(had) !== JSON.stringify(r)) return false;
  }
  return n === cache.size;
}

/** Every channel's files would be carried over, and together they are every file the output has. */
function everyFileCarried({ validation, reuse, previous, keys: all }: UnchangedInput): boolean {
  let carried = 0;
  for (const { adapter, entries } of validation.channels) {
    const keys = all.get(adapter.name)!;
    for (const e of adapter.renderPosting ? entries : []) {
      const files = reuse.unchanged(adapter.name, e.id, keys.get(e.id)!);
      if (!files) return false;
      carried += files.files.length;
    }
    if (!adapter.render) continue;
    const shared = reuse.sharedUnchanged(adapter.name, sharedKeyOf(entries, keys));
    if (!shared) return false;
    carried += shared.files.length;
  }
  return carried === reuse.keyedFiles && carried === Object.keys(previous.manifest.artifacts).length;
}

async function everyFilePresent({ previous }: UnchangedInput): Promise<boolean> {
  const site = path.join(previous.generation, 'site');
  let present = true;
  await forEachLimit(Object.entries(previous.manifest.artifacts), STAT_CONCURRENCY, async ([p, e]) => {
    if (!present) return;
    const st = await fs.stat(path.join(site, p)).catch(() => undefined);
    if (!st || st.size !== e.size) present = false;
  });
  return present;
}
