/**
 * The output is whatever the output link points at, whoever built it: the link is watched and
 * checked every `pollMs`, so a build by the CLI or another process is served within a second.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface Following {
  /** Settles once the link's current target is known. */
  started: Promise<void>;
  stop(): void;
}

export function followOutput(outLink: string, pollMs: number, onChange: () => Promise<void>): Following {
  let linkSeen = '';
  const check = async () => {
    const target = await fs.readlink(outLink).catch(() => '');
    if (target === linkSeen) return;
    linkSeen = target;
    await onChange();
  };
  const started = fs.readlink(outLink).then(
    (t) => void (linkSeen = t),
    () => undefined,
  );
  const timer = setInterval(() => void check(), pollMs);
  timer.unref();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(outLink), (_event, name) => {
      if (!name || String(name) === path.basename(outLink)) void check();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No folder yet, or no watch support: the periodic check does it.
  }
  return {
    started,
    stop: () => {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
