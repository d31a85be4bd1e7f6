/**
 * Whether a build would make exactly the output that is served: every file of every channel carried
 * over (its render key unchanged) and none left over from a posting that went, the same history,
 * ledger record and broken files in the manifest, the same source cache, and every file still there
 * at its size. Then the build keeps the current generation as it is rather than linking a copy of
 * it — a rebuild with nothing changed costs the checks, not the files.
 */
import { statSync } from 'node:fs';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import path from 'node:path';
import { newManifest } from './generation-writer';
import type { Manifest } from './output-store';
import type { PreviousPostingFiles } from './posting-reuse';
import { sharedKeyOf, type ChannelKeys } from './render-channels';
import type { CachedSource } from './source-cache';
import type { Validation } from './validate';
import { stableStringify } from '../util/stable-json';

/** Files stat'ed between turns of the event loop. */
const YIELD_EVERY = 512;

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
    if (!had || !sameRecord(had, r)) return false;
  }
  return n === cache.size;
}

/** A file reused from the cache has the cached posting itself: only the rest is compared as text then. */
function sameRecord(had: CachedSource, now: CachedSource): boolean {
  const { posting: a, ...aRest } = had;
  const { posting: b, ...bRest } = now;
  return (a === b || JSON.stringify(a) === JSON.stringify(b)) && JSON.stringify(aRest) === JSON.stringify(bRest);
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

/** Sync stats, a turn for the event loop every YIELD_EVERY: 49,000 async ones took 1.2 s, mostly round trips. */
async function everyFilePresent({ previous }: UnchangedInput): Promise<boolean> {
  const site = path.join(previous.generation, 'site');
  let n = 0;
  for (const [p, e] of Object.entries(previous.manifest.artifacts)) {
    if (++n % YIELD_EVERY === 0) await setImmediatePromise();
    const st = statSync(path.join(site, p), { throwIfNoEntry: false });
    if (!st || st.size !== e.size) return false;
  }
  return true;
}
