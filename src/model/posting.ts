/**
 * The canonical posting: one YAML file per role, validated once at the boundary. Every channel reads
 * this model; nothing else describes a posting. Types come from the schema (z.infer), never by hand.
 */
import { z } from 'zod';
import { CODES, type CoreCode } from '../errors';
import { COUNTRY_ALIASES, COUNTRY_CODES, CURRENCY_ALIASES, CURRENCY_CODES } from './iso-codes';
import { dateProblem, startInstant } from './dates';

/** The longest id: the strictest board's limit for a job id (LinkedIn's partnerJobId). */
export const ID_MAX = 40;
/** Lowercase letters, digits and inner hyphens, at most ID_MAX characters. */
export const ID_PATTERN = new RegExp(`^[a-z0-9](?:[a-z0-9-]{0,${ID_MAX - 2}}[a-z0-9])?$`);

const STATUSES = ['draft', 'open', 'closed'] as const;
const EMPLOYMENT_TYPES = ['FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'TEMPORARY', 'INTERN', 'VOLUNTEER', 'PER_DIEM', 'OTHER'] as const;
const WORKPLACES = ['onsite', 'hybrid', 'remote'] as const;
const SALARY_UNITS = ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'] as const;
const CREDENTIALS = ['high school', 'associate degree', 'bachelor degree', 'professional certificate', 'postgraduate degree', 'none'] as const;

/** Attach our stable code and a fix to a custom issue so the loader can report it precisely. */
export interface IssueParams {
  jc: string;
  fix?: string;
}
const params = (jc: string, fix?: string): { params: IssueParams } => ({ params: fix ? { jc, fix } : { jc } });

type Ctx = z.core.$RefinementCtx<unknown>;
function fail(ctx: Ctx, path: PropertyKey[], message: string, jc: string, fix?: string, input?: unknown): void {
  ctx.addIssue({ code: 'custom', path, message, input, ...params(jc, fix) });
}

/** Plain text: any characters a person could type; channels do the escaping. */
const text = (label: string, max?: number) => {
  let s = z
    .string()
    .trim()
    .min(1, { message: `${label} must not be empty`, ...params(CODES.FIELD_TEXT) });
  if (max) {
    s = s.max(max, {
      error: (iss) => `${label} is ${typeof iss.input === 'string' ? iss.input.trim().length : '?'} characters; the limit is ${max}`,
      ...params(CODES.FIELD_LENGTH, 'shorten it'),
    });
  }
  return s;
};

const singleLine = (label: string, max: number) =>
  text(label, max).refine((v) => !/[\r\n]/.test(v), {
    message: `${label} must be one line`,
    ...params(CODES.FIELD_TEXT, 'remove the line break'),
  });

const textList = (label: string) =>
  z
    .array(text(`each item of ${label}`, 2000))
    .min(1, { message: `${label} must list at least one item (or leave the key out)`, ...params(CODES.FIELD_LENGTH) });

/**
 * A list of the description: its items, or the items with the recruiter's own heading (in place
 * of the standard one) and a lead-in line shown between the heading and the items.
 */
const listSection = (label: string, what: string, example: string) =>
  z
    .union([
      textList(label),
      z.strictObject({
        heading: singleLine(`the heading of ${label}`, 200).optional().describe(`The list's own heading, in place of "${what}", e.g. ${example}`),
        intro: text(`the lead-in of ${label}`, 2000).optional().describe('A plain-text line shown between the heading and the items'),
        items: textList(label).describe('The items: one plain-text item per bullet'),
      }),
    ])
    .optional();

const dateField = ({ allowTime }: { allowTime: boolean }) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const problem = dateProblem(v, { allowTime });
      if (problem) fail(ctx, [], problem, CODES.FIELD_DATE, allowTime ? 'e.g. 2027-02-28' : 'e.g. 2026-11-28', v);
    })
    .meta(
      allowTime
        ? {
            pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
            description: 'ISO 8601 date (YYYY-MM-DD) or date-time with offset',
            examples: ['2027-02-28'],
          }
        : { pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'ISO 8601 date (YYYY-MM-DD)', examples: ['2026-11-28'] },
    );

