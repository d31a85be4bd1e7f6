/**
 * `import.schedule: true`: before each scheduled publish, every configured import runs under the
 * writer lease, so the publish that follows builds from the files it wrote. A failing ATS is logged
 * and changes nothing; the publish goes ahead with the files as they are.
 */
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Project } from '../project';
import type { FetchOptions } from './fetch';
import { runImport, type ImportConfig } from './run';

const LEASE_WAIT_MS = 60_000;

export async function scheduledImports(project: Project, ledger: Ledger, now: Date, log: Logger, fetch?: Partial<FetchOptions>): Promise<void> {
  const config = (project.config as unknown as { import?: ImportConfig }).import;
  const due = project.importers.filter((i) => config?.schedule && config[i.name] !== undefined);
  if (!due.length) return;
  let lease;
  try {
    lease = await ledger.lease.acquire('import', { waitMs: LEASE_WAIT_MS });
  } catch (err) {
    log.warn({ event: 'import.skipped', error: err instanceof Error ? err.message : String(err) });
    return;
  }
  try {
    for (const importer of due) {
      try {
        const run = await runImport(project, importer, config!, { dryRun: false, now, ...(fetch ? { fetch } : {}) });
        const changes = run.plan?.changes ?? [];
        log.info({
          event: 'import.done',
          source: importer.name,
          board: run.board,
          failed: run.failed ?? null,
          changed: changes.length,
          issues: run.issues.length,
        });
      } catch (err) {
        log.warn({ event: 'import.failed', source: importer.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await lease.release();
  }
}
