/**
 * Shared by the harness and its child processes: temp projects, the messages children send, timing
 * probes around the adapters, and seeding a ledger from a build.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFragmented, type Adapter, type ArtifactBody, type FragmentedBody } from '../src/adapter';
import { copyFileSync } from 'node:fs';
import type { BuildResult } from '../src/pipeline/build';
import { currentGeneration, layoutFor, readManifest } from '../src/pipeline/output-store';
import { Ledger } from '../src/ledger/ledger';
import { adoptionOf } from '../src/publish/adopt';
import { activeNotifiers } from '../src/publish/notifier-config';
import { planContext } from '../src/publish/run';
import { openProject, type Project } from '../src/project';
import { adapters as registryAdapters, notifiers } from '../src/cli/registries';

export const REPO = path.resolve(__dirname, '..', '..');
export const SHIPPED_CONFIG = path.join(REPO, 'jobcast.config.yaml');

export const MiB = 1024 * 1024;
/** The module the bench's adapters and notifiers come from, so the build's worker threads load the same (Project.plugins). */
const PLUGINS = require.resolve('../src/cli/registries');

/** A bench project opened with the registries' plugins (or `adapters` wrapping them, as BuildProbe's do), which worker threads load too. */
export function openBenchProject(p: BenchProject, adapters: readonly Adapter[] = registryAdapters): Promise<Project> {
  return openProject({ config: p.configFile, postings: p.postingsDir, out: p.outDir, state: p.statePath, adapters, notifiers, plugins: PLUGINS });
}
export const now = (): number => performance.now();

// ---------------------------------------------------------------------------------------------
// Temp projects

export interface BenchProject {
  dir: string;
  configFile: string;
  postingsDir: string;
  outDir: string;
  statePath: string;
}

/** A project folder in the OS temp dir with the shipped config (plus `extraConfig` YAML appended). */
export function makeProject(label: string, extraConfig = ''): BenchProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), `jobcast-bench-${label}-`));
  const configFile = path.join(dir, 'jobcast.config.yaml');
  writeFileSync(configFile, `${readFileSync(SHIPPED_CONFIG, 'utf8').trimEnd()}\n${extraConfig}`);
  const postingsDir = path.join(dir, 'postings');
  mkdirSync(postingsDir);
  return { dir, configFile, postingsDir, outDir: path.join(dir, 'dist'), statePath: path.join(dir, 'state', 'state.db') };
}

