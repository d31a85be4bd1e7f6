/**
 * Lever's public Postings API: `?mode=json` answers with a bare JSON array of every published posting
 * (no wrapper, no count; without `limit` it is the whole site). The contract is src/import/importer.ts;
 * places are read with src/import/places.ts.
 *
 * What the docs leave open, and how it is read here:
 * - `lists[].content` is the list's `<li>` elements only: each list becomes `<h3>heading</h3><ul>…</ul>`
 *   between `description` (opening and body) and `additional`, the order Lever's own page shows them.
 * - `salaryRange.interval` values are not listed; boards send `per-year-salary`, `per-hour-wage` and the
 *   like, so the unit is read from the word in it, and an interval without one (a one-time amount) is
 *   reported instead of guessed. Amounts are whole currency units, not cents.
 * - `createdAt` (milliseconds since the epoch) is not in the field table but is in every posting.
 */
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
import { readJsonBody } from '../src/import/read';
import { countryCode, isRemoteText, placeFromText, remoteCountries } from '../src/import/places';
import { escapeHtmlText } from '../src/compose/text';
import { CURRENCY_CODES } from '../src/model/iso-codes';
import type { EmploymentType, Salary, SalaryUnit, Workplace } from '../src/model/posting';

const options = z.strictObject({
  site: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]+$/, 'a site name is letters, digits, ., - and _ (the name after jobs.lever.co/)')
    .describe('The Lever site name: the name after jobs.lever.co/ in the job site address, e.g. acme'),
  region: z
    .enum(['us', 'eu'])
    .default('us')
    .describe("Lever's instance the site is on: us (the global api.lever.co) or eu (api.eu.lever.co), e.g. eu; default us"),
});

type Options = z.infer<typeof options>;

const HOSTS: Readonly<Record<Options['region'], string>> = {
  us: 'https://api.lever.co',
  eu: 'https://api.eu.lever.co',
};

const text = z.string().nullish();

const posting = z.object({
  id: z.string().min(1),
  text: z.string(),
  hostedUrl: z.string(),
  applyUrl: z.string(),
  description: z.string(),
  lists: z.array(z.object({ text: z.string(), content: z.string() })).nullish(),
  additional: text,
  createdAt: z.number().nullish(),
  workplaceType: text,
  country: text,
  categories: z.object({ location: text, allLocations: z.array(z.string()).nullish(), team: text, department: text, commitment: text }).nullish(),
  salaryRange: z.object({ currency: text, interval: text, min: z.number().nullish(), max: z.number().nullish() }).nullish(),
});

const postings = z.array(posting);

type Posting = z.infer<typeof posting>;

/** The posting's text, lists and closing as one HTML document, in the order Lever shows them. */
function descriptionOf(p: Posting): string {
  const lists = (p.lists ?? []).map((l) => `${l.text.trim() ? `<h3>${escapeHtmlText(l.text.trim())}</h3>` : ''}<ul>${l.content}</ul>`);
  return [p.description, ...lists, p.additional ?? ''].filter((part) => part.trim()).join('\n');
}

/** Lever's commitment is the recruiter's own label ("Full-time", "Part Time", "Internship", "Fixed-term"). */
const COMMITMENTS: readonly [RegExp, EmploymentType][] = [
  [/\bfull[\s-]?time\b|\bpermanent\b/i, 'FULL_TIME'],
  [/\bpart[\s-]?time\b/i, 'PART_TIME'],
  [/\bcontract(?:or)?\b|\bfreelance\b/i, 'CONTRACTOR'],
  [/\btemp(?:orary)?\b|\bfixed[\s-]?term\b|\bseasonal\b/i, 'TEMPORARY'],
  [/\bintern(?:ship)?\b|\btrainee\b/i, 'INTERN'],
  [/\bvolunteer\b/i, 'VOLUNTEER'],
  [/\bper[\s-]?diem\b/i, 'PER_DIEM'],
];

function employmentOf(p: Posting, issues: ImportIssue[]): Pick<AtsJob, 'employmentType'> {
  const commitment = p.categories?.commitment?.trim();
  if (!commitment) return {};
  const types = COMMITMENTS.filter(([re]) => re.test(commitment)).map(([, type]) => type);
  if (!types.length) issues.push(warning(p.id, 'categories.commitment', `"${commitment}" is no employment type jobcast knows; it is left out`));
  return types.length ? { employmentType: types } : {};
}

const WORKPLACES: Readonly<Record<string, Workplace>> = { remote: 'remote', hybrid: 'hybrid', 'on-site': 'onsite' };

/** Lever's own workplace type; for `unspecified` (or none), what the location text says. */
function workplaceOf(p: Posting, texts: readonly string[]): Workplace {
  const own = WORKPLACES[p.workplaceType ?? ''];
  if (own) return own;
  if (texts.some(isRemoteText)) return 'remote';
  return texts.some((t) => /\bhybrid\b/i.test(t)) ? 'hybrid' : 'onsite';
}

/** Every place of the posting: `allLocations` holds the primary `location` too; older postings have only `location`. */
function locationTexts(p: Posting): { text: string; field: string }[] {
  const all = (p.categories?.allLocations ?? []).map((t, i) => ({ text: t.trim(), field: `categories.allLocations[${i}]` }));
  const primary = p.categories?.location?.trim();
  const texts = all.length ? all : primary ? [{ text: primary, field: 'categories.location' }] : [];
  return texts.filter((t) => t.text);
}

