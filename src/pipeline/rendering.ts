/** Running a channel's render code, on the main thread or in a render worker (render-worker.ts). */
import { isJobcastError } from '../errors';
import { FAILURES } from '../failures';

/** Run a channel's render code; what it throws is the channel's crash (a JobcastError stays itself). */
export function rendering<T>(channel: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    throw isJobcastError(err) ? err : FAILURES.channelCrashed(channel, (err as Error).message);
  }
}
