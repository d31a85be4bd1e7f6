/**
 * SmartRecruiters' public Posting API: the list of a company's postings comes in pages
 * (`offset`, `limit`, `totalFound`) without descriptions, so each listed posting is pending and its
 * own GET (`/postings/<id>`) brings the job ad's sections, the apply link and any pay. The contract
 * is src/import/importer.ts; places are read with src/import/places.ts.
 *
 * The detail's URL is built from the documented endpoint rather than taken from a list entry's `ref`,
 * whose documented example points at another path (`/api-v1/`). A posting has one `location`, so a
 * job here has at most one place.
 */
import { z } from 'zod';
import {
  defineImporter,
  type AtsJob,
  type AtsPlace,
  type ImportIssue,
  type ImportPage,
  type ImportRequest,
  type Malformed,
  type PendingJob,
  importWarning as warn,
  isMalformed,
} from '../src/import/importer';
import { isoDay, payAmounts, readJsonBody } from '../src/import/read';
import { escapeHtmlText } from '../src/compose/text';
import { countryCode, placeFromText } from '../src/import/places';
import { CURRENCY_CODES } from '../src/model/iso-codes';
import type { EmploymentType, Salary, Workplace } from '../src/model/posting';

const options = z.strictObject({
  company: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be the company identifier of careers.smartrecruiters.com/<company>, letters, digits, _ and -')
    .describe('The company identifier, the last part of careers.smartrecruiters.com/<company>, e.g. AcmeCorp'),
});
export type SmartRecruitersOptions = z.output<typeof options>;

const API = 'https://api.smartrecruiters.com/v1/companies';
/** The most the API gives in one page. */
const PAGE = 100;

const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https URL' });
const labelled = z.object({ id: z.string().nullish(), label: z.string().nullish() }).nullish();

const entry = z.object({
  id: z.string().trim().min(1),
  name: z.string().trim().min(1),
  uuid: z.string().nullish(),
  refNumber: z.string().nullish(),
  releasedDate: z.string().nullish(),
  location: z
    .object({
      city: z.string().nullish(),
      region: z.string().nullish(),
      country: z.string().nullish(),
      fullLocation: z.string().nullish(),
      remote: z.boolean().nullish(),
      hybrid: z.boolean().nullish(),
    })
    .nullish(),
  department: labelled,
  typeOfEmployment: labelled,
  experienceLevel: labelled,
  ref: z.string().nullish(),
});
type Entry = z.output<typeof entry>;

const list = z.object({ offset: z.int().min(0), limit: z.int().positive(), totalFound: z.int().min(0), content: z.array(entry) });

const section = z.object({ title: z.string().nullish(), text: z.string().nullish() }).nullish();
const SECTIONS = ['companyDescription', 'jobDescription', 'qualifications', 'additionalInformation'] as const;
/** The documented sections, in the order a job ad shows them, each with its heading when the ATS gives none. */
const SECTION_TITLES: Readonly<Record<(typeof SECTIONS)[number], string>> = {
  companyDescription: 'Company Description',
  jobDescription: 'Job Description',
  qualifications: 'Qualifications',
  additionalInformation: 'Additional Information',
};

const detail = entry.extend({
  jobAd: z.object({
    sections: z.object({ companyDescription: section, jobDescription: section, qualifications: section, additionalInformation: section }),
  }),
  applyUrl: httpsUrl.nullish(),
  postingUrl: httpsUrl.nullish(),
  // Documented as min, max and currency; a period is read when the posting gives one.
  compensation: z.object({ min: z.number().nullish(), max: z.number().nullish(), currency: z.string().nullish(), period: z.string().nullish() }).nullish(),
  // The docs show it both as a tag and as { code, label }.
  language: z.union([z.string(), z.object({ code: z.string().nullish() })]).nullish(),
});
type Detail = z.output<typeof detail>;

const companyPath = (o: SmartRecruitersOptions): string => `${API}/${encodeURIComponent(o.company)}/postings`;
const pageRequest = (o: SmartRecruitersOptions, offset: number, limit: number): ImportRequest => ({
  url: `${companyPath(o)}?limit=${limit}&offset=${offset}`,
});

