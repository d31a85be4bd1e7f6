/** Worker thread: carries files over into a generation as hard links (see link-files.ts). */
import { parentPort } from 'node:worker_threads';
import { linkFile, unpackOps } from './link-files';

const madeDirs = new Set<string>();

parentPort!.on('message', ({ at, ops: packed }: { at: number; ops: string }) => {
  const ops = unpackOps(packed);
  const failed = new Uint8Array(ops.length);
  for (let i = 0; i < ops.length; i++) failed[i] = linkFile(ops[i]!, madeDirs) ? 0 : 1;
  parentPort!.postMessage({ at, failed }, [failed.buffer]);
});
