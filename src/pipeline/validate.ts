/**
 * Load → validate → lifecycle → each channel's rules. Shared by `validate`, `build` and `publish`, so
 * what validate reports is exactly what the build will do.
 */
import type { PostingHistory, PostingLanguages } from '../model/history';
import { editionLanguagesOf, translated } from '../model/translate';
import { createHash } from 'node:crypto';
import type { Adapter, Audience, PostingEntry, RenderContext } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';
import { PostingStore } from '../load/posting-store';
import { factsFor, loadPostings, reusedPosting, type LoadedPosting, type LoadResult } from '../load/postings';
import { lifecycleOf, type LifecycleState } from '../model/lifecycle';
import { factsOf, withPosting } from '../model/posting-body';
import type { Posting } from '../model/posting';
import { siteLinks, type Project } from '../project';
import { displayPath } from '../load/display-path';
import path from 'node:path';
import { stableStringify } from '../util/stable-json';
import { Interner } from '../util/interner';
import { renderContext } from './context';
import type { ProgressListener } from './progress';
import { codeFingerprint, configFingerprint, renderKey } from './fingerprint';
import { sameStamp, sourceRecords, type CachedSource, type FileStamp, type KeptRole } from './source-cache';
import { diagnosticOf, findingOf, NO_CHECKS, NO_FINDINGS, sharedList, type Finding, type RuleChecks } from './rule-checks';

export type { PostingHistory };

export interface ChannelSelection {
  adapter: Adapter;
  /** Postings this channel renders (right state, not excluded, no error from its rules). */
  entries: PostingEntry[];
  /** Postings dropped from this channel by an error in its rules. */
  dropped: string[];
  /** Each of `entries`' render key on this channel (fingerprint.ts), as its rules ran for it. */
  keys: ReadonlyMap<string, string>;
  /** For a channel with an `audience`: each of `entries`' receivers, as the checks worked out or the cache kept them. */
  audiences?: ReadonlyMap<string, readonly Audience[]>;
}

/** A source file with errors. Its role, if it ever was valid, keeps its last good version. */
export interface BrokenFile {
  file: string;
  id: string;
  /** The first error, for one-line reports. */
  error: Diagnostic;
  /** The role's last good version is built in its place. */
  kept: boolean;
}

export interface Validation {
  /** Valid postings, and the last good version of postings whose file is broken now (`kept`). */
  entries: PostingEntry[];
  diagnostics: Diagnostic[];
  /** True when a source file is invalid (reported, exit 1); the rest is still built. */
  invalidSources: boolean;
  broken: BrokenFile[];
  channels: ChannelSelection[];
  history: PostingHistory;
  /** What the source cache of this build should hold (written next to the manifest). */
  cacheRecords?: () => Iterable<CachedSource>;
}

function postingHash(p: LoadedPosting, state: LifecycleState): string {
  return createHash('sha256')
    .update(stableStringify({ posting: p.posting, state }))
    .digest()
    .toString('hex', 0, 16);
}

/**
 * A loaded posting as the channels see it: lifecycle state, content hash and when it last changed.
 * A cached posting is read only through `posting`, when a channel renders it (its facts say the rest).
 */
export function toEntry(p: LoadedPosting, project: Project, now: Date, previous: PostingHistory): PostingEntry {
  const facts = factsFor(p);
  const { state, ...lifecycle } = lifecycleOf(facts, now, project.config.schedule.timezone);
  const hash = facts.hashes[state] ?? postingHash(p, state);
  const before = previous[p.id];
  // First sight: the page took its form when the role went public (deterministic for fresh builds).
  const since =
    before?.hash === hash ? before.since : before ? now.toISOString() : new Date(Math.min(now.getTime(), lifecycle.liveFrom.getTime())).toISOString();
  // An unchanged role keeps what it had (and is not read); a changed or new one is read for its languages.
  const languages = before?.hash === hash ? before.languages : languageHistory(p, state, since, before, now);
  const entry: Omit<PostingEntry, 'posting'> = {
    id: p.id,
    file: p.file,
    lifecycle,
    state,
    hash,
    changedAt: new Date(since),
    ...(languages ? { languages } : {}),
    locate: (field) => p.locate(field),
  };
  return withPosting(entry, p);
}

/**
 * Each language's version of a role in several languages: its hash, and since when it has that form
 * (kept while its hash holds, so an edit to one language dates only that language's feeds). Read
 * only when the role changed or is new.
 */