/** One page of the list: every posting pending its detail, and the next page while the count says there is one. */
function parseList(body: string, o: SmartRecruitersOptions): ImportPage | Malformed {
  const page = readJsonBody(body, list, 'not a SmartRecruiters answer');
  if (isMalformed(page)) return page;
  const pending: PendingJob[] = page.content.map((e) => ({
    id: e.id,
    request: { url: `${companyPath(o)}/${encodeURIComponent(e.id)}` },
    partial: e,
  }));
  const after = page.offset + page.limit;
  return { jobs: [], pending, total: page.totalFound, issues: [], ...(after < page.totalFound ? { next: pageRequest(o, after, page.limit) } : {}) };
}

/** The job ad's sections in order, each under its title as a heading. */
function descriptionOf(d: Detail): string {
  return SECTIONS.flatMap((key) => {
    const s = d.jobAd.sections[key];
    const text = s?.text?.trim();
    return text ? [`<h3>${escapeHtmlText(s?.title?.trim() || SECTION_TITLES[key])}</h3>${text}`] : [];
  }).join('\n');
}

/** Type-of-employment labels as companies write them (they are the company's own words), lower-cased and spaced. */
const EMPLOYMENT: Readonly<Record<string, EmploymentType>> = {
  'full time': 'FULL_TIME',
  'part time': 'PART_TIME',
  contract: 'CONTRACTOR',
  contractor: 'CONTRACTOR',
  freelance: 'CONTRACTOR',
  temporary: 'TEMPORARY',
  internship: 'INTERN',
  intern: 'INTERN',
  volunteer: 'VOLUNTEER',
  'per diem': 'PER_DIEM',
  other: 'OTHER',
  vollzeit: 'FULL_TIME',
  teilzeit: 'PART_TIME',
  praktikum: 'INTERN',
};

function employmentOf(d: Detail, issues: ImportIssue[]): EmploymentType[] | undefined {
  const label = d.typeOfEmployment?.label?.trim();
  if (!label) return undefined;
  const known = EMPLOYMENT[label.toLowerCase().replace(/[\s_-]+/g, ' ')];
  if (!known) issues.push(warn(d.id, 'typeOfEmployment.label', `unknown type of employment "${label}"`));
  return known ? [known] : undefined;
}

function workplaceOf(d: Detail): Workplace | undefined {
  if (d.location?.remote) return 'remote';
  if (d.location?.hybrid) return 'hybrid';
  return d.location?.remote === false ? 'onsite' : undefined;
}

/** The posting's place from its parts, else from its full text; a remote posting is open to its country. */
function placesOf(d: Detail, workplace: Workplace | undefined, issues: ImportIssue[]): Pick<AtsJob, 'locations' | 'applicantCountries'> {
  const loc = d.location;
  const country = countryCode(loc?.country ?? undefined);
  const city = loc?.city?.trim();
  const region = loc?.region?.trim();
  const text = loc?.fullLocation?.trim() || [city, region, loc?.country].filter(Boolean).join(', ');
  const place: AtsPlace | undefined =
    city && country ? { locality: city, country, ...(region ? { region } : {}) } : text ? placeFromText(text, country) : undefined;
  const applicant = workplace === 'remote' ? (country ?? place?.country) : undefined;
  if (!place && !applicant) {
    const field = country ? 'location.city' : 'location.country';
    issues.push(warn(d.id, field, `"${text}" names no ${country ? 'city' : 'country jobcast can tell'}`));
  }
  return { locations: place ? [place] : [], ...(applicant ? { applicantCountries: [applicant] } : {}) };
}

const PERIODS: Readonly<Record<string, Salary['unit']>> = {
  HOUR: 'HOUR',
  HOURLY: 'HOUR',
  DAY: 'DAY',
  DAILY: 'DAY',
  WEEK: 'WEEK',
  WEEKLY: 'WEEK',
  MONTH: 'MONTH',
  MONTHLY: 'MONTH',
  YEAR: 'YEAR',
  YEARLY: 'YEAR',
  ANNUAL: 'YEAR',
  ANNUALLY: 'YEAR',
};

