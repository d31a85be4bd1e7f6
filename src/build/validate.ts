/**
 * Load → validate → lifecycle → each channel's rules. Shared by `validate`, `build` and `publish`, so
 * what validate reports is exactly what the build will do.
 */
import { createHash } from 'node:crypto';
import type { Adapter, PostingEntry } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';
import { loadPostings, type LoadedPosting } from '../load/postings';
import { lifecycleOf, type LifecycleState } from '../model/lifecycle';
import type { Project } from '../project';
import { stableStringify } from '../util/stable-json';
import { renderContext } from './context';

/** When each posting's content last changed, carried from build to build. */
export interface PostingHistory {
  [id: string]: { hash: string; since: string };
}

export interface ChannelSelection {
  adapter: Adapter;
  /** Postings this channel renders (right state, not excluded, no error from its rules). */
  entries: PostingEntry[];
  /** Postings dropped from this channel by an error in its rules. */
  dropped: string[];
}

export interface Validation {
  entries: PostingEntry[];
  diagnostics: Diagnostic[];
  /** True when a source file is invalid: nothing may be built from this state. */
  invalidSources: boolean;
  channels: ChannelSelection[];
  history: PostingHistory;
}

export function postingHash(p: LoadedPosting, state: LifecycleState): string {
  return createHash('sha256').update(stableStringify({ posting: p.posting, state })).digest('hex').slice(0, 32);
}

export function toEntries(loaded: readonly LoadedPosting[], project: Project, now: Date, previous: PostingHistory): { entries: PostingEntry[]; history: PostingHistory } {
  const tz = project.config.schedule.timezone;
  const history: PostingHistory = {};
  const entries = loaded.map((p): PostingEntry => {
    const lifecycle = lifecycleOf(p.posting, now, tz);
    const hash = postingHash(p, lifecycle.state);
    const before = previous[p.id];
    // First sight: the page took its form when the role went public (deterministic for fresh builds).
    const since = before?.hash === hash ? before.since : before ? now.toISOString() : new Date(Math.min(now.getTime(), lifecycle.liveFrom.getTime())).toISOString();
    history[p.id] = { hash, since };
    return {
      id: p.id, file: p.file, posting: p.posting, lifecycle, state: lifecycle.state, hash,
      changedAt: new Date(since), locate: p.locate,
    };
  });
  return { entries, history };
}

/** Which states a channel is checked in: the ones it renders, plus those about to go live. */
const checkedStates = (a: Adapter): LifecycleState[] => [...new Set<LifecycleState>([...(a.states ?? ['open']), 'draft', 'scheduled'])];

export function selectChannels(entries: readonly PostingEntry[], project: Project, now: Date, forValidate: boolean): { channels: ChannelSelection[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const channels = project.adapters.map((adapter): ChannelSelection => {
    const ctx = renderContext(adapter, project.config, now);
    const renders = adapter.states ?? ['open'];
    const inspected = forValidate ? checkedStates(adapter) : renders;
    const selected: PostingEntry[] = [];
    const dropped: string[] = [];
    for (const entry of entries) {
      if (!inspected.includes(entry.state)) continue;
      if (entry.posting.channels?.exclude?.includes(adapter.name)) continue;
      let found: Diagnostic[];
      try {
        found = (adapter.check?.(entry, ctx) ?? []).map((d) => ({ ...entry.locate(d.field ?? ''), ...d, channel: adapter.name, posting: entry.id }));
      } catch (err) {
        found = [{ code: CODES.CHANNEL_FAILED, severity: 'error', channel: adapter.name, posting: entry.id, file: entry.file, message: `channel rules crashed: ${(err as Error).message}` }];
      }
      diagnostics.push(...found);
      if (found.some((d) => d.severity === 'error')) dropped.push(entry.id);
      else if (renders.includes(entry.state)) selected.push(entry);
    }
    return { adapter, entries: selected, dropped };
  });
  return { channels, diagnostics };
}

export async function validateProject(project: Project, now: Date, previous: PostingHistory = {}, forValidate = false): Promise<Validation> {
  const loaded = await loadPostings(project.postingsDir, project.postingSchema);
  const invalidSources = loaded.diagnostics.some((d) => d.severity === 'error');
  const { entries, history } = toEntries(loaded.postings, project, now, previous);
  const { channels, diagnostics } = selectChannels(entries, project, now, forValidate);
  return { entries, diagnostics: [...loaded.diagnostics, ...diagnostics], invalidSources, channels, history };
}