function languageHistory(
  p: LoadedPosting,
  state: LifecycleState,
  since: string,
  before: PostingHistory[string] | undefined,
  now: Date,
): PostingLanguages | undefined {
  const langs = editionLanguagesOf(p.posting);
  if (!langs.length) return undefined;
  return Object.fromEntries(
    langs.map((lang, i) => {
      const { translations: _, ...version } = translated(p.posting, lang);
      // The set of languages too: every language's page links the others.
      const h = createHash('sha256').update(stableStringify({ version, state, langs })).digest().toString('hex', 0, 16);
      const prev = before?.languages?.[lang];
      const at = prev?.hash === h ? prev.since : before ? now.toISOString() : since;
      // editionLanguagesOf lists the file's own language first.
      return [lang, { hash: h, since: at, ...(i === 0 ? { own: true as const } : {}) }];
    }),
  );
}

const byId = (a: PostingEntry, b: PostingEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const historyOf = (entries: readonly PostingEntry[]): PostingHistory =>
  Object.fromEntries(entries.map((e) => [e.id, { hash: e.hash, since: e.changedAt.toISOString(), ...(e.languages ? { languages: e.languages } : {}) }]));

/** Which states a channel is checked in: the ones it renders, plus those about to go live. */
const checkedStates = (a: Adapter): LifecycleState[] => [...new Set<LifecycleState>([...(a.states ?? ['open']), 'draft', 'scheduled'])];

/** Runs every channel's rules on postings one at a time, collecting each channel's selection. */
class ChannelChecker {
  private readonly channels: {
    adapter: Adapter;
    ctx: RenderContext;
    renders: readonly LifecycleState[];
    inspected: readonly LifecycleState[];
    selected: PostingEntry[];
    dropped: string[];
  }[];
  readonly diagnostics: Diagnostic[] = [];
  private readonly strings = new Interner();

  private readonly config: string;

  constructor(project: Project, now: Date, checkAllStates: boolean) {
    this.config = configFingerprint(project.config);
    this.channels = project.adapters.map((adapter) => {
      const renders = adapter.states ?? ['open'];
      return {
        adapter,
        ctx: renderContext(adapter, project.config, now, siteLinks(project)),
        renders,
        inspected: checkAllStates ? checkedStates(adapter) : renders,
        selected: [],
        dropped: [],
      };
    });
  }

  /** Per posting: the render key the rules ran for and what they said (for the cache). */
  readonly ran = new Map<string, RuleChecks>();
  private readonly lists = new Map<string, readonly string[]>();

  /** `exclude`: the posting's `channels.exclude` (from its facts, so a cached posting is not parsed for it). */
  check(entry: PostingEntry, cached: RuleChecks | undefined, exclude: readonly string[] | undefined): void {
    const channels: string[] = [];
    const found: Record<string, readonly Finding[]> = {};
    const audience: Record<string, readonly Audience[]> = {};
    let key: string | undefined;
    for (const ch of this.channels) {
      if (!ch.inspected.includes(entry.state)) continue;
      const name = ch.adapter.name;
      if (exclude?.includes(name)) continue;
      key ??= renderKey(entry, this.config);
      channels.push(name);
      const reused = cached?.key === key && cached.channels.includes(name);
      const findings = reused ? (cached.found[name] ?? NO_FINDINGS) : this.runRules(ch.adapter, ch.ctx, entry);
      if (findings.length) found[name] = findings;
      let error = false;
      for (const f of findings) {
        // Thousands of postings share the same warning text: keep one copy of each string.
        f.message = this.strings.intern(f.message);
        if (f.fix) f.fix = this.strings.intern(f.fix);
        this.diagnostics.push(diagnosticOf(f, entry.file, name, entry.id));
        error ||= f.severity === 'error';
      }
      if (error) ch.dropped.push(entry.id);
      else if (ch.renders.includes(entry.state)) {
        ch.selected.push(entry);
        const live = this.audienceOf(ch.adapter, ch.ctx, entry, reused ? cached.audience?.[name] : undefined);
        if (live) audience[name] = live;
      }
    }
    if (key === undefined) return void this.ran.set(entry.id, NO_CHECKS);
    const any = channels.some((c) => c in found);
    const checks: RuleChecks = { key, channels: sharedList(channels, this.lists), found: any ? found : NO_CHECKS.found };
    this.ran.set(entry.id, Object.keys(audience).length ? Object.assign(checks, { audience }) : checks);
  }

  /** The channel's receivers for a posting it carries: the cached ones, else worked out (left to publish if that throws). */
  private audienceOf(adapter: Adapter, ctx: RenderContext, entry: PostingEntry, cached: readonly Audience[] | undefined): readonly Audience[] | undefined {
    if (!adapter.audience) return undefined;
    if (cached) return cached;
    try {
      return adapter.audience(entry, ctx);
    } catch {
      return undefined;
    }
  }

  /** A channel's rules on one posting, each finding located in the source; a rule that throws is a finding too. */
  private runRules(adapter: Adapter, ctx: RenderContext, entry: PostingEntry): Finding[] {
    try {
      return (adapter.check?.(entry, ctx) ?? []).map((d) => findingOf(Object.assign({}, entry.locate(d.field ?? ''), d)));
    } catch (err) {
      return [{ code: CODES.CHANNEL_FAILED, severity: 'error', message: `channel rules crashed: ${(err as Error).message}` }];
    }
  }

  /** Drop what the rules said of a posting (its file turned out invalid; its last good version is checked instead). */
  forget(id: string): void {
    for (const ch of this.channels) {
      ch.selected = ch.selected.filter((e) => e.id !== id);
      ch.dropped = ch.dropped.filter((d) => d !== id);
    }
    const rest = this.diagnostics.filter((d) => d.posting !== id);
    this.diagnostics.length = 0;
    this.diagnostics.push(...rest);
    this.ran.delete(id);
  }

  private audiences(channel: string, entries: readonly PostingEntry[]): Map<string, readonly Audience[]> {
    const out = new Map<string, readonly Audience[]>();
    for (const e of entries) {
      const live = this.ran.get(e.id)?.audience?.[channel];
      if (live) out.set(e.id, live);
    }
    return out;
  }

  /** The selections, keeping only `valid` postings, in id order (files are checked as they finish loading). */
  selections(valid: ReadonlySet<string>): ChannelSelection[] {
    return this.channels.map((ch) => {
      const entries = ch.selected.filter((e) => valid.has(e.id)).sort(byId);
      return {
        adapter: ch.adapter,
        entries,
        dropped: ch.dropped.filter((id) => valid.has(id)).sort(),
        keys: new Map(entries.map((e) => [e.id, this.ran.get(e.id)!.key])),
        ...(ch.adapter.audience ? { audiences: this.audiences(ch.adapter.name, entries) } : {}),
      };
    });
  }
}

/** Each channel's selection of `entries`; `cached` gives a posting's source cache record (its rules are not re-run when current). */
export function selectChannels(
  entries: readonly PostingEntry[],
  project: Project,
  opts: { now: Date; checkAllStates?: boolean; cached?: (id: string) => CachedSource | undefined },
): { channels: ChannelSelection[]; diagnostics: Diagnostic[] } {
  const { now, checkAllStates = false, cached } = opts;
  const checker = new ChannelChecker(project, now, checkAllStates);
  for (const e of entries) {
    const record = cached?.(e.id);
    checker.check(e, record?.checks, record ? record.facts.exclude : e.posting.channels?.exclude);
  }
  return { channels: checker.selections(new Set(entries.map((e) => e.id))), diagnostics: checker.diagnostics };
}
export interface ValidateOptions {
  /** The instant the lifecycle is evaluated at. */
  now: Date;
  /** When each posting's content last changed, from the previous build or the ledger. */
  history?: PostingHistory;
  /**
   * Run each channel's rules on every state it checks (closed roles too), as `jobcast validate` and
   * the admin do; a build runs them only on what it renders.
   */
  checkAllStates?: boolean;
  /** The previous build's source cache (see source-cache.ts); files and rules it covers are not redone. */
  cache?: ReadonlyMap<string, CachedSource>;
  /** A role's last good content when its file is broken and the cache does not have it (the ledger). */
  lastGood?: (id: string) => Promise<Posting | undefined>;
  /** Told as files are checked (BuildProgress's `validate` phase). */
  onProgress?: ProgressListener;
}

/**
 * Load, validate and run the channels' rules, one posting at a time as files finish parsing, so
 * position tables are needed only briefly (large folders stay within memory).
 */
export async function validateProject(project: Project, opts: ValidateOptions): Promise<Validation> {
  const { now, history: previous = {}, checkAllStates = false } = opts;
  const run: ValidationRun = {
    project,
    now,
    previous,
    checker: new ChannelChecker(project, now, checkAllStates),
    entries: new Map(),
    cache: opts.cache,
    onProgress: opts.onProgress,
  };
  const code = codeFingerprint();
  const { loaded, stamps } = await loadChecked(run, code, PostingStore.spill());
  const broken = brokenFiles(loaded.diagnostics, new Set(loaded.postings.map((p) => p.absPath)), project.postingsDir);
  const kept = await keepLastGood(run, broken, opts.lastGood);
  const ordered = [...loaded.postings.map((p) => run.entries.get(p.id)!), ...kept.map((k) => k.entry)].sort(byId);
  const valid = new Set(ordered.map((e) => e.id));
  const byFile = diagnosticsByFile(loaded.diagnostics);
  return {
    entries: ordered,
    diagnostics: [...loaded.diagnostics, ...run.checker.diagnostics.filter((d) => valid.has(d.posting!))],
    invalidSources: loaded.diagnostics.some((d) => d.severity === 'error'),
    broken: broken.map(({ absPath: _a, ...b }) => b),
    channels: run.checker.selections(valid),
    history: historyOf(ordered),
    cacheRecords: () =>
      sourceRecords({ postings: loaded.postings, entries: run.entries, stamps, code, byFile, checks: run.checker.ran, kept, postingsDir: project.postingsDir }),
  };
}

/** What one validation works with; `entries` collects every posting's entry by id, as loaded or kept. */
interface ValidationRun {
  project: Project;
  now: Date;
  previous: PostingHistory;
  checker: ChannelChecker;
  entries: Map<string, PostingEntry>;
  cache: ReadonlyMap<string, CachedSource> | undefined;
  onProgress: ProgressListener | undefined;
}

/**
 * Load every source file, running the channels' rules on each posting as it validates; a file the
 * cache has from the same code, with the same stamp, is not parsed again.
 */
async function loadChecked(
  { project, now, previous, checker, entries, cache, onProgress }: ValidationRun,
  code: string,
  spill: PostingStore | undefined,
): Promise<{ loaded: LoadResult; stamps: ReadonlyMap<string, FileStamp> }> {
  const stamps = new Map<string, FileStamp>();
  const loaded = await loadPostings(project.postingsDir, project.postingSchema, {
    onPosting: (p) => {
      const entry = toEntry(p, project, now, previous);
      entries.set(p.id, entry);
      checker.check(entry, cache?.get(p.absPath)?.checks, factsFor(p).exclude);
    },
    onStamp: (abs, stamp) => void stamps.set(abs, stamp),
    ...(spill ? { spill } : {}),
    ...(onProgress ? { onProgress: (done: number, total: number) => onProgress({ phase: 'validate', done, total }) } : {}),
    ...(cache
      ? {
          reuse: {
            get: (abs: string, stamp: FileStamp) => {
              const c = cache.get(abs);
              return c && c.code === code && sameStamp(c.stamp, stamp) ? c : undefined;
            },
          },
        }
      : {}),
  });
  return { loaded, stamps };
}

/**
 * Build each broken file's role from its last good version (the source cache's, else `lastGood`'s)
 * and check that on the channels instead; a role that never was valid stays out.
 */
async function keepLastGood(run: ValidationRun, broken: (BrokenFile & { absPath: string })[], lastGood: ValidateOptions['lastGood']): Promise<KeptRole[]> {
  const kept: KeptRole[] = [];
  for (const b of broken) {
    const record = run.cache?.get(b.absPath);
    const content = record ? undefined : await lastGood?.(b.id);
    if (!record && !content) continue;
    const file = displayPath(b.absPath);
    const at = { id: b.id, absPath: b.absPath, file, locate: () => ({ file }) };
    const loaded = record ? reusedPosting({ ...at, sourceHash: record.sourceHash }, record) : { ...at, posting: content!, sourceHash: '' };
    const entry: PostingEntry = Object.assign(toEntry(loaded, run.project, run.now, run.previous), { kept: true });
    run.entries.set(b.id, entry);
    run.checker.forget(b.id);
    run.checker.check(entry, record?.checks, (record?.facts ?? factsOf(entry.posting)).exclude);
    kept.push({ entry, ...(record ? { record } : {}) });
    b.kept = true;
  }
  return kept;
}

function diagnosticsByFile(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) if (d.file) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  return byFile;
}

/** Files with source errors, each with its first error; the id is the file name (when it is one). */
function brokenFiles(diagnostics: readonly Diagnostic[], validPaths: ReadonlySet<string>, dir: string): (BrokenFile & { absPath: string })[] {
  const first = new Map<string, Diagnostic>();
  for (const d of diagnostics) if (d.severity === 'error' && !d.channel && d.file && !first.has(d.file)) first.set(d.file, d);
  const out: (BrokenFile & { absPath: string })[] = [];
  for (const [file, error] of first) {
    const base = path.basename(file);
    if (!base.endsWith('.yaml')) continue;
    const absPath = path.join(dir, base);
    if (validPaths.has(absPath)) continue;
    const id = base.slice(0, -'.yaml'.length);
    out.push({ file, id, error, kept: false, absPath });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}