/** "(Hybrid)", "Hybrid - ", " - On-site": the way of working written into a place's name. */
const WORK_MARKER = /\(\s*(?:hybrid|remote|on-?site|in[- ]office)\s*\)|^\s*(?:hybrid|on-?site)\b\s*[-–:]?\s*|\s*[-–:]\s*(?:hybrid|remote|on-?site)\s*$/gi;

/** Where the posting is, with its `country` for a place that names none; a place with no country told is reported. */
function placesOf(p: Posting, issues: ImportIssue[]): Pick<AtsJob, 'workplace' | 'locations' | 'applicantCountries'> {
  const texts = locationTexts(p);
  const workplace = workplaceOf(
    p,
    texts.map((t) => t.text),
  );
  const country = countryCode(p.country ?? undefined);
  const locations: AtsPlace[] = [];
  for (const t of texts.filter((t) => !isRemoteText(t.text))) {
    const place = placeFromText(t.text.replace(WORK_MARKER, '').trim(), country);
    if (place) locations.push(place);
    else issues.push(warning(p.id, t.field, `"${t.text}" names no place whose country can be told; it is left out`));
  }
  if (workplace !== 'remote') {
    if (!texts.length) issues.push(warning(p.id, 'categories.location', 'the posting gives no place of work'));
    return { workplace, locations };
  }
  const named = texts.filter((t) => isRemoteText(t.text)).flatMap((t) => remoteCountries(t.text));
  const countries = [...new Set(named.length ? named : country ? [country] : locations.map((l) => l.country))];
  if (!countries.length) issues.push(warning(p.id, 'country', 'the remote posting names no country it hires in'));
  return { workplace, locations, ...(countries.length ? { applicantCountries: countries } : {}) };
}

const INTERVAL_UNITS: readonly [RegExp, SalaryUnit][] = [
  [/hour/i, 'HOUR'],
  [/day|daily/i, 'DAY'],
  [/week/i, 'WEEK'],
  [/month/i, 'MONTH'],
  [/year|annual/i, 'YEAR'],
];

/** `salaryRange` as a salary, or undefined (and why) when its currency, interval or amounts cannot be one. */
function salaryOf(p: Posting, issues: ImportIssue[]): Salary | undefined {
  const range = p.salaryRange;
  if (!range) return undefined;
  const currency = range.currency?.trim().toUpperCase() ?? '';
  const unit = INTERVAL_UNITS.find(([re]) => re.test(range.interval ?? ''))?.[1];
  const { min, max } = range;
  const leftOut = (field: string, why: string): undefined => {
    issues.push(warning(p.id, `salaryRange.${field}`, `${why}; the pay is left out`));
    return undefined;
  };
  if (!CURRENCY_CODES.has(currency)) return leftOut('currency', `"${range.currency ?? ''}" is not an ISO 4217 currency code`);
  if (!unit) return leftOut('interval', `"${range.interval ?? ''}" is no pay period jobcast knows`);
  if (typeof min !== 'number' || typeof max !== 'number' || min <= 0 || min > max)
    return leftOut('min', `${min ?? '?'}–${max ?? '?'} is not a range of positive amounts`);
  return min === max ? { currency, value: min, unit } : { currency, min, max, unit };
}

/** `createdAt` is an instant (ms since the epoch) with no zone of its own: its day is read in UTC. */
function dayOf(ms: number | null | undefined): string | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
  return new Date(ms).toISOString().slice(0, 10);
}

function toJob(p: Posting, issues: ImportIssue[]): AtsJob {
  const datePosted = dayOf(p.createdAt);
  const salary = salaryOf(p, issues);
  // Lever's department is the wider unit a team sits in; sites without departments have only teams.
  const department = p.categories?.department?.trim() || p.categories?.team?.trim();
  if (!/^https:\/\//i.test(p.applyUrl))
    issues.push({
      severity: 'error',
      job: p.id,
      field: 'applyUrl',
      message: `the application form ${p.applyUrl} is not https; candidates cannot be sent there`,
    });
  return {
    id: p.id,
    title: p.text.trim(),
    descriptionHtml: descriptionOf(p),
    applyUrl: p.applyUrl,
    url: p.hostedUrl,
    ...(datePosted ? { datePosted } : {}),
    ...(department ? { department } : {}),
    ...employmentOf(p, issues),
    ...placesOf(p, issues),
    ...(salary ? { salary } : {}),
  };
}

export const lever = defineImporter({
  name: 'lever',
  description: "A Lever job site, read through Lever's public Postings API",
  options,
  idPrefix: 'lv',
  example: '{ site: acme, region: us }',
  board: (o: Options) => o.site,
  first: (o: Options) => ({ url: `${HOSTS[o.region]}/v0/postings/${encodeURIComponent(o.site)}?mode=json` }),
  parse(body: string): ImportPage | Malformed {
    const read = readJsonBody(body, postings, 'the body is not a list of Lever postings');
    if ('malformed' in read) return read;
    const issues: ImportIssue[] = [];
    return { jobs: read.map((p) => toJob(p, issues)), issues };
  },
});