const countryCode = z
  .string()
  .superRefine((v, ctx) => {
    if (COUNTRY_CODES.has(v)) return;
    const upper = v.trim().toUpperCase();
    const guess = COUNTRY_CODES.has(upper) ? upper : COUNTRY_ALIASES[upper];
    fail(
      ctx,
      [],
      `"${v}" is not an ISO 3166-1 alpha-2 country code`,
      CODES.FIELD_COUNTRY,
      guess ? `write ${guess}` : 'use the two-letter code, e.g. US, GB, DE, CA',
      v,
    );
  })
  .meta({ description: 'ISO 3166-1 alpha-2 country code', enum: [...COUNTRY_CODES].sort() });

const currencyCode = z
  .string()
  .superRefine((v, ctx) => {
    if (CURRENCY_CODES.has(v)) return;
    const upper = v.trim().toUpperCase();
    const guess = CURRENCY_CODES.has(upper) ? upper : (CURRENCY_ALIASES[v.trim()] ?? CURRENCY_ALIASES[upper]);
    fail(ctx, [], `"${v}" is not an ISO 4217 currency code`, CODES.FIELD_CURRENCY, guess ? `write ${guess}` : 'e.g. USD, EUR, GBP', v);
  })
  .meta({ description: 'ISO 4217 currency code', enum: [...CURRENCY_CODES].sort() });

/** The canonical form of a BCP 47 tag (`pt-br` → `pt-BR`), or undefined when it is none. */
export function canonicalLanguage(v: string): string | undefined {
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(v)) return undefined;
  try {
    return Intl.getCanonicalLocales(v)[0];
  } catch {
    return undefined;
  }
}

