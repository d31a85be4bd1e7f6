/**
 * `feeds/linkedin.xml`: LinkedIn's Basic Jobs (formerly Limited Listings) XML feed (docs/channels.md,
 * "linkedin"). One `<job>` per posting: `partnerJobId` is the posting id (≤ 40 characters, which is why ids
 * are capped at 40) and cannot repeat, so a role with several locations is listed at its first.
 *
 * Dates: LinkedIn does not state a format for `listDate`/`expirationDate`; real feeds use US-style
 * dates, so they are written `MM/DD/YYYY`, the calendar day in the site's time zone (the day the
 * posting file names). `lastBuildDate` is RFC 822 as in LinkedIn's sample.
 */
import { z } from 'zod';
import { defineAdapter, type PostingEntry, type RenderContext } from '../src/adapter';
import { descriptionHtml } from '../src/compose/description';
import type { DiagnosticInput } from '../src/diagnostics';
import { formatZoned } from '../src/model/dates';
import { countryName } from '../src/model/iso-codes';
import { payPlaces } from '../src/model/pay';
import { email, type EmploymentType, type Posting, type PostingLocation, type Salary, type SalaryUnit } from '../src/model/posting';
import { charLength, FEED_STATES, isChecked, lastChange, listedEntries, rfc822, visibleText } from '../src/xml/feed';
import { descriptionLength } from './shared/description-length';
import { titleDiagnostics } from './shared/title';
import { cdataEl, el, xmlDocument, type XmlContent, type XmlElement } from '../src/xml/writer';

export const LINKEDIN_CODES = {
  TITLE_EMPTY: 'LINKEDIN_TITLE_EMPTY',
  TITLE_DECORATED: 'LINKEDIN_TITLE_DECORATED',
  DESCRIPTION_TOO_SHORT: 'LINKEDIN_DESCRIPTION_TOO_SHORT',
  COMPANY_ID_MISSING: 'LINKEDIN_COMPANY_ID_MISSING',
  POSTER_EMAIL_MISSING: 'LINKEDIN_POSTER_EMAIL_MISSING',
  US_STATE_MISSING: 'LINKEDIN_US_STATE_MISSING',
  SALARY_ROUNDED: 'LINKEDIN_SALARY_ROUNDED',
  ONE_LOCATION: 'LINKEDIN_ONE_LOCATION',
  REMOTE_CITY_MISSING: 'LINKEDIN_REMOTE_CITY_MISSING',
} as const;

// partnerJobId is the posting id: LinkedIn allows 40 characters, the limit every id already keeps
// (ID_MAX in src/model/posting.ts; tests/feeds-boards.test.ts checks the two agree).
export const PARTNER_JOB_ID_MAX = 40;
const LINKEDIN_MIN_DESCRIPTION = 100;

/** Tags LinkedIn keeps in a description; it strips any other tag (keeping its text). */
const LINKEDIN_TAGS = ['b', 'strong', 'u', 'i', 'br', 'p', 'ul', 'li'] as const;

const EXPERIENCE_LEVELS = ['ENTRY_LEVEL', 'MID_SENIOR_LEVEL', 'DIRECTOR', 'EXECUTIVE', 'INTERNSHIP', 'ASSOCIATE', 'NOT_APPLICABLE'] as const;

const options = z.strictObject({
  companyId: z
    .string()
    .regex(/^\d+$/, { message: 'must be the numeric LinkedIn company id (quote it: "1234567")' })
    .optional()
    .describe('The numeric id of the LinkedIn company page, in quotes, e.g. "1234567"; default: organization.linkedinCompanyId'),
  posterEmail: email.optional().describe('The job poster email LinkedIn requires (since June 2025), e.g. jobs@example.com; default: organization.email'),
  company: z.string().trim().min(1).optional().describe('The employer name on LinkedIn, when it differs from organization.name'),
  remoteLocation: z
    .string()
    .trim()
    .regex(/^[^,\n]+,[^,\n]+$/, { message: 'must be "City, ST" in the US or "City, Country" elsewhere, e.g. "San Francisco, CA"' })
    .optional()
    .describe(
      'Where LinkedIn lists a remote role that names no office in locations: "City, ST" in the US, "City, Country" elsewhere, e.g. "San Francisco, CA" (your headquarters). LinkedIn needs a city even for remote jobs',
    ),
});
export type LinkedinOptions = z.output<typeof options>;

const companyId = z
  .string()
  .regex(/^\d+$/, { message: 'must be the numeric LinkedIn company id (quote it: "1234567")' })
  .describe('The numeric id of the LinkedIn company page (from its admin URL), in quotes, e.g. "1234567"; the LinkedIn feed needs it');

