/**
 * The contract of an ATS importer (`importers/<name>.ts`, listed in `importers/index.ts`): a zod schema
 * for its options under `import.<name>` in the config, the requests that read a board, and a pure
 * mapping from each documented response body to jobs in jobcast's words. The core (src/import/run.ts)
 * does every request, converts descriptions (src/import/description.ts), writes the posting files and
 * closes roles that left, so an importer never does I/O and never sees a file.
 */
import type { z } from 'zod';
import type { EmploymentType, Salary, Workplace } from '../model/posting';

/** One GET the core makes for an importer. */
export interface ImportRequest {
  url: string;
  headers?: Readonly<Record<string, string>>;
}

/** A place as an ATS names it, resolved to jobcast's fields (see src/import/places.ts). */
export interface AtsPlace {
  locality: string;
  region?: string;
  country: string;
}

/** A job as the ATS describes it, in jobcast's words; its description is left as the ATS's HTML. */
export interface AtsJob {
  /** The ATS's own id of the job, as text: the posting's id is derived from it, forever. */
  id: string;
  title: string;
  /** The whole description as HTML (headings, paragraphs, lists); the core splits it into summary and lists. */
  descriptionHtml: string;
  /** The https page where candidates apply. */
  applyUrl: string;
  /** The job's public page at the ATS, if it has one. */
  url?: string;
  /** When the ATS last changed the job (ISO 8601), as it says. */
  updatedAt?: string;
  /** First published (YYYY-MM-DD), when the ATS says. */
  datePosted?: string;
  /** The requisition the job belongs to, for finding the same requisition posted twice. */
  requisitionId?: string;
  department?: string;
  employmentType?: EmploymentType[];
  workplace?: Workplace;
  /** Where the person works (onsite, hybrid), or offices of a remote job. */
  locations: AtsPlace[];
  /** A remote job's applicant countries (ISO 3166-1 alpha-2). */
  applicantCountries?: string[];
  /** The pay for the whole job. */
  salary?: Salary;
  /** Pay per place (Greenhouse pay zones, Ashby tiers): each zone's title and its salary, matched to locations by the core. */
  payZones?: { title: string; salary: Salary }[];
  /** BCP 47 language of the job's text, when the ATS says. */
  language?: string;
}

/** Something the mapping could not carry into the posting, said of the ATS job and the ATS field. */
export interface ImportIssue {
  severity: 'warning' | 'error';
  /** The ATS's job id, when the issue is about one job. */
  job?: string;
  /** The field in the ATS's response, e.g. `location.name`, `pay_input_ranges[0].currency_type`. */
  field: string;
  message: string;
}

/** A job whose list entry lacks its description: the core fetches `request` and hands the body to `parseDetail`. */
export interface PendingJob {
  id: string;
  request: ImportRequest;
  /** What the list entry said already, passed back to parseDetail. */
  partial: unknown;
}

/** What one response says: its jobs, jobs still to fetch, the next page, and how many the board lists in all. */
export interface ImportPage {
  jobs: AtsJob[];
  pending?: PendingJob[];
  next?: ImportRequest;
  /** The board's own count of jobs, when it gives one: the core refuses an answer with fewer. */
  total?: number;
  issues: ImportIssue[];
}

/** A body that is not what the ATS documents: nothing from the whole answer is used. */
export interface Malformed {
  malformed: string;
}

export interface Importer<O = unknown> {
  /** The source's name on the command line and under `import.<name>` in the config. */
  name: string;
  /** One line for `jobcast import --help` and the docs. */
  description: string;
  /** Its options under `import.<name>` (every key described). */
  options: z.ZodType<O>;
  /** Its options in the complete config of docs/config.md, as flow YAML: `{ board: acme }`. */
  example: string;
  /** A short prefix for posting ids (`gh` → `gh-4012345`); never change it: ids are forever. */
  idPrefix: string;
  /** Which board the options name, for the posting's `source.board`. */
  board(options: O): string;
  /** The first request: the whole board, or its first page. */
  first(options: O): ImportRequest;
  /** A response body (text) of `request` read as the ATS documents it. Pure. */
  parse(body: string, request: ImportRequest, options: O): ImportPage | Malformed;
  /** A pending job's own response read into the job. Pure. */
  parseDetail?(body: string, pending: PendingJob, options: O): { job: AtsJob; issues: ImportIssue[] } | Malformed;
}

export const isMalformed = (r: object): r is Malformed => 'malformed' in r;

/** A warning about one ATS job's field: what the mapping could not carry. */
export const importWarning = (job: string, field: string, message: string): ImportIssue => ({ severity: 'warning', job, field, message });

/** The first thing a zod schema of a response found wrong, at its path in the body (`jobs[1].id: …`), or `fallback`. */
export function bodyProblem(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, fallback: string): string {
  const issue = error.issues[0];
  if (!issue) return fallback;
  const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${at.replace(/^\./, '') || 'the body'}: ${issue.message}`;
}

/** Typing help for importer files, like defineAdapter and defineNotifier. */
export function defineImporter<O>(importer: Importer<O>): Importer<O> {
  return importer;
}
