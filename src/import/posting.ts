/**
 * An ATS job as posting fields: the fields the importer owns in an imported file (IMPORTED_FIELDS),
 * worked out from the job alone, so the same job always gives the same fields. The id comes from the
 * ATS's job id and never changes; pay zones are matched to the locations they are titled by.
 */
import { createHash } from 'node:crypto';
import { ID_MAX, type Salary } from '../model/posting';
import { importDescription } from './description';
import type { AtsJob, AtsPlace, ImportIssue } from './importer';

/** The fields `jobcast import` writes and updates; every other field of the file is the recruiter's. */
export const IMPORTED_FIELDS = [
  'title',
  'reference',
  'status',
  'datePosted',
  'employmentType',
  'department',
  'workplace',
  'applicantLocations',
  'locations',
  'salary',
  'summary',
  'responsibilities',
  'qualifications',
  'preferredQualifications',
  'benefits',
  'apply',
  'source',
] as const;

export type ImportedFields = Partial<Record<(typeof IMPORTED_FIELDS)[number], unknown>>;

/** `gh-4012345`: the importer's prefix and the ATS id, lowercased; a hash when that would not fit. */
export function postingId(prefix: string, atsId: string): string {
  const slug = atsId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const id = `${prefix}-${slug}`;
  if (slug && id.length <= ID_MAX) return id;
  return `${prefix}-${createHash('sha256').update(atsId).digest('hex').slice(0, 16)}`;
}

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The zone whose title names the place's city (or region): "New York" for New York, NY. */
function zoneFor(place: AtsPlace, zones: readonly { title: string; salary: Salary }[]): Salary | undefined {
  const names = [place.locality, place.region].filter((n): n is string => !!n).map(fold);
  return zones.find((z) => names.some((n) => fold(z.title).includes(n)))?.salary;
}

function locationsOf(job: AtsJob, issues: ImportIssue[]): Record<string, unknown>[] {
  const zones = job.payZones ?? [];
  return job.locations.map((place) => {
    const salary = job.workplace !== 'remote' && zones.length > 1 ? zoneFor(place, zones) : undefined;
    if (zones.length > 1 && job.workplace !== 'remote' && !salary)
      issues.push({ severity: 'warning', job: job.id, field: 'pay zones', message: `no pay zone is titled by ${place.locality}; it gets no range of its own` });
    return { locality: place.locality, ...(place.region ? { region: place.region } : {}), country: place.country, ...(salary ? { salary } : {}) };
  });
}

/** The role-wide salary: the job's own, or its one pay zone. */
const roleSalary = (job: AtsJob): Salary | undefined => job.salary ?? (job.payZones?.length === 1 ? job.payZones[0]!.salary : undefined);

/** A job's posting fields, and what of it could not be carried. `today` dates a job the ATS gives no date. */
export function importedFields(job: AtsJob, source: { ats: string; board: string }, today: string): { fields: ImportedFields; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const { summary, lists } = importDescription(job.descriptionHtml);
  const workplace = job.workplace ?? (job.locations.length ? 'onsite' : 'remote');
  if (!job.employmentType?.length)
    issues.push({ severity: 'warning', job: job.id, field: 'employment type', message: 'the ATS gives no employment type; the role is marked OTHER' });
  const fields: ImportedFields = {
    title: job.title,
    ...(job.requisitionId ? { reference: job.requisitionId } : {}),
    status: 'open',
    datePosted: job.datePosted ?? today,
    employmentType: job.employmentType?.length ? job.employmentType : ['OTHER'],
    ...(job.department ? { department: job.department } : {}),
    workplace,
    ...(workplace === 'remote' ? { applicantLocations: job.applicantCountries ?? [...new Set(job.locations.map((l) => l.country))] } : {}),
    ...(job.locations.length && workplace !== 'remote' ? { locations: locationsOf(job, issues) } : {}),
    ...(roleSalary(job) ? { salary: roleSalary(job) } : {}),
    summary: summary || job.title,
    ...lists,
    apply: { url: job.applyUrl },
    source: {
      ats: source.ats,
      board: source.board,
      id: job.id,
      ...(job.url ? { url: job.url } : {}),
      ...(job.updatedAt ? { updated: job.updatedAt } : {}),
    },
  };
  return { fields, issues };
}
