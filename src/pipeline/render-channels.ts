/**
 * Every channel's files into the generation being built: each posting's own files, and the files
 * each channel makes of all its postings — each carried over from the previous output where nothing
 * it was made from changed (all of a channel's shared files at once, or one that says what it is
 * made of, `Artifact.madeOf`, on its own). Own files left to render go to worker threads when there
 * are enough of them (render-pool.ts) while this thread renders the shared files, channel after channel.
 */
import type { Adapter, Artifact, PostingEntry, RenderContext } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import { siteLinks, type Project } from '../project';
import { forEachLimit } from '../util/concurrency';
import { renderContext } from './context';
import { sharedKey } from './fingerprint';
import type { CarryGroup, GenerationWriter } from './generation-writer';
import { renderInWorkers, usesWorkers, type RenderJob } from './render-pool';
import type { ProgressListener } from './progress';
import { rendering } from './rendering';
import type { PreviousPostingFiles } from './posting-reuse';
import type { Validation } from './validate';

const WRITE_CONCURRENCY = 32;

interface RenderChannelsOptions {
  now: Date;
  writer: GenerationWriter;
  reuse: PreviousPostingFiles;
  /** Every channel's render keys (channelKeys), computed once per build. */
  keys: ChannelKeys;
  onProgress?: ProgressListener;
}

/** Per channel name, each of its postings' render keys by id. */
export type ChannelKeys = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The render keys of every channel's postings in `validation` (fingerprint.ts), as their rules ran for them. */
export function channelKeys(validation: Validation): ChannelKeys {
  return new Map(validation.channels.map(({ adapter, keys }) => [adapter.name, keys]));
}

/** One channel's run: what its render calls get and where their files go. */
interface ChannelRun extends Pick<RenderChannelsOptions, 'writer' | 'reuse'> {
  adapter: Adapter;
  ctx: RenderContext;
  /** Each posting's render key on this channel (fingerprint.ts). */
  keys: ReadonlyMap<string, string>;
}

/** What rendering the channels reported, and how many worker threads rendered postings' own files (0: none, all on this thread). */
export interface ChannelsRendered {
  diagnostics: Diagnostic[];
  workers: number;
}

/** Render every channel of `validation` into the writer. */
export async function renderChannels(project: Project, validation: Validation, opts: RenderChannelsOptions): Promise<ChannelsRendered> {
  const links = siteLinks(project);
  const runs = validation.channels.map(({ adapter, entries }): [ChannelRun, PostingEntry[]] => [
    { adapter, ctx: renderContext(adapter, project.config, opts.now, links), writer: opts.writer, reuse: opts.reuse, keys: opts.keys.get(adapter.name)! },
    entries,
  ]);
  return renderAlongsideWorkers(project, validation, runs, opts);
}

/**
 * Three things at once: every posting's unchanged own files carried over (hard links, link-files.ts),
 * the ones to render sent to worker threads when the project's plugins can be loaded there and there
 * are enough of them (render-pool.ts) or else rendered here, and this thread rendering the shared files.
 */