/** The posting's pay; without a period it is read as yearly, as the documented example's amounts are, and said so. */
function salaryOf(d: Detail, issues: ImportIssue[]): Salary | undefined {
  const c = d.compensation;
  if (!c || (c.min == null && c.max == null)) return undefined;
  const currency = c.currency?.trim().toUpperCase();
  const range = payAmounts(c.min, c.max);
  const unit = c.period ? PERIODS[c.period.trim().toUpperCase()] : 'YEAR';
  if (!currency || !CURRENCY_CODES.has(currency)) {
    issues.push(warn(d.id, 'compensation.currency', `"${c.currency ?? ''}" is no ISO 4217 currency`));
    return undefined;
  }
  if (!range) {
    issues.push(warn(d.id, 'compensation.min', `no pay amounts above zero, or min above max (min ${c.min ?? '-'}, max ${c.max ?? '-'})`));
    return undefined;
  }
  if (!unit) {
    issues.push(warn(d.id, 'compensation.period', `pay per "${c.period ?? ''}" has no jobcast unit`));
    return undefined;
  }
  if (!c.period) issues.push(warn(d.id, 'compensation', 'the pay gives no period: read as per year'));
  return { currency, unit, ...range };
}

function languageOf(d: Detail): string | undefined {
  const tag = typeof d.language === 'string' ? d.language : d.language?.code;
  return tag && /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(tag) ? tag : undefined;
}

/** The detail, with what the list entry said filling in what the detail leaves out. */
function withListed(d: Detail, partial: unknown): Detail {
  const listed = entry.safeParse(partial);
  if (!listed.success) return d;
  const l: Entry = listed.data;
  return {
    ...d,
    location: d.location ?? l.location,
    department: d.department ?? l.department,
    typeOfEmployment: d.typeOfEmployment ?? l.typeOfEmployment,
    releasedDate: d.releasedDate ?? l.releasedDate,
    refNumber: d.refNumber ?? l.refNumber,
  };
}

function mapDetail(d: Detail, applyUrl: string, issues: ImportIssue[]): AtsJob {
  const workplace = workplaceOf(d);
  const datePosted = isoDay(d.releasedDate);
  if (d.releasedDate && !datePosted) issues.push(warn(d.id, 'releasedDate', `"${d.releasedDate}" is not an ISO 8601 time`));
  const salary = salaryOf(d, issues);
  const employmentType = employmentOf(d, issues);
  const department = d.department?.label?.trim();
  const language = languageOf(d);
  return {
    id: d.id,
    title: d.name,
    descriptionHtml: descriptionOf(d),
    applyUrl,
    ...placesOf(d, workplace, issues),
    ...(d.postingUrl ? { url: d.postingUrl } : {}),
    ...(datePosted ? { datePosted } : {}),
    ...(d.refNumber?.trim() ? { requisitionId: d.refNumber.trim() } : {}),
    ...(department ? { department } : {}),
    ...(employmentType ? { employmentType } : {}),
    ...(workplace ? { workplace } : {}),
    ...(salary ? { salary } : {}),
    ...(language ? { language } : {}),
  };
}

function parseDetail(body: string, pending: PendingJob): { job: AtsJob; issues: ImportIssue[] } | Malformed {
  const read = readJsonBody(body, detail, 'not a SmartRecruiters answer');
  if (isMalformed(read)) return read;
  if (read.id !== pending.id) return { malformed: `id: the detail is of posting ${read.id}, not ${pending.id}` };
  // Without the apply link the posting's own page is where candidates apply.
  const applyUrl = read.applyUrl ?? read.postingUrl;
  if (!applyUrl) return { malformed: 'applyUrl: missing, and no postingUrl either' };
  const issues: ImportIssue[] = [];
  return { job: mapDetail(withListed(read, pending.partial), applyUrl, issues), issues };
}

export const smartrecruiters = defineImporter<SmartRecruitersOptions>({
  name: 'smartrecruiters',
  description: "SmartRecruiters career sites, read from SmartRecruiters' public Posting API, page by page",
  options,
  idPrefix: 'sr',
  example: '{ company: AcmeCorp }',
  board: (o) => o.company,
  first: (o) => pageRequest(o, 0, PAGE),
  parse: (body, _request, o) => parseList(body, o),
  parseDetail: (body, pending) => parseDetail(body, pending),
});
