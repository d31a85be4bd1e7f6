/**
 * Greenhouse's public Job Board API: one GET reads the whole board (`jobs[]` and `meta.total`, no
 * pages). The contract is src/import/importer.ts; places are read with src/import/places.ts.
 *
 * What the docs leave open, and how it is read here:
 * - `content` is the job's HTML escaped once more as entities (`&lt;p&gt;`): it is decoded back to HTML.
 * - `pay_input_ranges` is documented for the single-job endpoint with `pay_transparency=true`; the list
 *   is asked for it the same way and read when it carries it (one range per pay zone, amounts in cents).
 * - `first_published` is not in the documented example, but boards send it beside `updated_at`.
 * - Greenhouse has no workplace or employment-type field: the workplace is read from the location text,
 *   the employment type is left to the core.
 */
import { Parser } from 'htmlparser2';
import { z } from 'zod';
import {
  defineImporter,
  type AtsJob,
  type AtsPlace,
  type ImportIssue,
  type ImportPage,
  type Malformed,
  importWarning as warning,
} from '../src/import/importer';
import { isoDay, readJsonBody } from '../src/import/read';
import { countryCode, isRemoteText, placeFromText, remoteCountries } from '../src/import/places';
import { CURRENCY_CODES } from '../src/model/iso-codes';
import { canonicalLanguage, type Salary, type Workplace } from '../src/model/posting';

const options = z.strictObject({
  board: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+$/, 'a board token is letters, digits, - and _ (the name after boards.greenhouse.io/)')
    .describe('The board token: the name after boards.greenhouse.io/ in the job board address, e.g. acme'),
  region: z
    .enum(['us', 'eu'])
    .default('us')
    .describe('Where Greenhouse hosts the board: us (boards-api.greenhouse.io) or eu (boards-api.eu.greenhouse.io), e.g. eu; default us'),
});

type Options = z.infer<typeof options>;

const HOSTS: Readonly<Record<Options['region'], string>> = {
  us: 'https://boards-api.greenhouse.io',
  eu: 'https://boards-api.eu.greenhouse.io',
};

const text = z.string().nullish();

const payRange = z.object({
  min_cents: z.number().nullish(),
  max_cents: z.number().nullish(),
  currency_type: text,
  title: text,
  blurb: text,
});

const office = z.object({ name: text, location: text });

const job = z.object({
  id: z.int().positive(),
  title: z.string(),
  content: z.string(),
  absolute_url: z.string(),
  updated_at: text,
  first_published: text,
  requisition_id: z.union([z.string(), z.number()]).nullish(),
  language: text,
  location: z.object({ name: text }).nullish(),
  offices: z.array(office).nullish(),
  departments: z.array(z.object({ name: text })).nullish(),
  pay_input_ranges: z.array(payRange).nullish(),
});

const board = z.object({
  jobs: z.array(job),
  meta: z.object({ total: z.int().nonnegative() }).nullish(),
});

type GreenhouseJob = z.infer<typeof job>;
type PayRange = z.infer<typeof payRange>;
type Office = z.infer<typeof office>;

/**
 * The HTML that `content` spells as entities. Escaped content has no raw `<`, so the parser sees only
 * text and decodes every reference as a browser would; content that already is HTML is kept as it is.
 */
function decodeContent(content: string): string {
  if (content.includes('<')) return content;
  let html = '';
  const parser = new Parser({ ontext: (t) => (html += t) }, { decodeEntities: true });
  parser.end(content);
  return html;
}

/** Markers of the way of working that are not part of a place: "(Hybrid)", "Hybrid - ", " - On-site". */
const WORK_MARKER = /\(\s*(?:hybrid|remote|on-?site|in[- ]office)\s*\)|^\s*(?:hybrid|on-?site)\b\s*[-–:]?\s*|\s*[-–:]\s*(?:hybrid|remote|on-?site)\s*$/gi;

/** "New York, NY; Toronto, ON": Greenhouse joins a job's several places with semicolons. */
const segmentsOf = (name: string): string[] =>
  name
    .split(/\s*;\s*/)
    .map((s) => s.trim())
    .filter(Boolean);

function workplaceOf(name: string, segments: readonly string[]): Workplace {
  if (segments.some(isRemoteText)) return 'remote';
  if (/\bhybrid\b/i.test(name)) return 'hybrid';
  return /\bremote\b/i.test(name) ? 'remote' : 'onsite';
}

/** One entry per city and country, the first seen winning ("Toronto, ON" and "Toronto, Ontario, Canada"). */
function uniquePlaces(places: readonly AtsPlace[]): AtsPlace[] {
  const seen = new Map<string, AtsPlace>();
  for (const p of places) {
    const key = `${p.locality.normalize('NFC').toLowerCase()}|${p.country}`;
    if (!seen.has(key)) seen.set(key, p);
  }
  return [...seen.values()];
}

const officePlace = (o: Office): AtsPlace | undefined => placeFromText(o.location ?? '') ?? placeFromText(o.name ?? '');

/** The countries a remote job hires in: what its location names, else the countries of its offices. */
function applicantCountries(segments: readonly string[], job: GreenhouseJob, places: readonly AtsPlace[]): string[] {
  const named = segments.filter(isRemoteText).flatMap(remoteCountries);
  if (named.length) return [...new Set(named)];
  const offices = (job.offices ?? []).map((o) => countryCode(o.location?.split(',').pop()) ?? officePlace(o)?.country);
  return [...new Set([...offices, ...places.map((p) => p.country)].filter((c): c is string => !!c))];
}

