/**
 * `jobcast import <source> [--dry-run]`: the board named under `import.<source>` in the config into
 * posting files, under the writer lease (nothing else changes the postings or the output meanwhile).
 * Prints the plan — new, changed, closed, unchanged — and what could not be carried, per ATS job.
 */
import { CODES, JobcastError } from '../errors';
import { Ledger } from '../ledger/ledger';
import { displayPath } from '../load/display-path';
import type { Project } from '../project';
import type { ImportRun, ImportConfig, RunImportOptions } from '../import/run';
import { runImport } from '../import/run';
import type { Writer } from './report';

const LEASE_WAIT_MS = 60_000;

/** The importer and its config the command line names, or the usage problem. */
export function importTarget(project: Project, source: string | undefined): { error: string } | { config: ImportConfig } {
  const names = project.importers.map((i) => i.name);
  if (!source) return { error: `name the source to import from: ${names.join(', ')}` };
  if (!names.includes(source)) return { error: `"${source}" is not a source; the sources are: ${names.join(', ')}` };
  const config = (project.config as unknown as { import?: ImportConfig }).import;
  if (!config?.[source])
    return { error: `add import.${source} to ${displayPath(project.configFile)}, e.g. import: { ${source}: { board: acme } } (docs/import.md)` };
  return { config };
}

/** On a terminal, one line on stderr saying how many jobs are read so far, erased at the end. */
function readingLine(stream: Writer & { isTTY?: boolean }, source: string): { onProgress?: (n: number) => void; end(): void } {
  if (!stream.isTTY) return { end: () => undefined };
  let shown = false;
  return {
    onProgress: (n) => {
      stream.write(`\r\x1b[2Kreading ${source}: ${n.toLocaleString('en-US')} job${n === 1 ? '' : 's'}`);
      shown = true;
    },
    end: () => void (shown && stream.write('\r\x1b[2K')),
  };
}

/** Run the import under the writer lease (the same one builds and publishes take), showing how far it has read. */
export async function importUnderLease(
  project: Project,
  source: string,
  config: ImportConfig,
  opts: { dryRun: boolean; now: Date; progress?: Writer & { isTTY?: boolean } },
): Promise<ImportRun> {
  const line = opts.progress ? readingLine(opts.progress, source) : { end: () => undefined };
  try {
    return await leased(project, source, config, { ...opts, fetch: 'onProgress' in line && line.onProgress ? { onProgress: line.onProgress } : {} });
  } finally {
    line.end();
  }
}

async function leased(project: Project, source: string, config: ImportConfig, opts: RunImportOptions): Promise<ImportRun> {
  const importer = project.importers.find((i) => i.name === source)!;
  if (opts.dryRun) return runImport(project, importer, config, opts);
  const ledger = await Ledger.open(project.statePath);
  try {
    const lease = await ledger.lease.acquire('import', { waitMs: LEASE_WAIT_MS });
    try {
      return await runImport(project, importer, config, opts);
    } finally {
      await lease.release();
    }
  } finally {
    await ledger.close();
  }
}

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(1, n - s.length));

/** The plan as people read it: one line per file, then what the ATS said that could not be carried. */
export function printImport(run: ImportRun, out: Writer, err: Writer): void {
  const verb = run.dryRun ? 'would be' : 'was';
  if (run.failed) {
    err.write(`jobcast import ${run.source} (${run.board}): ${run.failed}; no file ${verb} changed [${CODES.IMPORT_FAILED}]\n`);
    return;
  }
  const plan = run.plan!;
  const count = (k: string) => plan.changes.filter((c) => c.kind === k).length;
  out.write(
    `${run.source} ${run.board}${run.dryRun ? ' (dry run: nothing written)' : ''}: ${count('new')} new, ${count('changed')} changed, ${count('closed')} closed, ${plan.unchanged.length} unchanged\n`,
  );
  for (const c of plan.changes) {
    const what = c.kind === 'changed' ? c.fields.join(', ') : c.kind === 'closed' ? 'no longer on the board: status: closed' : c.title;
    out.write(`  ${pad(c.kind, 8)} ${pad(displayPath(c.file), 34)} ${what}\n`);
  }
  // The same note about several jobs is said once, naming them all.
  const grouped = new Map<string, string[]>();
  for (const i of run.issues) {
    const key = `${i.severity}: ${i.field}: ${i.message}`;
    grouped.set(key, [...(grouped.get(key) ?? []), i.job ?? '(board)']);
  }
  for (const [said, jobs] of grouped) err.write(`  ${said.replace(/: /, `: job${jobs.length > 1 ? 's' : ''} ${jobs.join(', ')} `)}\n`);
}

/** Exit code: 0 done (or planned), 1 when the ATS failed or a job was left out. */
export const importExitCode = (run: ImportRun): number => (run.failed || run.issues.some((i) => i.severity === 'error') ? 1 : 0);

export const usageError = (message: string): JobcastError => new JobcastError(CODES.USAGE, message, 2);
