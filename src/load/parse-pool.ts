/**
 * Parse many files on all cores. YAML parsing is most of the cost of loading a large folder (about a
 * millisecond per role), and it does not depend on the schema, so worker threads do it while the main
 * thread validates. Small folders, and runs from TypeScript sources (tests), parse inline.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { envInteger } from '../util/env-integer';
import { readAndParse, type ParsedFile } from './parse-file';

const WORKER_FILE = path.join(__dirname, 'parse-worker.js');
const MIN_FILES_FOR_WORKERS = envInteger('JOBCAST_PARSE_WORKERS_MIN', 400);
const BATCH = 64;

export async function parseFiles(files: readonly [abs: string, display: string][], onParsed: (index: number, result: ParsedFile) => void): Promise<void> {
  const threads = Math.min(4, availableParallelism());
  if (files.length < MIN_FILES_FOR_WORKERS || threads < 2 || !existsSync(WORKER_FILE)) {
    let next = 0;
    const inline = async () => {
      while (next < files.length) {
        const i = next++;
        onParsed(i, await readAndParse(files[i]![0], files[i]![1]));
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, files.length) }, inline));
    return;
  }
  const batches: { id: number; start: number; files: [string, string][] }[] = [];
  for (let start = 0, id = 0; start < files.length; start += BATCH, id++) batches.push({ id, start, files: files.slice(start, start + BATCH) });
  let next = 0;
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const send = () => {
        const b = batches[next++];
        if (!b) return resolve();
        worker.postMessage({ id: b.id, files: b.files });
      };
      worker.on('message', (msg: { id: number; results: ParsedFile[] }) => {
        const b = batches[msg.id]!;
        msg.results.forEach((r, k) => onParsed(b.start + k, r));
        send();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`parse worker exited with code ${code}`))));
      send();
    });
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_FILE));
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
