/**
 * Adopting an output: the ledger records every role and feed of the output being served as already
 * told, at version 1, and sends nothing (`jobcast state adopt`; the first run on a legacy ledger).
 * The roles are the ones that output was built from: its source cache holds their content.
 */
import path from 'node:path';
import type { PostingEntry } from '../adapter';
import type { Manifest } from '../pipeline/output-store';
import { readSourceCache } from '../pipeline/source-cache';
import { selectChannels, toEntry, type ChannelSelection } from '../pipeline/validate';
import type { SubjectRow, ToldRow } from '../ledger/ledger';
import { displayPath } from '../load/display-path';
import { reusedPosting } from '../load/postings';
import type { Project } from '../project';
import type { Notifier, SharedPlanContext } from './notifier';
import { digestOf, observe, subjectsOf } from './observe';

export interface Adoption {
  subjects: SubjectRow[];
  told: ToldRow[];
  /** Roles of the output whose content the source cache did not have (told state from the pages only). */
  missing: string[];
}

/** The roles the served output was built from, with the channels that carried them (from its source cache). */
export async function servedEntries(
  project: Project,
  manifest: Manifest,
  generation: string,
): Promise<{ entries: PostingEntry[]; channels: ChannelSelection[]; missing: string[] }> {
  const builtFor = new Date(manifest.builtFor);
  const cache = await readSourceCache(generation);
  const byId = new Map([...cache.values()].map((c) => [path.basename(c.path).replace(/\.yaml$/, ''), c]));
  const entries: PostingEntry[] = [];
  const missing: string[] = [];
  for (const id of Object.keys(manifest.history).sort()) {
    const c = byId.get(id);
    if (!c) {
      missing.push(id);
      continue;
    }
    const file = displayPath(c.path);
    entries.push(
      toEntry(reusedPosting({ id, absPath: c.path, file, sourceHash: c.sourceHash, locate: () => ({ file }) }, c), project, builtFor, manifest.history),
    );
  }
  // The rules ran when this output was built; their results are in the cache under the same render keys.
  return { entries, channels: selectChannels(entries, project, { now: builtFor, cached: (id) => byId.get(id) }).channels, missing };
}

/**
 * The served output (`manifest` of `generation`) as a told ledger state. Versions are the output's
 * run number, so the next run's changes get higher ones than anything told before the loss.
 */
export async function adoptionOf(
  project: Project,
  manifest: Manifest,
  generation: string,
  active: readonly Notifier[],
  ctx: SharedPlanContext,
): Promise<Adoption> {
  const version = manifest.ledger?.seq ?? 0;
  const builtFor = new Date(manifest.builtFor);
  const { entries, channels, missing } = await servedEntries(project, manifest, generation);
  const subjects = subjectsOf({ entries, channels, manifest }, new Map(), ctx.url);
  observe(subjects, channels, active, { ...ctx, now: builtFor }, project.config);
  const at = ctx.now.toISOString();
  return {
    missing,
    subjects: subjects.map((s) => ({
      subject: s.id,
      kind: s.kind,
      version,
      digest: digestOf(s),
      lifecycle: s.lifecycle,
      hash: s.hash,
      since: s.since,
      changed: at,
      content: s.content ? JSON.stringify(s.content) : null,
      languages: s.languages ?? null,
    })),
    told: subjects.flatMap((s) =>
      s.observations.map((o) => ({
        receiver: o.receiver,
        subject: s.id,
        state: 'live' as const,
        version,
        fingerprint: o.fingerprint,
        detail: o.detail !== undefined ? JSON.stringify(o.detail) : null,
        at,
      })),
    ),
  };
}