async function renderAlongsideWorkers(
  project: Project,
  validation: Validation,
  runs: [ChannelRun, PostingEntry[]][],
  opts: RenderChannelsOptions,
): Promise<ChannelsRendered> {
  const { jobs, carrying } = ownWork(runs);
  const claimed = new Map<string, Set<string>>();
  const byName = new Map(runs.map(([run]) => [run.adapter.name, run]));
  const todo = [...jobs.values()];
  const progress = renderProgress(todo.length, opts.onProgress);
  const inline = (list: readonly RenderJob[], onPosting?: (count: number) => void) =>
    forEachLimit(list, WRITE_CONCURRENCY, async ({ entry, channels }) => {
      for (const name of channels) await rendered(entry, byName.get(name)!, claimed);
      onPosting?.(1);
    }).then(() => 0);
  const rendering = usesWorkers(project, todo.length)
    ? renderInWorkers(
        project,
        todo,
        { now: opts.now, site: opts.writer.site, replace: opts.writer.recycled },
        (file) => {
          const run = byName.get(file.channel)!;
          if (!claimed.get(file.path)?.has(file.channel)) opts.writer.claim(file.path, file.channel);
          opts.writer.record(file, file.channel, run.keys.get(file.posting));
        },
        progress.postings,
      )
    : inline(todo, progress.postings);
  // The links are made (on a worker thread when there are many) while this thread renders feeds.
  const own = settleBoth(rendering, opts.writer.carryOverAll(carrying.map((c) => c.group))).then(async ([workers, carried]) => {
    // A file that was gone or cut short: its posting's files on that channel are rendered instead, at the paths already claimed.
    const failed = carrying.filter((_, i) => !carried[i]);
    for (const { channel, group } of failed) for (const [p] of group.files) claimed.set(p, new Set([...(claimed.get(p) ?? []), channel]));
    await inline(failed.map(({ entry, channel }) => ({ entry, channels: [channel] })));
    return workers;
  });
  const [workers, diagnostics] = await settleBoth(own, allSharedFiles(validation, runs, progress.shared));
  return { diagnostics, workers };
}

async function allSharedFiles(validation: Validation, runs: [ChannelRun, PostingEntry[]][], onChannel: (name?: string) => void): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const [run, entries] of runs) {
    if (!run.adapter.render) continue;
    onChannel(run.adapter.name);
    diagnostics.push(...(await sharedFiles(entries, validation, run)));
  }
  onChannel(undefined);
  return diagnostics;
}

/** The render phase's progress: postings whose own files are done, and the channel whose shared files are being made. */
function renderProgress(total: number, listener: ProgressListener | undefined): { postings: (count: number) => void; shared: (name?: string) => void } {
  let done = 0;
  let shared: string | undefined;
  const tell = () => listener?.({ phase: 'render', done, total, ...(shared ? { shared } : {}) });
  return {
    postings: (count) => {
      done += count;
      tell();
    },
    shared: (name) => {
      shared = name;
      tell();
    },
  };
}

/** The key of the files `adapter` makes of all of `entries`. */
export const sharedKeyOf = (entries: readonly PostingEntry[], keys: ReadonlyMap<string, string>): string => sharedKey(entries.map((e) => keys.get(e.id)!));

/** A posting's unchanged files on one channel, claimed, to be carried over. */
interface Carrying {
  entry: PostingEntry;
  channel: string;
  group: CarryGroup;
}

/**
 * What each posting needs on each channel that renders postings: its files carried over when their
 * render key is unchanged (claimed here), else rendered.
 */
function ownWork(runs: readonly [ChannelRun, PostingEntry[]][]): { jobs: Map<string, RenderJob>; carrying: Carrying[] } {
  const jobs = new Map<string, RenderJob>();
  const carrying: Carrying[] = [];
  for (const [{ adapter, writer, reuse, keys }, entries] of runs) {
    if (!adapter.renderPosting) continue;
    for (const entry of entries) {
      const group = reuse.unchanged(adapter.name, entry.id, keys.get(entry.id)!);
      if (group) {
        for (const [p] of group.files) writer.claim(p, adapter.name);
        carrying.push({ entry, channel: adapter.name, group });
        continue;
      }
      const job = jobs.get(entry.id);
      if (job) job.channels.push(adapter.name);
      else jobs.set(entry.id, { entry, channels: [adapter.name] });
    }
  }
  return { jobs, carrying };
}

/** Both results once both have settled; the first failure is thrown only then, so nothing still writes into a generation being discarded. */
async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

