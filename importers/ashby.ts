/**
 * Ashby's public job posting API: one GET returns the whole board (no paging, no count), each job with
 * its description as HTML, its places and, with `includeCompensation=true`, its pay as summary
 * components and per-place tiers. The contract is src/import/importer.ts; places are read with
 * src/import/places.ts.
 *
 * Where Ashby's documented example is loose we follow its shape: the example shows no job `id` (every
 * job has one and the posting id is derived from it, so it is required here); it puts a secondary
 * location's address fields straight under `address`, the primary's under `address.postalAddress`;
 * and it prints `compensation` beside the jobs list where the API returns it inside each job.
 */
import { z } from 'zod';
import {
  defineImporter,
  type AtsJob,
  type AtsPlace,
  type ImportIssue,
  type ImportPage,
  type Malformed,
  importWarning as warn,
  isMalformed,
} from '../src/import/importer';
import { isoDay, payAmounts, readJsonBody } from '../src/import/read';
import { countryCode, isRemoteText, placeFromText, remoteCountries } from '../src/import/places';
import { CURRENCY_CODES } from '../src/model/iso-codes';
import type { EmploymentType, Salary, Workplace } from '../src/model/posting';

const options = z.strictObject({
  board: z.string().trim().min(1).describe('The Ashby job board name, the last part of jobs.ashbyhq.com/<board>, e.g. acme'),
});
export type AshbyOptions = z.output<typeof options>;

const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https URL' });

const postal = z.object({
  addressLocality: z.string().nullish(),
  addressRegion: z.string().nullish(),
  addressCountry: z.string().nullish(),
});
type Postal = z.output<typeof postal>;

const component = z.object({
  compensationType: z.string(),
  interval: z.string().nullish(),
  currencyCode: z.string().nullish(),
  minValue: z.number().nullish(),
  maxValue: z.number().nullish(),
});
type Component = z.output<typeof component>;

const compensation = z.object({
  compensationTierSummary: z.string().nullish(),
  summaryComponents: z.array(component).nullish(),
  compensationTiers: z.array(z.object({ title: z.string().nullish(), components: z.array(component) })).nullish(),
});

const job = z.object({
  id: z.string().trim().min(1),
  title: z.string().trim().min(1),
  location: z.string().nullish(),
  secondaryLocations: z.array(z.object({ location: z.string().nullish(), address: postal.nullish() })).nullish(),
  department: z.string().nullish(),
  team: z.string().nullish(),
  isListed: z.boolean().nullish(),
  isRemote: z.boolean().nullish(),
  workplaceType: z.string().nullish(),
  descriptionHtml: z.string(),
  publishedAt: z.string().nullish(),
  employmentType: z.string().nullish(),
  address: z.object({ postalAddress: postal.nullish() }).nullish(),
  jobUrl: httpsUrl.nullish(),
  applyUrl: httpsUrl,
  compensation: compensation.nullish(),
  shouldDisplayCompensationOnJobPostings: z.boolean().nullish(),
});
type AshbyJob = z.output<typeof job>;

const boardBody = z.object({ apiVersion: z.string().nullish(), jobs: z.array(job) });

const EMPLOYMENT: Readonly<Record<string, EmploymentType>> = {
  FullTime: 'FULL_TIME',
  PartTime: 'PART_TIME',
  Intern: 'INTERN',
  Contract: 'CONTRACTOR',
  Temporary: 'TEMPORARY',
};
const WORKPLACE: Readonly<Record<string, Workplace>> = { OnSite: 'onsite', Hybrid: 'hybrid', Remote: 'remote' };
/** Ashby writes a pay interval as a count and a unit; jobcast's units are all "per one". */
const UNIT: Readonly<Record<string, Salary['unit']>> = { '1 HOUR': 'HOUR', '1 DAY': 'DAY', '1 WEEK': 'WEEK', '1 MONTH': 'MONTH', '1 YEAR': 'YEAR' };

/** The object without its undefined keys, so optional fields stay absent (exactOptionalPropertyTypes). */
function present<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** One place the job names: its text, the address Ashby resolved it to, and where it sits in the body. */
interface Spot {
  text: string | null | undefined;
  address: Postal | null | undefined;
  field: string;
}

/** A spot read: an office, or (a remote spot) the countries it names; undefined when it cannot be placed. */
function resolveSpot({ text, address }: Spot): { place?: AtsPlace; countries: string[] } | undefined {
  const country = countryCode(address?.addressCountry ?? undefined);
  const locality = address?.addressLocality?.trim();
  const region = address?.addressRegion?.trim();
  if (locality && country) return { place: { locality, country, ...(region ? { region } : {}) }, countries: [] };
  if (text && isRemoteText(text)) return { countries: [...new Set([...remoteCountries(text), ...(country ? [country] : [])])] };
  const place = text ? placeFromText(text, country) : undefined;
  return place ? { place, countries: [] } : undefined;
}

function spotsOf(j: AshbyJob): Spot[] {
  const secondary = (j.secondaryLocations ?? []).map((s, i) => ({ text: s.location, address: s.address, field: `secondaryLocations[${i}].location` }));
  return [{ text: j.location, address: j.address?.postalAddress, field: 'location' }, ...secondary];
}

