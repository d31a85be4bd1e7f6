/**
 * `jobcast import <source>`: the whole board read (src/import/fetch.ts), the plan made
 * (src/import/plan.ts), and — unless it is a dry run — each file written atomically (a temporary
 * file renamed over it), so a crash leaves every file either as it was or as planned, and the next
 * import finishes the job. A failed or empty answer writes nothing.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Project } from '../project';
import { fetchBoard, type FetchOptions } from './fetch';
import type { Importer, ImportIssue } from './importer';
import { planImport, type ImportPlan } from './plan';

/** `import:` in the config: each importer's options under its name, and whether the schedule imports. */
export function importSection(importers: readonly Importer[]) {
  const shape: Record<string, z.ZodType> = {
    schedule: z.boolean().default(false).describe('true: serve runs every configured import before each scheduled publish'),
    timeoutMs: z.int().min(100).max(120_000).default(15_000).describe('How long one request to the ATS may take, in ms, e.g. 15000'),
  };
  for (const i of importers) shape[i.name] = i.options.optional().describe(i.description);
  return z.strictObject(shape).optional().describe('Roles imported from applicant tracking systems (jobcast import <source>)');
}

export type ImportConfig = { schedule: boolean; timeoutMs: number } & Record<string, unknown>;

export interface ImportRun {
  source: string;
  board: string;
  dryRun: boolean;
  /** Why nothing was written: the ATS failed, answered in part, or listed no jobs. */
  failed?: string;
  plan?: ImportPlan;
  issues: ImportIssue[];
}

function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export interface RunImportOptions {
  dryRun: boolean;
  now: Date;
  fetch?: Partial<FetchOptions>;
}

/** Import `importer`'s board as `project`'s config names it. */
export async function runImport(project: Project, importer: Importer, config: ImportConfig, opts: RunImportOptions): Promise<ImportRun> {
  const options = config[importer.name];
  const board = importer.board(options);
  const base = { source: importer.name, board, dryRun: opts.dryRun };
  const policy = { timeoutMs: config.timeoutMs, retries: 2, backoffMs: 250 };
  const answer = await fetchBoard(importer, options, { policy, ...opts.fetch });
  if ('failed' in answer) return { ...base, failed: answer.failed, issues: [] };
  if (!answer.jobs.length) {
    // An empty board is more often a broken answer than a company with no roles: never close on it.
    return { ...base, failed: `${importer.name} answered with no jobs for ${board}; nothing is changed or closed`, issues: answer.issues };
  }
  const input = {
    ats: importer.name,
    board,
    idPrefix: importer.idPrefix,
    postingsDir: project.postingsDir,
    schema: project.postingSchema,
    today: opts.now.toISOString().slice(0, 10),
  };
  const plan = planImport(answer.jobs, input, [...answer.issues]);
  if (!opts.dryRun) for (const c of plan.changes) writeAtomically(c.file, c.text);
  return { ...base, plan, issues: plan.issues };
}