/** `organization.linkedinCompanyId`: the company page's id, which LinkedIn's feed needs. */
const organizationKeys = { linkedinCompanyId: companyId.optional() };

/** `channels.linkedin` in a posting: `{ jobFunctions: [eng, it], industryCodes: [4], experienceLevel: MID_SENIOR_LEVEL }`. */
const postingOptions = z
  .strictObject({
    jobFunctions: z
      .array(z.string().regex(/^[a-z]{2,10}$/, { message: 'must be a LinkedIn job-function code such as eng, it, acct' }))
      .min(1)
      .optional()
      .describe('LinkedIn job-function codes, e.g. [eng, it]'),
    industryCodes: z.array(z.int().positive()).min(1).optional().describe("LinkedIn industry ids from LinkedIn's industry table, e.g. [4]"),
    experienceLevel: z.enum(EXPERIENCE_LEVELS).optional().describe('LinkedIn experience level'),
  })
  .describe('LinkedIn extras for this role, e.g. { jobFunctions: [eng, it], industryCodes: [4], experienceLevel: MID_SENIOR_LEVEL }');
export type LinkedinPostingOptions = z.output<typeof postingOptions>;

const JOBTYPE: Record<EmploymentType, string> = {
  FULL_TIME: 'FULL_TIME',
  PART_TIME: 'PART_TIME',
  CONTRACTOR: 'CONTRACT',
  TEMPORARY: 'TEMPORARY',
  INTERN: 'INTERNSHIP',
  VOLUNTEER: 'VOLUNTEER',
  PER_DIEM: 'OTHER',
  OTHER: 'OTHER',
};

const PERIOD: Record<SalaryUnit, string> = { HOUR: 'HOURLY', DAY: 'DAILY', WEEK: 'WEEKLY', MONTH: 'MONTHLY', YEAR: 'YEARLY' };

const WORKPLACE: Record<Posting['workplace'], string> = { onsite: 'On-site', hybrid: 'Hybrid', remote: 'Remote' };

/** The description with any tag LinkedIn would strip removed (text kept), as LinkedIn would show it. */
function linkedinHtml(html: string): string {
  const allowed = new Set<string>(LINKEDIN_TAGS);
  return html.replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g, (tag, name: string) => (allowed.has(name.toLowerCase()) ? tag : ''));
}

/** `MM/DD/YYYY` of the calendar day an instant falls on in `timeZone`. */
function linkedinDate(at: Date, timeZone: string): string {
  const [y, m, d] = formatZoned(at, timeZone).slice(0, 10).split('-');
  return `${m}/${d}/${y}`;
}

/**
 * LinkedIn's one location string: `City, ST` in the US, `City, Country` elsewhere. Its table makes
 * `location` mandatory and `city`/`state`/`country`/`postalCode` an alternative "only without
 * location", so only `location` is sent. A remote job still needs a city: the role's first office,
 * else `remoteLocation`, else (with a warning) the first country applicants may work from.
 */
interface LinkedinPlace {
  field: string;
  location: string;
  /** What the check needs to know about it: US without a state, or no city at all. */
  country?: string;
  state?: string;
  source: 'location' | 'remoteLocation' | 'country';
}

function cityPlace(l: PostingLocation): LinkedinPlace {
  const location = l.country === 'US' && l.region ? `${l.locality}, ${l.region}` : `${l.locality}, ${countryName(l.country)}`;
  return { field: 'locations.0', location, country: l.country, ...(l.region !== undefined ? { state: l.region } : {}), source: 'location' };
}

function linkedinPlace(p: Posting, options: LinkedinOptions | undefined): LinkedinPlace | undefined {
  const office = p.locations?.[0];
  if (office) return cityPlace(office);
  if (p.workplace !== 'remote') return undefined;
  if (options?.remoteLocation) return { field: 'workplace', location: options.remoteLocation, source: 'remoteLocation' };
  const c = p.applicantLocations?.[0];
  return c ? { field: 'applicantLocations.0', location: countryName(c), country: c, source: 'country' } : undefined;
}

/**
 * The pay at the one place LinkedIn lists the job (the first location, or a remote role's first
 * applicant country), with where it is written; every place's range is in the description.
 */
function linkedinSalary(p: Posting): { salary: Salary; field: string } | undefined {
  const first = payPlaces(p)[0];
  if (first) return first.salary && { salary: first.salary, field: first.salaryField! };
  return p.salary && { salary: p.salary, field: 'salary' };
}