/** Render one posting's files on one channel; `claimed`: paths already claimed, by channel. */
async function rendered(entry: PostingEntry, { adapter, ctx, writer, keys }: ChannelRun, claimed: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
  const artifacts = rendering(adapter.name, () => adapter.renderPosting!(entry, ctx));
  for (const a of artifacts) {
    if (!claimed.get(a.path)?.has(adapter.name)) writer.claim(a.path, adapter.name);
    await writer.put({ ...a, posting: entry.id }, adapter.name, keys.get(entry.id));
  }
}

/**
 * The files a channel makes of all its postings (feeds, indexes): the previous build's when it made
 * them of the same postings with the same config and code, else rendered. Returns the diagnostics
 * of a render, placed in the postings' files; files whose render said something are never carried
 * over, so what it says is said on every build.
 */
async function sharedFiles(entries: PostingEntry[], validation: Validation, run: ChannelRun): Promise<Diagnostic[]> {
  const { adapter, writer, reuse, keys } = run;
  const key = sharedKeyOf(entries, keys);
  const unchanged = reuse.sharedUnchanged(adapter.name, key);
  if (unchanged) {
    for (const [p] of unchanged.files) writer.claim(p, adapter.name);
    if (await writer.carryOver(unchanged.fromSite, unchanged.files)) return [];
    for (const [p] of unchanged.files) writer.release(p);
  }
  return channelFiles(entries, validation, run, key);
}

async function channelFiles(entries: PostingEntry[], validation: Validation, run: ChannelRun, key: string): Promise<Diagnostic[]> {
  const { adapter, ctx, writer } = run;
  const result = rendering(adapter.name, () => adapter.render!(entries, ctx));
  const diagnostics = (result.diagnostics ?? []).map((d): Diagnostic => {
    const entry = d.posting ? validation.entries.find((e) => e.id === d.posting) : undefined;
    return { ...(entry ? entry.locate(d.field ?? '') : {}), ...d, channel: adapter.name };
  });
  // Claim every path first (clashes are a bug), then write with bounded concurrency: file I/O is
  // latency-bound, and one-at-a-time awaits left the CPU idle for a third of a large build.
  for (const artifact of result.artifacts) writer.claim(artifact.path, adapter.name);
  const madeWith = diagnostics.length ? undefined : key;
  await forEachLimit(result.artifacts, WRITE_CONCURRENCY, (artifact) => sharedFile(artifact, run, madeWith));
  return diagnostics;
}

/**
 * One of the files a channel makes of its postings. One that says what it is made of (a feed's page,
 * `madeOf`) is carried over, its body never read, when the previous build made it of the same: an
 * edit re-renders its own page, not the feed. Recorded with the channel's `key` (so a build with
 * nothing changed still carries all of them at once) and its own `part` key.
 */
async function sharedFile(artifact: Artifact, { adapter, writer, reuse, keys }: ChannelRun, key: string | undefined): Promise<void> {
  const part = key && artifact.madeOf ? partKey(artifact.path, artifact.madeOf, keys) : undefined;
  const before = key && part ? reuse.previous(artifact.path) : undefined;
  if (key && part && before && before.entry.part === part && before.entry.channel === adapter.name) {
    // Falls back to writing it when the previous file is gone or cut short.
    if (await writer.carryOver(before.fromSite, [[artifact.path, { ...before.entry, key, part }]])) return;
  }
  await writer.put(artifact, adapter.name, key, { ...(part ? { part } : {}), fragments: { fromSite: reuse.site, keys } });
}

/**
 * The key of one file made of some of a channel's postings: its path, what else it shows, and those
 * postings' render keys (which hold the config and the code). None for a posting the channel was not
 * given: what it is made of is then unknown, so it is never carried over.
 */
function partKey(p: string, madeOf: NonNullable<Artifact['madeOf']>, keys: ReadonlyMap<string, string>): string | undefined {
  const own = madeOf.postings.map((id) => keys.get(id));
  return own.every((k) => k !== undefined) ? sharedKey([`part\0${p}`, madeOf.extra, ...own]) : undefined;
}
