/**
 * Every channel's files into the generation being built, channel after channel: each posting's own
 * files (carried over where unchanged), then the files the channel makes of all its postings.
 */
import type { Adapter, PostingEntry, RenderContext } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { siteLinks, type Project } from '../project';
import { forEachLimit } from '../util/concurrency';
import { renderContext } from './context';
import { configFingerprint, renderKey } from './fingerprint';
import type { GenerationWriter } from './generation-writer';
import type { PreviousPostingFiles } from './posting-reuse';
import type { Validation } from './validate';

const WRITE_CONCURRENCY = 32;

interface RenderChannelsOptions {
  now: Date;
  writer: GenerationWriter;
  reuse: PreviousPostingFiles;
}

/** One channel's run: what its render calls get and where their files go. */
interface ChannelRun extends Pick<RenderChannelsOptions, 'writer' | 'reuse'> {
  adapter: Adapter;
  ctx: RenderContext;
  /** The config's fingerprint, part of every render key. */
  config: string;
}

/** Render every channel of `validation` into the writer; returns what the channels reported. */
export async function renderChannels(project: Project, validation: Validation, opts: RenderChannelsOptions): Promise<Diagnostic[]> {
  const config = configFingerprint(project.config);
  const links = siteLinks(project);
  const diagnostics: Diagnostic[] = [];
  for (const { adapter, entries } of validation.channels) {
    const run: ChannelRun = { adapter, ctx: renderContext(adapter, project.config, opts.now, links), writer: opts.writer, reuse: opts.reuse, config };
    // Each posting's own files: carried over by hard link when nothing they depend on changed.
    if (adapter.renderPosting) await forEachLimit(entries, WRITE_CONCURRENCY, (entry) => postingFiles(entry, run));
    if (adapter.render) diagnostics.push(...(await channelFiles(entries, validation, run)));
  }
  return diagnostics;
}

/** One posting's files on one channel: the previous build's when their render key is unchanged, else rendered. */
async function postingFiles(entry: PostingEntry, { adapter, ctx, writer, reuse, config }: ChannelRun): Promise<void> {
  const key = renderKey(adapter.name, entry, config);
  const unchanged = reuse.unchanged(adapter.name, entry.id, key);
  // Paths claimed for a carry-over that failed (a file was gone) stay claimed: rendering them is no clash.
  const claimedHere = new Set<string>();
  if (unchanged) {
    for (const [p] of unchanged.files) {
      writer.claim(p, adapter.name);
      claimedHere.add(p);
    }
    if (await writer.carryOver(unchanged.fromSite, unchanged.files)) return;
  }
  const artifacts = rendering(adapter.name, () => adapter.renderPosting!(entry, ctx));
  for (const a of artifacts) {
    if (!claimedHere.has(a.path)) writer.claim(a.path, adapter.name);
    await writer.put({ ...a, posting: entry.id }, adapter.name, key);
  }
}

/** The files a channel makes of all its postings (feeds, indexes); returns its diagnostics, placed in the postings' files. */
async function channelFiles(entries: PostingEntry[], validation: Validation, { adapter, ctx, writer }: ChannelRun): Promise<Diagnostic[]> {
  const result = rendering(adapter.name, () => adapter.render!(entries, ctx));
  const diagnostics = (result.diagnostics ?? []).map((d): Diagnostic => {
    const entry = d.posting ? validation.entries.find((e) => e.id === d.posting) : undefined;
    return { ...(entry ? entry.locate(d.field ?? '') : {}), ...d, channel: adapter.name };
  });
  // Claim every path first (clashes are a bug), then write with bounded concurrency: file I/O is
  // latency-bound, and one-at-a-time awaits left the CPU idle for a third of a large build.
  for (const artifact of result.artifacts) writer.claim(artifact.path, adapter.name);
  await forEachLimit(result.artifacts, WRITE_CONCURRENCY, (artifact) => writer.put(artifact, adapter.name));
  return diagnostics;
}

/** Run a channel's render code; what it throws is the channel's crash (a JobcastError stays itself). */
function rendering<T>(channel: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    throw isJobcastError(err) ? err : FAILURES.channelCrashed(channel, (err as Error).message);
  }
}
