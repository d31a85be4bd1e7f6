/**
 * Unchanged files carried into a new generation as hard links, in bulk. An edit among 10,000 roles
 * carries some 49,000 files over: a folder, a link and a stat each, about two seconds of system
 * calls. Past LINK_WORKER_MIN files they are made on a worker thread (link-worker.ts), so they run
 * on the other core while this thread renders the feeds; below it, here, with the event loop given
 * a turn every YIELD_EVERY files.
 */
import { constants, copyFileSync, existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { envInteger } from '../util/env-integer';

/** One file to carry over (GenerationWriter.carryOverAll decides which). */
export interface LinkOp {
  /** The previous generation's file. */
  from: string;
  to: string;
  /** The size the manifest says; a file of another size is not the one the previous build wrote. */
  size: number;
  /**
   * What a recycled tree holds at `to`: these very bytes by its manifest (same sha and size; kept if
   * the file's size still is), other bytes, or nothing. A file there may be a link to a served one,
   * so it is unlinked, never written over.
   */
  held: 'same' | 'other' | 'none';
  /** The generation is a recycled tree (a stray file at `to` is unlinked too). */
  recycled: boolean;
}

const WORKER_FILE = path.join(__dirname, 'link-worker.js');
/** Below this many files, starting a worker costs more than the links it would take off this thread. */
const LINK_WORKER_MIN = envInteger('JOBCAST_LINK_WORKER_MIN', 4096);
/** Files per message to the worker: its first answer comes early, and few messages are in flight. */
const BATCH = 2048;
const LINK_WORKERS = envInteger('JOBCAST_LINK_WORKERS', 1, 1);
/** How many files are linked here between turns of the event loop (about 10 ms of links). */
const YIELD_EVERY = 256;

/** Carry `ops` over; per op, 1 where it failed (the file is gone or not the size it should be). */
export async function linkFiles(ops: readonly LinkOp[]): Promise<Uint8Array> {
  if (ops.length >= LINK_WORKER_MIN && existsSync(WORKER_FILE) && ops.every(packable)) return linkOnWorkers(ops);
  const failed = new Uint8Array(ops.length);
  const madeDirs = new Set<string>();
  for (let i = 0; i < ops.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await setImmediatePromise();
    failed[i] = linkFile(ops[i]!, madeDirs) ? 0 : 1;
  }
  return failed;
}

/** Whether the op's paths survive packOps' lines (an output folder named with a tab or newline is linked here). */
const packable = (op: LinkOp): boolean => !op.from.includes('\t') && !op.from.includes('\n') && !op.to.includes('\t') && !op.to.includes('\n');

function linkOnWorkers(ops: readonly LinkOp[]): Promise<Uint8Array> {
  const failed = new Uint8Array(ops.length);
  const workers = Array.from({ length: LINK_WORKERS }, () => new Worker(WORKER_FILE));
  return new Promise<Uint8Array>((resolve, reject) => {
    let answered = 0;
    for (const worker of workers) {
      worker.on('message', ({ at, failed: part }: { at: number; failed: Uint8Array }) => {
        failed.set(part, at);
        answered += part.length;
        if (answered === ops.length) resolve(failed);
      });
      // A worker that dies leaves links half made: the build fails and its generation is discarded.
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`a link worker stopped (exit ${code}) with ${answered} of ${ops.length} files done`)));
    }
    for (let at = 0, w = 0; at < ops.length; at += BATCH, w++) workers[w % workers.length]!.postMessage({ at, ops: packOps(ops, at, at + BATCH) });
  }).finally(() => workers.forEach((w) => void w.terminate()));
}

const HELD: readonly LinkOp['held'][] = ['same', 'other', 'none'];

/**
 * Ops `from`..`to` as one string, a line each: a message of one string is copied whole, where
 * 2,048 objects were cloned field by field (a tenth of the main thread's time in an edit's render).
 * Paths hold neither tab nor newline (assertSafeArtifactPath; the output folder's own path is checked
 * where the worker is chosen).
 */
export function packOps(ops: readonly LinkOp[], from: number, to: number): string {
  let text = '';
  for (let i = from; i < Math.min(to, ops.length); i++) {
    const op = ops[i]!;
    text += `${op.from}\t${op.to}\t${op.size}\t${HELD.indexOf(op.held)}\t${op.recycled ? 1 : 0}\n`;
  }
  return text;
}

export function unpackOps(text: string): LinkOp[] {
  const ops: LinkOp[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [from, to, size, held, recycled] = line.split('\t');
    ops.push({ from: from!, to: to!, size: Number(size), held: HELD[Number(held)]!, recycled: recycled === '1' });
  }
  return ops;
}

/** Link (or copy, where links are not possible) one file; false when it cannot be carried over. */
export function linkFile(op: LinkOp, madeDirs: Set<string>): boolean {
  try {
    if (op.held === 'same' && statSync(op.to, { throwIfNoEntry: false })?.size === op.size) return true;
    if (op.held !== 'none') rmSync(op.to, { force: true });
    makeDirSync(path.dirname(op.to), madeDirs);
    try {
      linkSync(op.from, op.to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      if (op.recycled) rmSync(op.to, { force: true });
      copyFileSync(op.from, op.to, op.recycled ? constants.COPYFILE_EXCL : 0);
    }
    return statSync(op.to).size === op.size;
  } catch {
    return false;
  }
}

/**
 * `mkdir -p` with blocking calls, once per folder: a folder whose parent this build made is made
 * with one plain mkdir (a third cheaper than a recursive one, and a rebuild makes one per role).
 */
export function makeDirSync(dir: string, madeDirs: Set<string>): void {
  if (madeDirs.has(dir)) return;
  if (madeDirs.has(path.dirname(dir))) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    madeDirs.add(dir);
    return;
  }
  mkdirSync(dir, { recursive: true });
  // Its parents exist now too, so their other children are made with a plain mkdir.
  for (let d = dir; !madeDirs.has(d) && path.dirname(d) !== d; d = path.dirname(d)) madeDirs.add(d);
}