/** The job's offices and, for a remote job, its applicant countries; each place that cannot be told is an issue. */
function placesOf(j: AshbyJob, workplace: Workplace | undefined, issues: ImportIssue[]): Pick<AtsJob, 'locations' | 'applicantCountries'> {
  const locations: AtsPlace[] = [];
  const countries = new Set<string>();
  for (const spot of spotsOf(j)) {
    if (!spot.text && !spot.address) continue;
    const resolved = resolveSpot(spot);
    if (!resolved) issues.push(warn(j.id, spot.field, `"${spot.text ?? ''}" names no place jobcast can tell (no country)`));
    if (resolved?.place) locations.push(resolved.place);
    resolved?.countries.forEach((c) => countries.add(c));
  }
  if (workplace !== 'remote') return { locations };
  if (!countries.size) issues.push(warn(j.id, 'location', 'a remote job that names no applicant country, e.g. "Remote - US"'));
  return { locations, ...(countries.size ? { applicantCountries: [...countries] } : {}) };
}

function workplaceOf(j: AshbyJob, issues: ImportIssue[]): Workplace | undefined {
  if (j.workplaceType) {
    const known = WORKPLACE[j.workplaceType];
    if (!known) issues.push(warn(j.id, 'workplaceType', `unknown workplace type "${j.workplaceType}" (OnSite, Hybrid or Remote)`));
    return known ?? (j.isRemote ? 'remote' : undefined);
  }
  return j.isRemote ? 'remote' : undefined;
}

function employmentOf(j: AshbyJob, issues: ImportIssue[]): EmploymentType[] | undefined {
  if (!j.employmentType) return undefined;
  const known = EMPLOYMENT[j.employmentType];
  if (!known) issues.push(warn(j.id, 'employmentType', `unknown employment type "${j.employmentType}"`));
  return known ? [known] : undefined;
}

/** A Salary component read into jobcast's salary; what does not fit is an issue at `field`. */
function salaryOf(c: Component, jobId: string, field: string, issues: ImportIssue[]): Salary | undefined {
  const unit = UNIT[c.interval ?? ''];
  const currency = c.currencyCode?.trim().toUpperCase();
  const range = payAmounts(c.minValue, c.maxValue);
  if (!unit) {
    issues.push(warn(jobId, `${field}.interval`, `pay per "${c.interval ?? ''}" has no jobcast unit (1 HOUR, DAY, WEEK, MONTH or YEAR)`));
    return undefined;
  }
  if (!currency || !CURRENCY_CODES.has(currency)) {
    issues.push(warn(jobId, `${field}.currencyCode`, `"${c.currencyCode ?? ''}" is no ISO 4217 currency`));
    return undefined;
  }
  if (!range) {
    issues.push(warn(jobId, `${field}.minValue`, `no pay amounts above zero, or min above max (min ${c.minValue ?? '-'}, max ${c.maxValue ?? '-'})`));
    return undefined;
  }
  return { currency, unit, ...range };
}

/** The first Salary component of a list, read; equity, bonus and commission components have no place in jobcast's pay. */
function salaryIn(components: readonly Component[], jobId: string, field: string, issues: ImportIssue[]): Salary | undefined {
  const i = components.findIndex((c) => c.compensationType === 'Salary');
  return i < 0 ? undefined : salaryOf(components[i]!, jobId, `${field}[${i}]`, issues);
}

/** The job's pay: the summary's salary, and each tier's as a pay zone when there are several tiers (one per place). */
function payOf(j: AshbyJob, issues: ImportIssue[]): Pick<AtsJob, 'salary' | 'payZones'> {
  // The employer chose not to show pay on its own postings: the import does not publish it either.
  if (j.shouldDisplayCompensationOnJobPostings === false) return {};
  const tiers = j.compensation?.compensationTiers ?? [];
  const tierPay = tiers.map((t, i) => salaryIn(t.components, j.id, `compensation.compensationTiers[${i}].components`, issues));
  const summary = salaryIn(j.compensation?.summaryComponents ?? [], j.id, 'compensation.summaryComponents', issues);
  const salary = summary ?? (tiers.length === 1 ? tierPay[0] : undefined);
  const payZones = tiers.length < 2 ? [] : tiers.flatMap((t, i) => (t.title?.trim() && tierPay[i] ? [{ title: t.title.trim(), salary: tierPay[i] }] : []));
  return { ...(salary ? { salary } : {}), ...(payZones.length ? { payZones } : {}) };
}

function mapJob(j: AshbyJob, issues: ImportIssue[]): AtsJob {
  const workplace = workplaceOf(j, issues);
  const datePosted = isoDay(j.publishedAt);
  if (j.publishedAt && !datePosted) issues.push(warn(j.id, 'publishedAt', `"${j.publishedAt}" is not an ISO 8601 time`));
  return {
    id: j.id,
    title: j.title,
    descriptionHtml: j.descriptionHtml,
    applyUrl: j.applyUrl,
    ...placesOf(j, workplace, issues),
    ...payOf(j, issues),
    ...present({
      url: j.jobUrl ?? undefined,
      datePosted,
      department: j.department?.trim() || undefined,
      employmentType: employmentOf(j, issues),
      workplace,
    }),
  };
}

function parse(body: string): ImportPage | Malformed {
  const read = readJsonBody(body, boardBody, 'the body is not an Ashby job board');
  if (isMalformed(read)) return read;
  const issues: ImportIssue[] = [];
  // An unlisted job is reachable by its link only: the board does not advertise it, so neither do we.
  const jobs = read.jobs.filter((j) => j.isListed !== false).map((j) => mapJob(j, issues));
  return { jobs, issues };
}

export const ashby = defineImporter<AshbyOptions>({
  name: 'ashby',
  description: "Ashby job boards, read from Ashby's public job posting API with compensation",
  options,
  idPrefix: 'ab',
  example: '{ board: acme }',
  board: (o) => o.board,
  first: (o) => ({ url: `https://api.ashbyhq.com/posting-api/job-board/${encodeURIComponent(o.board)}?includeCompensation=true` }),
  parse: (body) => parse(body),
});