export function removeProject(p: Pick<BenchProject, 'dir'>): void {
  rmSync(p.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Child → parent messages

export interface ProgressMessage {
  type: 'progress';
  text: string;
  rssMiB: number;
  maxRssMiB: number;
}

export interface ResultMessage<T> {
  /** `partial`: what is known so far (kept if the child is stopped before its final `result`). */
  type: 'result' | 'partial';
  data: T;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ChildMessage<T> = ProgressMessage | ResultMessage<T> | ErrorMessage | { type: 'ready'; [k: string]: unknown };

/** Peak RSS of this process so far (resourceUsage().maxRSS is in KiB). */
export const maxRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
export const rssMiB = (): number => Math.round(process.memoryUsage().rss / MiB);

/** In a forked child: progress reporting with the current phase, every 500 ms and on each change. */
export function childReporter(): { phase(text: string): void; stop(): void; send<T>(msg: ChildMessage<T>): Promise<void> } {
  let text = 'starting';
  const send = <T>(msg: ChildMessage<T>) =>
    new Promise<void>((resolve) => {
      if (process.send && process.connected) process.send(msg, undefined, undefined, () => resolve());
      else resolve();
    });
  const tick = () => void send({ type: 'progress', text, rssMiB: rssMiB(), maxRssMiB: maxRssMiB() });
  const timer = setInterval(tick, 500);
  timer.unref();
  // The parent went away (killed, timed out): do not linger.
  process.on('disconnect', () => process.exit(3));
  return {
    phase(t: string) {
      text = t;
      tick();
    },
    stop: () => clearInterval(timer),
    send,
  };
}

/** Report a child's failure to the parent (and wait until it is sent), then exit. */
export function childFailed(err: unknown): void {
  const message = (err as Error).stack ?? String(err);
  if (process.send && process.connected) process.send({ type: 'error', message }, undefined, undefined, () => process.exit(1));
  else {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

export function childArgs<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('missing JSON argument');
  return JSON.parse(raw) as T;
}

// ---------------------------------------------------------------------------------------------
// Timing the channels of a build

export interface ChannelTiming {
  channel: string;
  /** Time inside `render()` / `renderPosting()` plus inside the artifact bodies' iterators (producing the bytes). */
  renderMs: number;
  /**
   * From this channel's first render call to the next channel's (render + produce + write + hash),
   * when the build handles channels one after another; absent when their calls interleave.
   */
  wallMs?: number;
  /** Calls of `render()` and of `renderPosting()` (an incremental build calls the latter only for what changed). */
  renderCalls: number;
  renderPostingCalls: number;
  /** Files the channel has in the output (rendered now or carried over) and their bytes. */
  artifacts: number;
  bytes: number;
  /** Its postings' own files were rendered on the build's worker threads, where the probe does not see them (not in renderMs or wallMs). */
  ownFilesInWorkers?: true;
}

export interface BuildTiming {
  wallMs: number;
  /** Build start → first render call: reading the previous manifest, loading, parsing, validating, channel rules. */
  beforeRenderMs: number;
  channels: ChannelTiming[];
  /** Last channel's work done → build returned: manifest, atomic swap, pruning old generations (when channels run one after another). */
  afterRenderMs?: number;
  files: number;
  bytes: number;
  /** Worker threads that rendered postings' own files (BuildResult.workers). */
  workers: number;
}

interface ChannelMarks {
  first: number;
  lastActivity: number;
  produceMs: number;
  renderCalls: number;
  renderPostingCalls: number;
  /** Pieces of work in progress right now (calls, body pulls), and since when. */
  active: number;
  activeSince: number;
}

/**
 * Wraps adapters so a build can be split into phases without a hook in the core: `render()` and
 * `renderPosting()` are timed, iterable bodies are wrapped to time their production, and the first
 * call of each channel marks where the previous one ended. String and byte bodies pass untouched.
 * A channel the build does not render at all (nothing changed) does not appear.
 */
export class BuildProbe {
  private marks = new Map<string, ChannelMarks>();
  private order: string[] = [];
  private startedAt = 0;

  constructor(
    readonly adapters: readonly Adapter[],
    /** Told when a channel is rendered for the first time in this build (for progress lines). */
    private readonly onChannel?: (name: string, index: number) => void,
  ) {}

  instrumented(): Adapter[] {
    return this.adapters.map((a) => {
      const wrapped: Adapter = { ...a };
      const render = a.render?.bind(a);
      const renderPosting = a.renderPosting?.bind(a);
      if (render) {
        wrapped.render = (entries, ctx) => {
          const result = this.timed(a.name, 'renderCalls', () => render(entries, ctx));
          return { ...result, artifacts: result.artifacts.map((art) => ({ ...art, body: this.wrapBody(a.name, art.body) })) };
        };
      }
      if (renderPosting) {
        wrapped.renderPosting = (entry, ctx) =>
          this.timed(a.name, 'renderPostingCalls', () => renderPosting(entry, ctx)).map((art) => ({ ...art, body: this.wrapBody(a.name, art.body) }));
      }
      return wrapped;
    });
  }

  start(): void {
    this.marks.clear();
    this.order = [];
    this.startedAt = now();
  }

  private channel(name: string, at: number): ChannelMarks {
    let m = this.marks.get(name);
    if (!m) {
      m = { first: at, lastActivity: at, produceMs: 0, renderCalls: 0, renderPostingCalls: 0, active: 0, activeSince: 0 };
      this.marks.set(name, m);
      this.order.push(name);
      this.onChannel?.(name, this.order.length);
    }
    return m;
  }

  /**
   * Work of a channel is counted as the union of the intervals during which any of it is in progress:
   * a build may write (and so pull async bodies of) several files at once, and awaiting is not work.
   */
  private enter(name: string): ChannelMarks {
    const t = now();
    const m = this.channel(name, t);
    if (m.active++ === 0) m.activeSince = t;
    return m;
  }

  private leave(m: ChannelMarks, done = true): void {
    const t = now();
    if (--m.active === 0) m.produceMs += t - m.activeSince;
    if (done || t > m.lastActivity) m.lastActivity = t;
  }

  private timed<T>(name: string, counter: 'renderCalls' | 'renderPostingCalls', fn: () => T): T {
    const m = this.enter(name);
    m[counter]++;
    try {
      return fn();
    } finally {
      this.leave(m);
    }
  }

  private wrapBody(channel: string, body: ArtifactBody): ArtifactBody {
    if (typeof body === 'string' || body instanceof Uint8Array) return body;
    if (isFragmented(body)) return this.wrapFragments(channel, body);
    if (Symbol.asyncIterator in body) {
      const src = body as AsyncIterable<string | Uint8Array>;
      return {
        [Symbol.asyncIterator]: () => {
          const it = src[Symbol.asyncIterator]();
          return {
            next: async () => {
              const m = this.enter(channel);
              let done = false;
              try {
                const r = await it.next();
                done = Boolean(r.done);
                return r;
              } finally {
                this.leave(m, done);
              }
            },
            return: async (v?: unknown) => (it.return ? it.return(v) : { done: true as const, value: undefined }),
          };
        },
      } as AsyncIterable<string | Uint8Array>;
    }
    const src = body as Iterable<string | Uint8Array>;
    return {
      [Symbol.iterator]: () => {
        const it = src[Symbol.iterator]();
        return {
          next: () => {
            const m = this.enter(channel);
            let done = false;
            try {
              const r = it.next();
              done = Boolean(r.done);
              return r;
            } finally {
              this.leave(m, done);
            }
          },
          return: (v?: unknown) => (it.return ? it.return(v) : { done: true as const, value: undefined }),
        };
      },
    } as Iterable<string | Uint8Array>;
  }

  /** A fragmented body stays one (so the build can still copy unchanged fragments), with its rendering timed. */
  private wrapFragments(channel: string, body: FragmentedBody): FragmentedBody {
    const timed =
      <T>(fn: () => T) =>
      (): T => {
        const m = this.enter(channel);
        try {
          return fn();
        } finally {
          this.leave(m);
        }
      };
    const { head, items, tail } = body.fragments;
    const wrappedItems = {
      [Symbol.iterator]: function* () {
        for (const f of items) yield { posting: f.posting, render: timed(() => f.render()) };
      },
    };
    const iterable = this.wrapBody(channel, { [Symbol.iterator]: () => body[Symbol.iterator]() }) as Iterable<string>;
    return Object.assign(iterable, { fragments: { head: timed(head), items: wrappedItems, tail: timed(tail) } });
  }

  finish(result: BuildResult | undefined): BuildTiming {
    const end = now();
    const bytes = new Map<string, number>();
    const files = new Map<string, number>();
    let totalBytes = 0;
    let totalFiles = 0;
    for (const a of Object.values(result?.manifest.artifacts ?? {})) {
      bytes.set(a.channel, (bytes.get(a.channel) ?? 0) + a.size);
      files.set(a.channel, (files.get(a.channel) ?? 0) + 1);
      totalBytes += a.size;
      totalFiles++;
    }
    const workers = result?.workers ?? 0;
    const inWorkers = (name: string) => (workers && this.adapters.find((a) => a.name === name)?.renderPosting ? { ownFilesInWorkers: true as const } : {});
    const ms = this.order.map((n) => [n, this.marks.get(n)!] as const);
    // Sequential when each channel's activity ends before the next one starts.
    const sequential = ms.every(([, m], i) => i === 0 || ms[i - 1]![1].lastActivity <= m.first + 0.001);
    const channels = ms.map(([name, m], i): ChannelTiming => {
      const next = ms[i + 1]?.[1].first;
      return {
        channel: name,
        renderMs: m.produceMs,
        ...(sequential ? { wallMs: (next ?? (m.lastActivity > m.first ? m.lastActivity : end)) - m.first } : {}),
        renderCalls: m.renderCalls,
        renderPostingCalls: m.renderPostingCalls,
        artifacts: files.get(name) ?? 0,
        bytes: bytes.get(name) ?? 0,
        ...inWorkers(name),
      };
    });
    // Channels with files in the output that were not rendered at all (carried over).
    for (const [name, n] of files) {
      if (!this.marks.has(name))
        channels.push({ channel: name, renderMs: 0, renderCalls: 0, renderPostingCalls: 0, artifacts: n, bytes: bytes.get(name) ?? 0, ...inWorkers(name) });
    }
    const first = ms[0]?.[1].first ?? end;
    const lastEnd = ms.length ? Math.max(...ms.map(([, m]) => m.lastActivity)) : end;
    return {
      wallMs: end - this.startedAt,
      beforeRenderMs: first - this.startedAt,
      channels,
      ...(sequential ? { afterRenderMs: Math.max(0, end - lastEnd) } : {}),
      files: totalFiles,
      bytes: totalBytes,
      workers,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Ledger seeding

/**
 * Record the current output in the project's ledger as already told (what `jobcast state adopt`
 * does), without notifying: the state a later `publish` plans against. Copied to `to` when given.
 */
export async function seedLedger(project: Project, to?: string): Promise<void> {
  const ledger = await Ledger.open(project.statePath);
  try {
    const lease = await ledger.lease.acquire('adopt');
    try {
      const generation = (await currentGeneration(layoutFor(project.outDir)))!;
      const manifest = (await readManifest(generation))!;
      const ctx = planContext(project, new Date(manifest.builtFor), await ledger.keySpace());
      const adopted = await adoptionOf(project, manifest, generation, activeNotifiers(project.notifiers, project.config), ctx);
      await ledger.adopt(lease, adopted, { id: manifest.ledger?.id ?? (await ledger.identity()).id, seq: manifest.ledger?.seq ?? 0 }, new Date());
    } finally {
      await lease.release();
    }
  } finally {
    await ledger.close();
  }
  if (to) copyFileSync(project.statePath, to);
}

export const round = (x: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