/** Integer amounts, widened outwards so the range LinkedIn shows never excludes the real pay. */
function salaryAmounts(p: Posting): { low: number; high: number; rounded: boolean; salary: Salary; field: string } | undefined {
  const pay = linkedinSalary(p);
  if (!pay) return undefined;
  const s = pay.salary;
  const [min, max] = s.value !== undefined ? [s.value, s.value] : [s.min!, s.max!];
  const low = Math.floor(min);
  const high = Math.ceil(max);
  return { low, high, rounded: low !== min || high !== max, ...pay };
}

function account(ctx: RenderContext<LinkedinOptions>) {
  const org = ctx.site.organization;
  return {
    company: ctx.options?.company ?? org.name,
    companyId: ctx.options?.companyId ?? (org as { linkedinCompanyId?: string }).linkedinCompanyId,
    posterEmail: ctx.options?.posterEmail ?? org.email,
  };
}

function check(entry: PostingEntry, ctx: RenderContext<LinkedinOptions>): DiagnosticInput[] {
  if (!isChecked(entry)) return [];
  const p = entry.posting;
  return [...textDiagnostics(p), ...accountDiagnostics(ctx), ...placeDiagnostics(p, linkedinPlace(p, ctx.options)), ...salaryDiagnostics(p)];
}

function textDiagnostics(p: Posting): DiagnosticInput[] {
  const length = charLength(visibleText(linkedinHtml(descriptionHtml(p))));
  return [
    ...titleDiagnostics(p, { empty: LINKEDIN_CODES.TITLE_EMPTY, decorated: LINKEDIN_CODES.TITLE_DECORATED }, 'warning', (deco) => ({
      message: `${deco.reason[0]!.toUpperCase()}${deco.reason.slice(1)}, and LinkedIn never lets a title change after posting`,
      fix: deco.suggestion ? `write title: ${deco.suggestion}` : 'keep only the job title',
    })),
    ...descriptionLength('LinkedIn', LINKEDIN_CODES.DESCRIPTION_TOO_SHORT, LINKEDIN_MIN_DESCRIPTION, length),
  ];
}

function accountDiagnostics(ctx: RenderContext<LinkedinOptions>): DiagnosticInput[] {
  const { companyId, posterEmail } = account(ctx);
  const out: DiagnosticInput[] = [];
  if (!companyId) {
    out.push({
      code: LINKEDIN_CODES.COMPANY_ID_MISSING,
      severity: 'error',
      message: 'LinkedIn needs the numeric company id of the LinkedIn page the jobs belong to, and none is configured',
      fix: 'set organization.linkedinCompanyId (or channels.linkedin.companyId) in jobcast.config.yaml, e.g. "1234567" from the page admin URL',
    });
  }
  if (!posterEmail) {
    out.push({
      code: LINKEDIN_CODES.POSTER_EMAIL_MISSING,
      severity: 'error',
      message: 'LinkedIn requires a job poster email on every job since June 2025, and none is configured',
      fix: 'set organization.email (or channels.linkedin.posterEmail) in jobcast.config.yaml',
    });
  }
  return out;
}

function placeDiagnostics(p: Posting, place: LinkedinPlace | undefined): DiagnosticInput[] {
  const out: DiagnosticInput[] = [];
  if (place?.source === 'country') {
    out.push({
      code: LINKEDIN_CODES.REMOTE_CITY_MISSING,
      severity: 'warning',
      field: 'workplace',
      message: `LinkedIn needs a city even for a remote job; this one is sent as "${place.location}", which LinkedIn may not place`,
      fix: 'set channels.linkedin.remoteLocation in jobcast.config.yaml (e.g. "San Francisco, CA", your headquarters), or add the office the role belongs to under locations',
    });
  }
  if (place?.source === 'location' && place.country === 'US' && !place.state) {
    out.push({
      code: LINKEDIN_CODES.US_STATE_MISSING,
      severity: 'warning',
      field: `${place.field}.region`,
      message: `LinkedIn places US jobs by "City, ST"; without a region this is sent as "${place.location}", which may be ambiguous`,
      fix: 'add region: with the two-letter state code, e.g. region: CA',
    });
  }
  const count = place?.source === 'location' ? (p.locations ?? []).length : place?.source === 'country' ? (p.applicantLocations ?? []).length : 1;
  if (place && count > 1) {
    out.push({
      code: LINKEDIN_CODES.ONE_LOCATION,
      severity: 'info',
      field: place.field,
      message: `LinkedIn lists a job at one location and partnerJobId cannot repeat; it gets ${place.location}`,
    });
  }
  return out;
}

