/**
 * The build's progress on a terminal: one line on stderr, rewritten in place a few times a second
 * and erased when the build ends, so what stays on screen is the report. Not shown when stderr is not
 * a terminal (a log, CI, a pipe): there each line would be noise.
 */
import type { BuildProgress, ProgressListener } from '../pipeline/progress';
import type { Writer } from './report';

const EVERY_MS = 250;
const count = (n: number) => n.toLocaleString('en-US');

/** One line saying how far the build is. */
export function progressText(p: BuildProgress): string {
  if (p.phase === 'validate') return `checking source files: ${count(p.done)} of ${count(p.total)}`;
  const own = p.total ? `rendering roles' pages: ${count(p.done)} of ${count(p.total)}` : 'carrying unchanged pages over';
  return p.shared ? `${own} · feeds: ${p.shared}` : own;
}

export interface ProgressLine {
  listener: ProgressListener;
  /** Erase the line (the build ended, whichever way). */
  end(): void;
}

/** A progress line on `stream` when it is a terminal, else undefined. `clock` is for tests. */
export function progressLine(stream: Writer & { isTTY?: boolean }, clock: () => number = Date.now): ProgressLine | undefined {
  if (!stream.isTTY) return undefined;
  let last = -Infinity;
  let shown = false;
  let phase: BuildProgress['phase'] | undefined;
  let shared: string | undefined;
  return {
    listener: (p) => {
      const now = clock();
      // A new phase or feed is shown at once; counts at most every EVERY_MS.
      const moved = p.phase !== phase || (p.phase === 'render' && p.shared !== shared);
      phase = p.phase;
      shared = p.phase === 'render' ? p.shared : undefined;
      if (!moved && now - last < EVERY_MS) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${progressText(p)}`);
    },
    end: () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