/** Where the job is: its location's places and its offices'; a place with no country told is reported. */
function placesOf(id: string, job: GreenhouseJob, issues: ImportIssue[]): Pick<AtsJob, 'workplace' | 'locations' | 'applicantCountries'> {
  const name = job.location?.name?.trim() ?? '';
  const segments = segmentsOf(name);
  const workplace = workplaceOf(name, segments);
  const named = segments
    .filter((s) => !isRemoteText(s))
    .map((s) => s.replace(WORK_MARKER, '').trim())
    .filter(Boolean);
  const fromName = named.map((s) => ({ text: s, place: placeFromText(s) }));
  const fromOffices = (job.offices ?? []).map(officePlace).filter((p): p is AtsPlace => !!p);
  const locations = uniquePlaces([...fromName.flatMap((n) => (n.place ? [n.place] : [])), ...fromOffices]);
  if (locations.length < named.length)
    for (const n of fromName.filter((n) => !n.place))
      issues.push(warning(id, 'location.name', `"${n.text}" names no place whose country can be told; it is left out`));
  if (workplace !== 'remote' && !named.length && !locations.length) issues.push(warning(id, 'location.name', `"${name}" gives no place of work`));
  const countries = workplace === 'remote' ? applicantCountries(segments, job, locations) : [];
  if (workplace === 'remote' && !countries.length) issues.push(warning(id, 'location.name', `the remote job "${name}" names no country it hires in`));
  return { workplace, locations, ...(countries.length ? { applicantCountries: countries } : {}) };
}

/** Greenhouse ranges are yearly unless their title or blurb says the amounts are per hour. */
const HOURLY = /\bhourly\b|\bper hour\b|\ban hour\b|\/\s*(?:hr|hour)\b/i;

const amount = (cents: number | null | undefined): number | undefined => (typeof cents === 'number' && cents > 0 ? Math.round(cents) / 100 : undefined);

/** One range as a salary, or undefined (and why) when its currency or amounts cannot be one. */
function rangeSalary(id: string, range: PayRange, field: string, issues: ImportIssue[]): Salary | undefined {
  const currency = range.currency_type?.trim().toUpperCase() ?? '';
  if (!CURRENCY_CODES.has(currency)) {
    issues.push(warning(id, `${field}.currency_type`, `"${range.currency_type ?? ''}" is not an ISO 4217 currency code; the range is left out`));
    return undefined;
  }
  const min = amount(range.min_cents);
  const max = amount(range.max_cents);
  if (min === undefined || max === undefined || min > max) {
    issues.push(
      warning(
        id,
        `${field}.min_cents`,
        `the range ${range.min_cents ?? '?'}–${range.max_cents ?? '?'} cents is not a range of positive amounts; it is left out`,
      ),
    );
    return undefined;
  }
  const unit = HOURLY.test(`${range.title ?? ''} ${range.blurb ?? ''}`) ? 'HOUR' : 'YEAR';
  return min === max ? { currency, value: min, unit } : { currency, min, max, unit };
}

/** One range is the job's pay; several are pay zones, each titled by the place it is for. */
function payOf(id: string, ranges: readonly PayRange[], issues: ImportIssue[]): Pick<AtsJob, 'salary' | 'payZones'> {
  const zones = ranges.flatMap((range, i) => {
    const salary = rangeSalary(id, range, `pay_input_ranges[${i}]`, issues);
    return salary ? [{ title: range.title?.trim() || `Pay range ${i + 1}`, salary }] : [];
  });
  if (ranges.length === 1) return zones[0] ? { salary: zones[0].salary } : {};
  return zones.length ? { payZones: zones } : {};
}

/** `2024-03-04T09:00:00-05:00` → `2024-03-04`: the day in the board's own offset, as it was published. */

function toJob(j: GreenhouseJob, issues: ImportIssue[]): AtsJob {
  const id = String(j.id);
  const datePosted = isoDay(j.first_published);
  const requisitionId = j.requisition_id === null || j.requisition_id === undefined ? '' : String(j.requisition_id).trim();
  const department = j.departments?.[0]?.name?.trim();
  const language = j.language ? canonicalLanguage(j.language) : undefined;
  if (!/^https:\/\//i.test(j.absolute_url))
    issues.push({ severity: 'error', job: id, field: 'absolute_url', message: `the job page ${j.absolute_url} is not https; candidates cannot be sent there` });
  return {
    id,
    title: j.title.trim(),
    descriptionHtml: decodeContent(j.content),
    // Greenhouse's application form is on the job's own page.
    applyUrl: j.absolute_url,
    url: j.absolute_url,
    ...(j.updated_at ? { updatedAt: j.updated_at } : {}),
    ...(datePosted ? { datePosted } : {}),
    ...(requisitionId ? { requisitionId } : {}),
    ...(department ? { department } : {}),
    ...placesOf(id, j, issues),
    ...payOf(id, j.pay_input_ranges ?? [], issues),
    ...(language ? { language } : {}),
  };
}

export const greenhouse = defineImporter({
  name: 'greenhouse',
  description: "A Greenhouse job board, read through Greenhouse's public Job Board API",
  options,
  idPrefix: 'gh',
  example: '{ board: acme, region: us }',
  board: (o: Options) => o.board,
  first: (o: Options) => ({ url: `${HOSTS[o.region]}/v1/boards/${encodeURIComponent(o.board)}/jobs?content=true&pay_transparency=true` }),
  parse(body: string): ImportPage | Malformed {
    const read = readJsonBody(body, board, 'the body is not a Greenhouse job list');
    if ('malformed' in read) return read;
    const issues: ImportIssue[] = [];
    const jobs = read.jobs.map((j) => toJob(j, issues));
    return { jobs, issues, ...(read.meta ? { total: read.meta.total } : {}) };
  },
});