export const languageTag = z
  .string()
  .superRefine((v, ctx) => {
    const canonical = canonicalLanguage(v);
    if (canonical === v) return;
    fail(
      ctx,
      [],
      `"${v}" is not a BCP 47 language tag in its usual form`,
      CODES.FIELD_LANGUAGE,
      canonical ? `write ${canonical}` : 'e.g. en, fr, de, pt-BR',
      v,
    );
  })
  .meta({ description: 'BCP 47 language tag, e.g. en, fr, de, pt-BR', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' });

/** Why a URL is unsafe or unusable as a public https link, or undefined when it is fine. */
function httpsUrlProblem(v: string): string | undefined {
  if (/\s/.test(v)) return 'must not contain spaces or line breaks';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:') return `must use https:// (got ${url.protocol.replace(/:$/, '')}:)`;
  if (!url.hostname || !url.hostname.includes('.')) return 'must name a public host name';
  if (url.username || url.password) return 'must not carry a user name or password';
  return undefined;
}

export const httpsUrl = z
  .string()
  .superRefine((v, ctx) => {
    const problem = httpsUrlProblem(v);
    if (problem) {
      const fix = /^http:\/\//i.test(v) ? `write ${v.replace(/^http:/i, 'https:')}` : 'e.g. https://careers.example.com/jobs/…';
      fail(ctx, [], `URL ${problem}`, CODES.FIELD_URL, fix, v);
    }
  })
  .meta({ description: 'Absolute https:// URL', format: 'uri', pattern: '^https://' });

export const email = z
  .string()
  .superRefine((v, ctx) => {
    if (!z.email().safeParse(v).success) fail(ctx, [], `"${v}" is not an email address`, CODES.FIELD_EMAIL, 'e.g. jobs@example.com', v);
  })
  .meta({ format: 'email' });

const salary = z.strictObject({
  currency: currencyCode.describe('Three-letter ISO 4217 currency code, e.g. USD, EUR, GBP'),
  min: z.number().positive().finite().optional().describe('Lowest pay of the range: a plain number without separators or symbols, e.g. 185000'),
  max: z.number().positive().finite().optional().describe('Highest pay of the range, at least min, e.g. 245000'),
  value: z.number().positive().finite().optional().describe('One fixed amount instead of min and max, e.g. 32.5'),
  unit: z.enum(SALARY_UNITS).describe('What the amount is paid per: HOUR, DAY, WEEK, MONTH or YEAR'),
});

const location = z.strictObject({
  street: text('street', 200).optional().describe('Street address, e.g. 1 Market St'),
  locality: text('locality', 100).describe('City or town, e.g. San Francisco'),
  region: text('region', 100).optional().describe('State, province or region, e.g. CA'),
  postalCode: z.string().trim().min(1).max(20).optional().describe('Postal code, in quotes so it stays text, e.g. "94105"'),
  country: countryCode.describe('Two-letter ISO 3166-1 country code, e.g. US, GB, DE'),
  salary: salary
    .optional()
    .describe('The pay at this location, when it differs from the role-wide salary (same shape), e.g. { currency: CAD, min: 150000, max: 190000, unit: YEAR }'),
});

const experience = z.union([
  z.strictObject({ months: z.int().min(0).max(600).describe('Minimum months of relevant experience, 0 to 600, e.g. 60 for five years') }),
  z.literal('none'),
]);

const apply = z.strictObject({
  url: httpsUrl.describe(
    "The https:// page where candidates apply, e.g. https://careers.example.com/jobs/ml-infrastructure-engineer/apply. Each channel adds its own source parameter (the config's tracking)",
  ),
  email: email.optional().describe('An address candidates can also write to, e.g. jobs@example.com; shown on the job page and in emails'),
  direct: z
    .boolean()
    .optional()
    .describe("true when candidates apply on that page itself, without being sent on to another site (directApply in search engines' job markup)"),
});

/** A list of the description in another language: any of its parts; what is left out stays as in the original. */
const translatedList = (label: string) =>
  z
    .union([
      textList(label),
      z.strictObject({
        heading: singleLine(`the heading of ${label}`, 200).optional().describe("The list's heading in this language"),
        intro: text(`the lead-in of ${label}`, 2000).optional().describe("The list's lead-in line in this language"),
        items: textList(label).optional().describe('The items in this language, one per bullet'),
      }),
    ])
    .optional()
    .describe(`${label} in this language: a list, or { heading, intro, items } with any of them`);

/** The fields a role is translated in: its words, never its facts (dates, places, pay, links). */
const translation = z.strictObject({
  title: singleLine('title', 80).optional().describe('The job title in this language, e.g. Ingénieure ou ingénieur plateforme'),
  summary: text('summary', 10000).optional().describe('The opening paragraph(s) in this language'),
  responsibilities: translatedList('responsibilities'),
  qualifications: translatedList('qualifications'),
  preferredQualifications: translatedList('preferredQualifications'),
  benefits: translatedList('benefits'),
});

/** The posting's fields, without `channels` (whose shape the adapters contribute). */
export const postingFields = z.strictObject({
  title: singleLine('title', 80).meta({
    description:
      'The job title only, as candidates search for it: no salary, location, codes or "urgent". One line, at most 80 characters, e.g. ML Infrastructure Engineer',
  }),
  reference: singleLine('reference', 100)
    .optional()
    .describe(
      'Your own job code or requisition number, e.g. ENG-ML-INFRA-001; no two roles may share one. Boards and the page show the file name when it is left out',
    ),
  status: z
    .enum(STATUSES)
    .describe(
      'draft: not published yet. open: published from datePosted on, until validThrough if set. closed: taken down; its page says it no longer accepts applications',
    ),
  datePosted: dateField({ allowTime: false }).describe(
    'The first day the role is public, YYYY-MM-DD, e.g. 2026-11-28. A future date schedules it. Keep the original date when you edit the role: never move it to make the role look new',
  ),
  validThrough: dateField({ allowTime: true })
    .optional()
    .describe(
      'The last day applications are accepted, e.g. 2027-02-28 (the whole day counts), or a date and time with offset, e.g. 2027-02-28T17:00:00-05:00. The role closes by itself after it. Leave it out when there is no deadline',
    ),
  employmentType: z
    .array(z.enum(EMPLOYMENT_TYPES))
    .min(1, { message: 'name at least one employment type', ...params(CODES.FIELD_LENGTH, 'e.g. [FULL_TIME]') })
    .describe('One or more kinds of employment, each once, e.g. [FULL_TIME] or [PART_TIME, TEMPORARY]'),
  department: singleLine('department', 100)
    .optional()
    .describe('The team or department, e.g. Engineering; one line, at most 100 characters. Boards without a category of their own use it as the category'),
  workplace: z
    .enum(WORKPLACES)
    .describe(
      'onsite: works at one of the locations. hybrid: partly at one of the locations, partly from home. remote: 100% remote, from the applicantLocations countries',
    ),
  applicantLocations: z
    .array(countryCode)
    .min(1, { message: 'name at least one country', ...params(CODES.FIELD_LENGTH, 'e.g. [US]') })
    .optional()
    .describe('The countries applicants may work from, as two-letter ISO 3166-1 codes, each once, e.g. [US, CA]. Required for a remote role'),
  locations: z
    .array(location)
    .min(1, { message: 'name at least one location (or leave the key out for a remote role)', ...params(CODES.FIELD_LENGTH) })
    .optional()
    .describe(
      'Where the employee reports to work; required for onsite and hybrid roles. Name several for a role open at several sites (some boards list only the first)',
    ),
  salary: salary
    .optional()
    .describe(
      'The pay (the default for every location; a location or applicant country may give its own): currency, unit, and either min and max (a range) or value (one amount), e.g. { currency: USD, min: 185000, max: 245000, unit: YEAR }. Without it validate warns once: search engines recommend pay, boards rank postings without it lower, and pay-transparency laws may require it (see Pay transparency below)',
    ),
  salaryByCountry: z
    .partialRecord(countryCode, salary)
    .optional()
    .describe(
      "A remote role's pay per applicant country, when it differs from the role-wide salary: each key one of applicantLocations, e.g. { US: { currency: USD, min: 185000, max: 245000, unit: YEAR }, CA: { currency: CAD, min: 200000, max: 245000, unit: YEAR } }",
    ),
  summary: text('summary', 10000).meta({
    description:
      'The opening paragraph(s) of the description, plain text (no HTML or Markdown); a blank line starts a new paragraph. For several lines, write summary: > and indent the text below it. At most 10,000 characters',
  }),
  responsibilities: listSection('responsibilities', 'Responsibilities', 'Job Responsibilities').describe(
    'What the person will do: a list, one plain-text item per bullet (at most 2,000 characters each); or { heading, intro, items } to give the list its own heading and a lead-in line',
  ),
  qualifications: listSection('qualifications', 'Qualifications', 'Required Skills').describe(
    'What the person must bring: a list, one plain-text item per bullet; or { heading, intro, items }',
  ),
  preferredQualifications: listSection('preferredQualifications', 'Preferred qualifications', 'Nice to have').describe(
    'What would be a plus: a list, one plain-text item per bullet; or { heading, intro, items }',
  ),
  benefits: listSection('benefits', 'Benefits', 'Benefits & Perks').describe(
    'What the role offers besides pay: a list, one plain-text item per bullet; or { heading, intro, items }',
  ),
  education: z
    .strictObject({
      credential: z.enum(CREDENTIALS).describe('The lowest education that qualifies; none when no formal education is asked for'),
    })
    .optional()
    .describe('The education the role asks for at least, e.g. { credential: bachelor degree }'),
  experience: experience.optional().describe('The experience the role asks for at least: { months: 60 } for five years, or none'),
  experienceInPlaceOfEducation: z
    .boolean()
    .optional()
    .describe('true when experience can stand in for the education asked for; then give both education and experience'),
  skills: z
    .array(singleLine('each skill', 100))
    .optional()
    .describe('Skills and tools the role uses, each once and on one line (at most 100 characters), e.g. [Python, Kubernetes]'),
  occupationalCategory: z
    .string()
    .regex(/^\d{2}-\d{4}(\.\d{2})?$/, { message: 'must be an O*NET-SOC code', ...params(CODES.FIELD_FORMAT, 'e.g. "15-1252.00" (in quotes)') })
    .optional()
    .describe('The O*NET-SOC occupation code, in quotes, e.g. "15-1252.00" for software developers (look it up at onetonline.org)'),
  industry: singleLine('industry', 100).optional().describe('The industry, e.g. Software Development; one line, at most 100 characters'),
  apply: apply.describe('How candidates apply'),
  source: z
    .strictObject({
      ats: singleLine('source.ats', 40).describe('The applicant tracking system: the source named to jobcast import'),
      board: singleLine('source.board', 200).describe('The board or company at the ATS, e.g. acme'),
      id: singleLine('source.id', 200).describe("The ATS's own id of the job, e.g. 4012345"),
      url: httpsUrl.optional().describe("The job's page at the ATS"),
      updated: z.string().optional().describe('When the ATS last changed the job, as it said (ISO 8601)'),
    })
    .optional()
    .describe('Written by jobcast import: where the role comes from. The import owns the fields it maps and keeps every other field you add'),
  language: languageTag
    .optional()
    .describe(
      "The language this file is written in, as a BCP 47 tag, e.g. en, fr, de-CH; required with translations. Without it, pages use the site's page language",
    ),
  translations: z
    .partialRecord(languageTag, translation)
    .optional()
    .describe(
      'The role in other languages, by BCP 47 tag: { fr: { title, summary, responsibilities, … } }. Each gets its own page (/jobs/<id>/<lang>/) and feeds; a field left out is shown as in the original, with a warning',
    ),
});

export type PostingFields = z.infer<typeof postingFields>;
export type Translation = z.infer<typeof translation>;
export type Salary = z.infer<typeof salary>;
export type PostingLocation = z.infer<typeof location>;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];
export type Workplace = (typeof WORKPLACES)[number];
export type SalaryUnit = (typeof SALARY_UNITS)[number];
export type Credential = (typeof CREDENTIALS)[number];

/** Per-channel switches: `exclude` plus one optional entry per adapter that declares posting options. */
export interface PostingChannels {
  exclude?: string[];
  [channel: string]: unknown;
}
export type Posting = PostingFields & { channels?: PostingChannels };

function duplicates(values: readonly unknown[]): number[] {
  const seen = new Set<unknown>();
  const dups: number[] = [];
  values.forEach((v, i) => (seen.has(v) ? dups.push(i) : seen.add(v)));
  return dups;
}

/** An issue found outside zod (cross-field rules); same shape the loader maps to a place. */
export interface RuleIssue {
  path: PropertyKey[];
  message: string;
  params: IssueParams;
  /** Where to point when the field itself is missing: the field that makes the rule apply. */
  at?: PropertyKey[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A rule beyond each field's own type, as docs/postings.md lists it, with the code it reports. */
export interface PostingRule {
  code: CoreCode;
  /** `fields`: within one file (crossFieldIssues and the list checks); `files`: the file name and across files (src/load/postings.ts). */
  scope: 'fields' | 'files';
  severity: 'error' | 'warning';
  rule: string;
}

/** Every rule crossFieldIssues, the loader and the list checks enforce, in plain words (markdown) for docs/postings.md. */
export const POSTING_RULES: readonly PostingRule[] = [
  {
    code: CODES.RULE_SALARY_SHAPE,
    scope: 'fields',
    severity: 'error',
    rule: 'Every salary (`salary`, `locations[].salary`, `salaryByCountry.<country>`) has either `value`, or both `min` and `max`; never `value` together with them.',
  },
  { code: CODES.RULE_SALARY_RANGE, scope: 'fields', severity: 'error', rule: '`max` ≥ `min` > 0: `max` is not below `min`, and every amount is above 0.' },
  {
    code: CODES.RULE_PAY_PLACE,
    scope: 'fields',
    severity: 'error',
    rule: 'Pay is given where the person works: `locations[].salary` for onsite and hybrid roles, `salaryByCountry` (keyed by one of `applicantLocations`) for remote ones.',
  },
  {
    code: CODES.RULE_TRANSLATION,
    scope: 'fields',
    severity: 'error',
    rule: '`translations` needs `language` (the language the file itself is in), never repeats it, and translates only lists the original has.',
  },
  {
    code: CODES.RULE_DATES,
    scope: 'fields',
    severity: 'error',
    rule: '`validThrough` is after `datePosted`: a later day, or with a time, a later moment.',
  },
  {
    code: CODES.RULE_REMOTE_COUNTRIES,
    scope: 'fields',
    severity: 'error',
    rule: '`workplace: remote` needs `applicantLocations`, the countries applicants may work from.',
  },
  {
    code: CODES.RULE_LOCATIONS_REQUIRED,
    scope: 'fields',
    severity: 'error',
    rule: '`workplace: onsite` or `hybrid` needs `locations`, where the employee reports to work.',
  },
  {
    code: CODES.RULE_EXPERIENCE_IN_PLACE,
    scope: 'fields',
    severity: 'error',
    rule: '`experienceInPlaceOfEducation: true` needs both `education` and `experience`.',
  },
  { code: CODES.FIELD_CURRENCY, scope: 'fields', severity: 'error', rule: '`salary.currency` is an ISO 4217 code: `USD`, not `$` or `usd`.' },
  {
    code: CODES.FIELD_COUNTRY,
    scope: 'fields',
    severity: 'error',
    rule: 'Every country (`applicantLocations`, `locations[].country`) is an ISO 3166-1 alpha-2 code: `US` and `GB`, not `USA` or `UK`.',
  },
  { code: CODES.FIELD_DUPLICATE_ITEM, scope: 'fields', severity: 'error', rule: '`employmentType`, `applicantLocations` and `skills` name each value once.' },
  { code: CODES.RULE_UNKNOWN_CHANNEL, scope: 'fields', severity: 'error', rule: '`channels.exclude` names only channels that exist.' },
  {
    code: CODES.FIELD_UNKNOWN,
    scope: 'fields',
    severity: 'error',
    rule: 'A key that is not listed here is an error, so a typo is never silently ignored; `validate` suggests the key you meant.',
  },
  {
    code: CODES.WARN_NO_SALARY,
    scope: 'fields',
    severity: 'warning',
    rule: 'A role without `salary`: search engines recommend pay and boards rank postings without it lower; where a pay-transparency law covers the role (see [Pay transparency](#pay-transparency)) the warning says so, in one line.',
  },
  {
    code: CODES.WARN_TRANSLATION_MISSING,
    scope: 'fields',
    severity: 'warning',
    rule: "A translation that leaves out a field the original has (the title, the summary, a list, a list's heading or lead-in): that language's page shows the original's words for it, one warning per field.",
  },
  {
    code: CODES.WARN_TITLE_HTML,
    scope: 'fields',
    severity: 'warning',
    rule: 'A `title` that looks like HTML: it is plain text and is shown exactly as written.',
  },
  {
    code: CODES.FILE_NAME,
    scope: 'files',
    severity: 'error',
    rule: `The file name without \`.yaml\` is the role's id and URL slug: lowercase \`a-z\`, \`0-9\` and inner hyphens, at most ${ID_MAX} characters (the strictest board's limit for a job id), e.g. \`ml-infrastructure-engineer.yaml\`. Never rename a published file: every board keys on it.`,
  },
  { code: CODES.RULE_DUPLICATE_ID, scope: 'files', severity: 'error', rule: 'No two files have the same id.' },
  { code: CODES.RULE_DUPLICATE_REFERENCE, scope: 'files', severity: 'error', rule: 'No two roles share a `reference`.' },
];

/**
 * Rules that span several fields (docs/postings.md, "Rules across fields"). They run on the raw document, apart
 * from zod, so a file with a typo elsewhere still gets every rule checked in the same run; each rule
 * only speaks when the fields it compares are themselves well-typed.
 */
export function crossFieldIssues(raw: unknown): RuleIssue[] {
  if (!isRecord(raw)) return [];
  return [
    ...allSalaryIssues(raw),
    ...payPlaceIssues(raw),
    ...translationIssues(raw),
    ...dateIssues(raw),
    ...workplaceIssues(raw),
    ...experienceIssues(raw),
    ...duplicateItemIssues(raw),
  ];
}

const ruleIssue = (path: PropertyKey[], message: string, jc: string, fix?: string, at?: PropertyKey[]): RuleIssue => ({
  path,
  message,
  ...params(jc, fix),
  ...(at ? { at } : {}),
});

/** `salary` has either a value or a whole range, and the range is the right way round. */
function salaryIssues(s: unknown, at: PropertyKey[]): RuleIssue[] {
  if (!isRecord(s)) return [];
  const [min, max] = [num(s.min), num(s.max)];
  const hasRange = 'min' in s || 'max' in s;
  if ('value' in s && hasRange) {
    return [ruleIssue([...at, 'value'], 'give either value or min and max, not both', CODES.RULE_SALARY_SHAPE, 'remove value, or remove min and max')];
  }
  if (!('value' in s) && !hasRange) {
    return [ruleIssue(at, 'a salary needs value, or min and max', CODES.RULE_SALARY_SHAPE, 'e.g. { currency: USD, min: 185000, max: 245000, unit: YEAR }')];
  }
  if (hasRange && (!('min' in s) || !('max' in s))) {
    const missing = 'min' in s ? 'max' : 'min';
    return [
      ruleIssue(
        at,
        `a salary range needs both min and max (${missing} is missing)`,
        CODES.RULE_SALARY_SHAPE,
        `add ${missing}, or use value: for a single amount`,
      ),
    ];
  }
  if (min !== undefined && max !== undefined && max < min) {
    return [ruleIssue([...at, 'max'], `max (${max}) is below min (${min})`, CODES.RULE_SALARY_RANGE, 'swap min and max, or correct the typo')];
  }
  return [];
}

/** Every salary of the role: the role-wide one, each location's and each applicant country's. */
function allSalaryIssues(raw: Record<string, unknown>): RuleIssue[] {
  const locations = Array.isArray(raw.locations) ? raw.locations : [];
  const byCountry = isRecord(raw.salaryByCountry) ? raw.salaryByCountry : {};
  return [
    ...salaryIssues(raw.salary, ['salary']),
    ...locations.flatMap((l, i) => (isRecord(l) ? salaryIssues(l.salary, ['locations', i, 'salary']) : [])),
    ...Object.entries(byCountry).flatMap(([country, s]) => salaryIssues(s, ['salaryByCountry', country])),
  ];
}

/**
 * Pay is given where the person works: per location for onsite and hybrid roles, per applicant
 * country for remote ones (whose locations are offices, not workplaces).
 */
function payPlaceIssues(raw: Record<string, unknown>): RuleIssue[] {
  const remote = raw.workplace === 'remote';
  const out: RuleIssue[] = [];
  if (remote && Array.isArray(raw.locations)) {
    raw.locations.forEach((l, i) => {
      if (isRecord(l) && l.salary !== undefined)
        out.push(
          ruleIssue(
            ['locations', i, 'salary'],
            "a remote role's locations are its offices, not where the person works, so they carry no pay",
            CODES.RULE_PAY_PLACE,
            `give the pay per applicant country instead: salaryByCountry: { ${str(l.country) ?? 'US'}: { … } }`,
          ),
        );
    });
  }
  if (!isRecord(raw.salaryByCountry)) return out;
  if (!remote && typeof raw.workplace === 'string') {
    out.push(
      ruleIssue(
        ['salaryByCountry'],
        `salaryByCountry is for remote roles; an ${raw.workplace} role gives pay per location`,
        CODES.RULE_PAY_PLACE,
        'move each salary to its entry of locations, as salary: { … }',
      ),
    );
    return out;
  }
  const countries = Array.isArray(raw.applicantLocations) ? raw.applicantLocations : [];
  for (const country of Object.keys(raw.salaryByCountry)) {
    // A key that is no country code is reported by the schema (JC_FIELD_COUNTRY), with the code meant.
    if (COUNTRY_CODES.has(country) && !countries.includes(country))
      out.push(
        ruleIssue(
          ['salaryByCountry', country],
          `${country} is not one of applicantLocations, so no applicant is paid this`,
          CODES.RULE_PAY_PLACE,
          `add ${country} to applicantLocations, or remove this salary`,
        ),
      );
  }
  return out;
}

const LIST_KEYS = ['responsibilities', 'qualifications', 'preferredQualifications', 'benefits'] as const;

/** Translations need the file's own language, must not repeat it, and translate only what the original has. */
function translationIssues(raw: Record<string, unknown>): RuleIssue[] {
  if (!isRecord(raw.translations)) return [];
  const own = str(raw.language);
  if (own === undefined)
    return [
      ruleIssue(['language'], 'a role with translations must name the language its own text is in', CODES.RULE_TRANSLATION, 'add e.g. language: en', [
        'translations',
      ]),
    ];
  return Object.entries(raw.translations).flatMap(([lang, t]): RuleIssue[] => {
    if (lang === own)
      return [
        ruleIssue(
          ['translations', lang],
          `${lang} is the file's own language, so it is not a translation`,
          CODES.RULE_TRANSLATION,
          'write these fields at the top of the file, and remove this entry',
        ),
      ];
    if (!isRecord(t)) return [];
    return LIST_KEYS.filter((key) => t[key] !== undefined && raw[key] === undefined).map((key) =>
      ruleIssue(
        ['translations', lang, key],
        `the original has no ${key} to translate`,
        CODES.RULE_TRANSLATION,
        `add ${key} to the original, or remove it here`,
      ),
    );
  });
}

/** `validThrough` falls after `datePosted`. */
function dateIssues(raw: Record<string, unknown>): RuleIssue[] {
  const posted = str(raw.datePosted);
  const through = str(raw.validThrough);
  if (!posted || !through || dateProblem(posted, { allowTime: false }) || dateProblem(through, { allowTime: true })) return [];
  // A date-only validThrough covers its whole day, so the same day as datePosted is still "before".
  const p = startInstant(posted, 'UTC').getTime();
  const t = through.length === 10 ? startInstant(through, 'UTC').getTime() : new Date(through).getTime();
  if (t > p) return [];
  return [
    ruleIssue(
      ['validThrough'],
      `validThrough (${through}) must be after datePosted (${posted})`,
      CODES.RULE_DATES,
      'set the closing date after the posting date, or remove validThrough',
    ),
  ];
}

/** A remote role names where applicants may work from; an onsite or hybrid one, where they report. */
function workplaceIssues(raw: Record<string, unknown>): RuleIssue[] {
  const workplace = str(raw.workplace);
  if (workplace === 'remote' && raw.applicantLocations === undefined) {
    return [
      ruleIssue(
        ['applicantLocations'],
        'a remote role must name the countries applicants may work from',
        CODES.RULE_REMOTE_COUNTRIES,
        'add e.g. applicantLocations: [US]',
        ['workplace'],
      ),
    ];
  }
  if ((workplace === 'onsite' || workplace === 'hybrid') && raw.locations === undefined) {
    return [
      ruleIssue(
        ['locations'],
        `an ${workplace} role must name where the employee reports to work`,
        CODES.RULE_LOCATIONS_REQUIRED,
        'add locations: [{ locality: Berlin, country: DE }]',
        ['workplace'],
      ),
    ];
  }
  return [];
}

function experienceIssues(raw: Record<string, unknown>): RuleIssue[] {
  if (raw.experienceInPlaceOfEducation !== true) return [];
  return ['education', 'experience']
    .filter((key) => raw[key] === undefined)
    .map((key) =>
      ruleIssue(
        [key],
        `experienceInPlaceOfEducation: true needs ${key} too`,
        CODES.RULE_EXPERIENCE_IN_PLACE,
        `add ${key}, or set experienceInPlaceOfEducation: false`,
        ['experienceInPlaceOfEducation'],
      ),
    );
}

function duplicateItemIssues(raw: Record<string, unknown>): RuleIssue[] {
  return ['employmentType', 'applicantLocations', 'skills'].flatMap((key) => {
    const list = raw[key];
    if (!Array.isArray(list)) return [];
    return duplicates(list).map((i) => ruleIssue([key, i], `"${String(list[i])}" is listed twice`, CODES.FIELD_DUPLICATE_ITEM, 'remove the repeat'));
  });
}

/** Channel names adapters contribute, each with an optional zod schema for its per-posting options. */
export interface ChannelOptionSchemas {
  names: readonly string[];
  options: Readonly<Record<string, z.ZodType>>;
}

export function createPostingSchema(channels: ChannelOptionSchemas) {
  const names = [...channels.names];
  const excludeItem = z.string().superRefine((v, ctx) => {
    if (!names.includes(v)) {
      fail(ctx, [], `"${v}" is not a channel`, CODES.RULE_UNKNOWN_CHANNEL, `channels are: ${names.join(', ')}`, v);
    }
  });
  const channelShape: Record<string, z.ZodType> = {
    exclude: z
      .array(excludeItem)
      .optional()
      .describe(`Channels this role must not appear on, e.g. [${names[names.length - 1] ?? 'a-channel'}]. The channels: ${names.join(', ')}`),
  };
  for (const [name, schema] of Object.entries(channels.options)) channelShape[name] = schema.optional();
  return postingFields.extend({
    channels: z.strictObject(channelShape).optional().describe('Per-channel switches and extras for this role; every entry is optional'),
  });
}

export type PostingSchema = ReturnType<typeof createPostingSchema>;
