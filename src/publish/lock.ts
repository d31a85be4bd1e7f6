/**
 * One publisher at a time, across processes (a scheduled run and a manual `jobcast publish`) and
 * within one process (the schedule and the admin's "Republish now").
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { JobcastError } from '../errors';

export const LOCK_CODE = 'JC_PUBLISH_LOCKED';

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PublishLock {
  release(): Promise<void>;
}

/** Take the lock at `file`, waiting up to `waitMs` for another holder; a dead holder's lock is taken over. */
export async function acquireLock(file: string, waitMs = 0): Promise<PublishLock> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (!held.has(file)) {
      try {
        const fh = await fs.open(file, 'wx');
        await fh.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
        await fh.close();
        held.add(file);
        return {
          release: async () => {
            held.delete(file);
            await fs.rm(file, { force: true });
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).split('\n')[0]);
        if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
          // The holder died without releasing (killed): its run left nothing half-done that the
          // ledger cannot redo, so the lock is safe to take over.
          await fs.rm(file, { force: true });
          continue;
        }
      }
    }
    if (Date.now() >= deadline) {
      const holder = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n')[0] || 'this process';
      throw new JobcastError(LOCK_CODE, `another publish is running (pid ${holder}); nothing was done — try again when it finishes`, 1);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
