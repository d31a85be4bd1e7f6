/**
 * `serve --watch`: a build (not a publish) within moments of a posting file changing. The output
 * changes and is served at once; it is told at the next publish, and until then the admin shows it
 * as built, not yet told (docs/publication.md).
 */
import { watch } from 'node:fs';
import { isJobcastError, CODES } from '../errors';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import { buildProject } from '../pipeline/build';
import { deployAfterBuild } from '../deploy/after-build';
import type { Project } from '../project';

/** How long the service's builds and publishes wait for another writer (a CLI build or publish). */
export const WRITER_WAIT_MS = 30_000;

export function watchPostings(
  project: Project,
  ledger: Ledger,
  log: Logger,
  now: () => Date,
  reload: () => Promise<unknown>,
  env: NodeJS.ProcessEnv = process.env,
): { stop(): void } {
  let building = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(rebuild, ms);
  };
  const rebuild = () => {
    building = building.then(async () => {
      try {
        const result = await buildProject(project, { now: now(), ledger, waitMs: WRITER_WAIT_MS });
        await reload();
        for (const b of result.broken) {
          log.warn(
            { event: 'watch.broken_file', file: b.file, line: b.error.line, col: b.error.col, code: b.error.code, servingLastGood: b.kept },
            `${b.file}:${b.error.line ?? 1}:${b.error.col ?? 1} ${b.error.message}`,
          );
        }
        log.info({ event: 'watch.rebuilt', broken: result.broken.length });
        await deployAfterBuild(project, env, log);
      } catch (err) {
        log.warn({ event: 'watch.build_failed', code: isJobcastError(err) ? err.code : undefined }, (err as Error).message);
        // Another writer held the lease: try again shortly rather than miss the edit.
        if (isJobcastError(err) && err.code === CODES.LEASE_HELD) later(2000);
      }
    });
  };
  const watcher = watch(project.postingsDir, () => later(250));
  // The folder vanishing (or a watch limit) must not take the server down: log it, keep serving.
  watcher.on('error', (err) => log.warn({ event: 'watch.error' }, `stopped watching ${project.postingsDir}: ${err.message}`));
  return {
    stop: () => {
      watcher.close();
      clearTimeout(timer);
    },
  };
}
