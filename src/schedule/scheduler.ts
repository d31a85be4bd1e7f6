/**
 * The republish schedule (node-cron ~4.6): one run at start-up, then on `schedule.cron` in
 * `schedule.timezone`, never overlapping (a fire while a run is busy is skipped and logged).
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log';

export interface Schedule {
  /** Resolves when the start-up run has finished. */
  started: Promise<void>;
  nextRun(): Date | null;
  /** Stop firing; the running job (if any) is awaited by the caller via its own promise. */
  stop(): void;
}

export function startSchedule(expression: string, timezone: string, job: (reason: string) => Promise<void>, log: Logger): Schedule {
  const task: ScheduledTask = cron.createTask(expression, async () => job('scheduled'), {
    name: 'republish',
    timezone,
    noOverlap: true,
    logger: {
      info: () => undefined,
      warn: (m: string) => log.warn({ event: 'schedule.warn' }, m),
      error: (m: string | Error) => log.error({ event: 'schedule.error' }, String(m)),
      debug: () => undefined,
    },
  });
  task.on('execution:overlap', () => log.warn({ event: 'schedule.overlap' }, 'a publish is still running; this scheduled run is skipped'));
  const started = job('startup').finally(() => {
    if (task.getStatus() !== 'destroyed') void task.start();
  });
  return {
    started,
    nextRun: () => task.getNextRun(),
    stop: () => {
      void task.stop();
      void task.destroy();
    },
  };
}
