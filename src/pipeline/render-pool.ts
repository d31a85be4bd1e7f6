/**
 * Each posting's own files (its page, its JSON, its emails) rendered and written on worker threads,
 * while the main thread carries unchanged files over and renders the channels' shared files (feeds,
 * listing, sitemap). At 10,000 roles those own files were 29 s of a 70 s build on one core; channels
 * are pure, so a worker that loads the same plugins and config renders the same bytes.
 *
 * Workers are used only when the project names the module its plugins come from
 * (`Project.plugins`, the CLI's registries): a worker cannot receive the adapter objects themselves.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PostingEntry } from '../adapter';
import { JobcastError } from '../errors';
import type { SiteConfig } from '../model/config';
import type { Project } from '../project';
import { envInteger } from '../util/env-integer';
import type { WrittenFile } from './generation-writer';

const WORKER_FILE = path.join(__dirname, 'render-worker.js');
/** Below this many postings to render, starting workers (about half a second each) costs more than it saves. */
const MIN_POSTINGS = envInteger('JOBCAST_RENDER_WORKERS_MIN', 300);
/** Postings per message, and messages in flight per worker (so a worker is never idle while the main thread renders a feed). */
const BATCH = 8;
const IN_FLIGHT = 4;

/** A posting and the channels whose own files it needs rendered. */
export interface RenderJob {
  entry: PostingEntry;
  channels: string[];
}

/** What a worker is started with (structured-cloned). */
export interface WorkerSetup {
  plugins: string;
  config: SiteConfig;
  now: Date;
  site: string;
  /** The site is a recycled tree: unlink what is at a path before writing it (GenerationWriter.recycled). */
  replace: boolean;
}

/** A PostingEntry as it crosses to a worker: its data, without `locate` (no channel's own files use it). */
export type WireEntry = Omit<PostingEntry, 'locate'>;

export interface WireJob {
  entry: WireEntry;
  channels: string[];
}

/** A file a worker wrote: a posting's own file on one channel. */
export interface PooledFile extends WrittenFile {
  channel: string;
  posting: string;
}

/** A worker's answer to one batch. */
export type WorkerReply = { id: number; files: PooledFile[] } | { id: number; error: { code: string; message: string; exitCode: 1 | 2 } };

const threads = (): number => Math.min(4, availableParallelism());

/** Whether `count` postings' own files are rendered in workers for `project`. */
export function usesWorkers(project: Pick<Project, 'plugins'>, count: number): boolean {
  return !!project.plugins && count >= MIN_POSTINGS && threads() >= 2 && existsSync(WORKER_FILE);
}

const wireJob = ({ entry, channels }: RenderJob): WireJob => ({
  entry: {
    id: entry.id,
    file: entry.file,
    posting: entry.posting,
    lifecycle: entry.lifecycle,
    state: entry.state,
    hash: entry.hash,
    changedAt: entry.changedAt,
    ...(entry.languages ? { languages: entry.languages } : {}),
    ...(entry.kept ? { kept: entry.kept } : {}),
  },
  channels,
});

/**
 * Render `jobs` on worker threads into the generation at `site`; `onFile` records each file written.
 * Returns how many threads rendered.
 * The first failure stops new work and is thrown (as the JobcastError it was) once every batch in
 * flight has answered, so nothing is left writing into a generation the caller is about to discard.
 */
export async function renderInWorkers(
  project: Pick<Project, 'plugins' | 'config'>,
  jobs: readonly RenderJob[],
  setup: { now: Date; site: string; replace: boolean },
  onFile: (file: PooledFile) => void,
  onPostings?: (count: number) => void,
): Promise<number> {
  const workerData: WorkerSetup = { plugins: project.plugins!, config: project.config, ...setup };
  const pool: Pool = { jobs, next: 0, onFile, ...(onPostings ? { onPostings } : {}) };
  const workers = Array.from({ length: threads() }, () => new Worker(WORKER_FILE, { workerData }));
  try {
    await Promise.all(workers.map((w) => drive(w, pool)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (pool.failure) throw pool.failure.error;
  return workers.length;
}

/** What the workers share: the jobs, the next one to send, the first failure. */
interface Pool {
  jobs: readonly RenderJob[];
  next: number;
  failure?: { error: unknown };
  onFile: (file: PooledFile) => void;
  onPostings?: (count: number) => void;
}

/** Keep one worker busy until the jobs run out or one fails; resolves once it has nothing in flight. */
function drive(worker: Worker, pool: Pool): Promise<void> {
  return new Promise<void>((resolve) => {
    let inFlight = 0;
    const send = () => {
      while (!pool.failure && inFlight < IN_FLIGHT && pool.next < pool.jobs.length) {
        const batch = pool.jobs.slice(pool.next, pool.next + BATCH).map(wireJob);
        // A batch's id is the index of its first job, so its size is known from the id.
        worker.postMessage({ id: pool.next, jobs: batch });
        pool.next += batch.length;
        inFlight++;
      }
      if (inFlight === 0) resolve();
    };
    worker.on('message', (reply: WorkerReply) => {
      inFlight--;
      try {
        if ('error' in reply) throw new JobcastError(reply.error.code, reply.error.message, reply.error.exitCode);
        for (const file of reply.files) pool.onFile(file);
        pool.onPostings?.(Math.min(BATCH, pool.jobs.length - reply.id));
      } catch (error) {
        pool.failure ??= { error };
      }
      send();
    });
    worker.on('error', (error) => {
      pool.failure ??= { error };
      resolve();
    });
    worker.on('exit', (code) => {
      if (inFlight > 0) pool.failure ??= { error: new Error(`a render worker exited with code ${code}`) };
      resolve();
    });
    send();
  });
}