function salaryDiagnostics(p: Posting): DiagnosticInput[] {
  const amounts = salaryAmounts(p);
  if (!amounts?.rounded) return [];
  return [
    {
      code: LINKEDIN_CODES.SALARY_ROUNDED,
      severity: 'warning',
      field: amounts.field,
      message: `LinkedIn takes whole salary amounts; the range is sent widened to ${amounts.low}–${amounts.high} ${amounts.salary.currency}`,
      fix: 'give whole amounts if that is what you mean to show',
    },
  ];
}

function jobElement(e: PostingEntry, ctx: RenderContext<LinkedinOptions>): XmlElement {
  const p = e.posting;
  const tz = ctx.site.schedule.timezone;
  const { company, companyId, posterEmail } = account(ctx);
  const extra = ctx.postingOptions<LinkedinPostingOptions>(p) ?? {};
  const place = linkedinPlace(p, ctx.options);
  const level = extra.experienceLevel ?? (p.employmentType.includes('INTERN') ? 'INTERNSHIP' : undefined);
  return el('job', [
    cdataEl('partnerJobId', e.id),
    cdataEl('company', company),
    cdataEl('companyId', companyId),
    cdataEl('title', p.title),
    cdataEl('description', linkedinHtml(descriptionHtml(p))),
    cdataEl('applyUrl', ctx.applyUrl(p, e.id)),
    cdataEl('posterEmail', posterEmail),
    place && cdataEl('location', place.location),
    cdataEl('workplaceTypes', WORKPLACE[p.workplace]),
    cdataEl('jobtype', JOBTYPE[p.employmentType[0]!]),
    cdataEl('experienceLevel', level),
    listElements(p, extra),
    salariesElement(p),
    cdataEl('listDate', linkedinDate(e.lifecycle.liveFrom, tz)),
    e.lifecycle.liveUntil && cdataEl('expirationDate', linkedinDate(e.lifecycle.liveUntil, tz)),
  ]);
}

/** `industryCodes`, `jobFunctions` and `skills`, each when there is something to list. */
function listElements(p: Posting, extra: LinkedinPostingOptions): XmlContent {
  return [
    extra.industryCodes &&
      el(
        'industryCodes',
        extra.industryCodes.map((c) => el('industryCode', c)),
      ),
    extra.jobFunctions &&
      el(
        'jobFunctions',
        extra.jobFunctions.map((f) => cdataEl('jobFunction', f)),
      ),
    p.skills !== undefined &&
      p.skills.length > 0 &&
      el(
        'skills',
        p.skills.map((s) => cdataEl('skill', s)),
      ),
  ];
}

/** The pay as LinkedIn takes it: whole amounts (see salaryAmounts). */
function salariesElement(p: Posting): XmlElement | undefined {
  const amounts = salaryAmounts(p);
  if (!amounts) return undefined;
  const currency = amounts.salary.currency;
  return el(
    'salaries',
    el('salary', [
      el('highEnd', [el('amount', amounts.high), el('currencyCode', currency)]),
      el('lowEnd', [el('amount', amounts.low), el('currencyCode', currency)]),
      el('period', PERIOD[amounts.salary.unit]),
      el('type', 'BASE_SALARY'),
    ]),
  );
}

export const linkedin = defineAdapter<LinkedinOptions, LinkedinPostingOptions>({
  name: 'linkedin',
  description: 'LinkedIn Basic Jobs XML feed (feeds/linkedin.xml)',
  // Its part of the complete examples in docs/postings.md and docs/config.md.
  examples: {
    posting: '{ jobFunctions: [eng, it], industryCodes: [4], experienceLevel: MID_SENIOR_LEVEL }',
    config:
      'companyId: "1234567"                        # default organization.linkedinCompanyId\nposterEmail: jobs@example.com               # default organization.email\ncompany: Example\nremoteLocation: "San Francisco, CA"         # where remote roles without an office are listed',
    organization: 'linkedinCompanyId: "1234567"                  # in quotes; from the LinkedIn page\'s admin URL',
  },
  codes: LINKEDIN_CODES,
  organization: organizationKeys,
  states: FEED_STATES,
  options,
  postingOptions,
  check,
  render(entries, ctx) {
    const org = ctx.site.organization;
    const listed = listedEntries(entries);
    const built = lastChange(entries);
    const body = xmlDocument({
      root: 'source',
      head: [
        built && el('lastBuildDate', rfc822(built)),
        // LinkedIn's table spells publisherURL, its sample publisherUrl; the sample is what parses.
        cdataEl('publisherUrl', org.url),
        cdataEl('publisher', org.name),
        el('expectedJobCount', listed.length),
      ],
      items: listed,
      item: (e) => jobElement(e, ctx),
      posting: (e) => e.id,
    });
    return { artifacts: [{ path: 'feeds/linkedin.xml', contentType: 'application/xml; charset=utf-8', body }] };
  },
});
