/** Worker thread: parses batches of posting files (see parse-pool.ts). */
import { parentPort } from 'node:worker_threads';
import { readAndParse } from './parse-file';

interface Batch {
  id: number;
  files: [abs: string, display: string][];
}

parentPort?.on('message', (batch: Batch) => void handle(batch));

async function handle(batch: Batch): Promise<void> {
  const results = [];
  for (const [abs, display] of batch.files) results.push(await readAndParse(abs, display));
  parentPort!.postMessage({ id: batch.id, results });
}
