/**
 * Whether a build would make exactly the output that is served: every file of every channel carried
 * over (its render key unchanged) and none left over from a posting that went, the same history,
 * ledger record and broken files in the manifest, the same source cache, and every file still there
 * at its size (checked on a worker thread meanwhile). Then the build keeps the current generation as it is rather than linking a copy of
 * it — a rebuild with nothing changed costs the checks, not the files.
 */
import { Worker } from 'node:worker_threads';
import { newManifest } from './generation-writer';
import type { Manifest } from './output-store';
import type { PreviousPostingFiles } from './posting-reuse';
import { sharedKeyOf, type ChannelKeys } from './render-channels';
import { sameStamp, type CachedSource } from './source-cache';
import { sameChecks } from './rule-checks';
import type { Validation } from './validate';
import { sameJsonValue, stableStringify } from '../util/stable-json';

export interface UnchangedInput {
  validation: Validation;
  now: Date;
  previous: { generation: string; manifest: Manifest };
  cache: ReadonlyMap<string, CachedSource>;
  reuse: PreviousPostingFiles;
  keys: ChannelKeys;
  identity: Manifest['ledger'] | undefined;
  /** The served files' check (checkPresence), started before validation. */
  presence: PresenceCheck;
}

export async function unchangedOutput(input: UnchangedInput): Promise<boolean> {
  return sameRecords(input) && sameSourceCache(input) && everyFileCarried(input) && (await input.presence.present);
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

/**
 * Field by field, not as one JSON text: 10,000 records stringified twice took a third of a no-op
 * build. A file reused from the cache has the cached posting itself, so its bytes are compared only
 * when it was parsed again.
 */
function sameRecord(had: CachedSource, now: CachedSource): boolean {
  const { path: file, stamp, code, sourceHash, body, facts, diagnostics, checks, ...other } = had;
  // A field added to CachedSource must be compared here too: this fails to compile until it is.
  const none: Record<string, never> = other;
  return (
    Object.keys(none).length === 0 &&
    file === now.path &&
    code === now.code &&
    sourceHash === now.sourceHash &&
    sameStamp(stamp, now.stamp) &&
    sameJsonValue(facts, now.facts) &&
    sameJsonValue(diagnostics, now.diagnostics) &&
    sameChecks(checks, now.checks) &&
    (body === now.body || Buffer.from(body.json()).equals(now.body.json()))
  );
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

/**
 * Every file checked by the worker, which reads the manifest itself (the list of 49,000 files was
 * tens of milliseconds to build on this thread): a false as soon as one is gone or not its size.
 */
const PRESENCE_CHECK = `
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');
const { workerData, parentPort } = require('node:worker_threads');
const { artifacts } = JSON.parse(readFileSync(path.join(workerData.generation, 'manifest.json'), 'utf8'));
const site = path.join(workerData.generation, 'site');
let present = true;
for (const p in artifacts) {
  const st = statSync(path.join(site, p), { throwIfNoEntry: false });
  if (!st || st.size !== artifacts[p].size) { present = false; break; }
}
parentPort.postMessage(present);
`;

/** Whether every file of the served output is still there at its size; `stop` ends the check when its answer is not needed. */
export interface PresenceCheck {
  readonly present: Promise<boolean>;
  stop(): void;
}

/**
 * Start checking the served files on a worker thread, so the check (a stat per file: 49,000 take
 * most of a second here) runs on the other core while validation runs on this one.
 */
export function checkPresence(previous: { generation: string; manifest: Manifest }): PresenceCheck {
  if (!hasAny(previous.manifest.artifacts)) return { present: Promise.resolve(true), stop: () => undefined };
  const worker = new Worker(PRESENCE_CHECK, { eval: true, workerData: { generation: previous.generation } });
  const present = new Promise<boolean>((resolve) => {
    worker.once('message', (m: boolean) => resolve(m));
    // A check that could not finish (a manifest gone or changed meanwhile) proves nothing: the build makes a generation.
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  return { present, stop: () => void worker.terminate() };
}

function hasAny(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
