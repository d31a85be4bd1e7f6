/**
 * What an import would do, worked out before anything is written: each ATS job as a new or changed
 * posting file (or unchanged), each imported file whose job left the board closed, and every job the
 * posting rules would reject left out with the reason. Pure but for reading the postings folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { crossFieldIssues, type PostingSchema } from '../model/posting';
import type { AtsJob, ImportIssue } from './importer';
import { importDescription } from './description';
import { closedPostingFile, newPostingFile, updatedPostingFile } from './files';
import { IMPORTED_FIELDS, importedFields, postingId, type ImportedFields } from './posting';

export interface FileChange {
  kind: 'new' | 'changed' | 'closed';
  id: string;
  file: string;
  /** The ATS job id (for a closed file: the one it was imported from). */
  job: string;
  title: string;
  /** The owned fields whose values change. */
  fields: string[];
  text: string;
}

export interface ImportPlan {
  changes: FileChange[];
  unchanged: string[];
  issues: ImportIssue[];
}

interface Known {
  id: string;
  file: string;
  text: string;
  data: Record<string, unknown>;
}

export interface PlanInput {
  ats: string;
  board: string;
  idPrefix: string;
  postingsDir: string;
  schema: PostingSchema;
  today: string;
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The files this board imported before, by ATS job id. */
function knownFiles(dir: string, ats: string, board: string): Map<string, Known> {
  const out = new Map<string, Known>();
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    let data: Record<string, unknown>;
    try {
      data = record(parseYaml(text));
    } catch {
      continue;
    }
    const source = record(data.source);
    if (source.ats === ats && source.board === board && typeof source.id === 'string') out.set(source.id, { id: name.slice(0, -5), file, text, data });
  }
  return out;
}

/** Why the file would be rejected by `validate`, or undefined. */
function rejection(data: unknown, schema: PostingSchema): string | undefined {
  const parsed = schema.safeParse(data);
  const problems = [...(parsed.success ? [] : parsed.error.issues), ...crossFieldIssues(data)];
  return problems.length ? problems.map((p) => `${p.path.join('.') || '(root)'}: ${p.message}`).join('; ') : undefined;
}

/** The description's words (read by the HTML parser), case and spacing aside. */
const fingerprintOf = (job: AtsJob): string =>
  createHash('sha256')
    .update(JSON.stringify(importDescription(job.descriptionHtml)).replace(/\s+/g, ' ').toLowerCase())
    .digest('hex');

/** The same requisition or the same description twice: reported, and the later one imported without the shared reference. */
function duplicates(jobs: readonly AtsJob[], issues: ImportIssue[]): Set<string> {
  const byReq = new Map<string, string>();
  const byText = new Map<string, string>();
  const noReference = new Set<string>();
  for (const job of jobs) {
    const req = job.requisitionId && byReq.get(job.requisitionId);
    if (req) {
      issues.push({
        severity: 'warning',
        job: job.id,
        field: 'requisition',
        message: `requisition ${job.requisitionId} is posted twice (also job ${req}); imported without the reference`,
      });
      noReference.add(job.id);
    } else if (job.requisitionId) byReq.set(job.requisitionId, job.id);
    const fp = fingerprintOf(job);
    const same = byText.get(fp);
    if (same)
      issues.push({ severity: 'warning', job: job.id, field: 'description', message: `the same description as job ${same}: the same role posted twice?` });
    else byText.set(fp, job.id);
  }
  return noReference;
}

const changedKeys = (before: Record<string, unknown>, after: ImportedFields): string[] =>
  IMPORTED_FIELDS.filter((k) => !isDeepStrictEqual(before[k], after[k]) && !(after[k] === undefined && before[k] === undefined));

/** One job's file: new, changed, unchanged (undefined), or rejected (an issue). */
function jobChange(job: AtsJob, input: PlanInput, known: Known | undefined, noReference: boolean, issues: ImportIssue[]): FileChange | 'unchanged' | undefined {
  const { fields, issues: found } = importedFields(job, { ats: input.ats, board: input.board }, input.today);
  issues.push(...found);
  if (noReference) delete fields.reference;
  // A date the ATS does not give stays as first written: the role must not look new each import.
  if (!job.datePosted && known?.data.datePosted !== undefined) fields.datePosted = known.data.datePosted;
  const id = known?.id ?? postingId(input.idPrefix, job.id);
  const file = known?.file ?? path.join(input.postingsDir, `${id}.yaml`);
  if (!known && existsSync(file)) {
    // A file the import did not write (or from another board) holds the id: never overwritten.
    issues.push({
      severity: 'error',
      job: job.id,
      field: 'id',
      message: `left out: ${path.basename(file)} exists and was not imported from ${input.ats} ${input.board}; it is left as it is`,
    });
    return undefined;
  }
  const update = known ? updatedPostingFile(known.text, fields) : { text: newPostingFile(fields, input.ats), data: fields };
  if (!update) return 'unchanged';
  const why = rejection(update.data, input.schema);
  if (why) {
    issues.push({ severity: 'error', job: job.id, field: 'posting', message: `left out: the posting it makes is not valid (${why})` });
    return undefined;
  }
  const fieldsChanged = known ? changedKeys(known.data, fields) : [];
  return { kind: known ? 'changed' : 'new', id, file, job: job.id, title: job.title, fields: fieldsChanged, text: update.text };
}

/** The plan for `jobs`, the whole board as the ATS answered it (an empty board closes nothing). */
export function planImport(jobs: readonly AtsJob[], input: PlanInput, issues: ImportIssue[] = []): ImportPlan {
  const known = knownFiles(input.postingsDir, input.ats, input.board);
  const sorted = [...jobs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const noReference = duplicates(sorted, issues);
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  for (const job of sorted) {
    const change = jobChange(job, input, known.get(job.id), noReference.has(job.id), issues);
    if (change === 'unchanged') unchanged.push(known.get(job.id)!.id);
    else if (change) changes.push(change);
  }
  const present = new Set(jobs.map((j) => j.id));
  for (const [job, k] of jobs.length ? known : []) {
    if (present.has(job)) continue;
    const text = closedPostingFile(k.text);
    if (text)
      changes.push({ kind: 'closed', id: k.id, file: k.file, job, title: typeof k.data.title === 'string' ? k.data.title : k.id, fields: ['status'], text });
  }
  return { changes, unchanged, issues };
}
