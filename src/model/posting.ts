/**
 * The canonical posting: one YAML file per role, validated once at the boundary. Every channel reads
 * this model; nothing else describes a posting. Types come from the schema (z.infer), never by hand.
 */
import { z } from 'zod';
import { CODES } from '../errors';
import { COUNTRY_ALIASES, COUNTRY_CODES, CURRENCY_ALIASES, CURRENCY_CODES } from './iso-codes';
import { dateProblem, startInstant } from './dates';

export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const ID_MAX = 40;

export const STATUSES = ['draft', 'open', 'closed'] as const;
export const EMPLOYMENT_TYPES = ['FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'TEMPORARY', 'INTERN', 'VOLUNTEER', 'PER_DIEM', 'OTHER'] as const;
export const WORKPLACES = ['onsite', 'hybrid', 'remote'] as const;
export const SALARY_UNITS = ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'] as const;
export const CREDENTIALS = ['high school', 'associate degree', 'bachelor degree', 'professional certificate', 'postgraduate degree', 'none'] as const;

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

const dateField = (allowTime: boolean) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const problem = dateProblem(v, allowTime);
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

export const countryCode = z
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

/** Why a URL is unsafe or unusable as a public https link, or undefined when it is fine. */
export function httpsUrlProblem(v: string): string | undefined {
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

const location = z.strictObject({
  street: text('street', 200).optional(),
  locality: text('locality', 100),
  region: text('region', 100).optional(),
  postalCode: z.string().trim().min(1).max(20).optional(),
  country: countryCode,
});

const salary = z.strictObject({
  currency: currencyCode,
  min: z.number().positive().finite().optional(),
  max: z.number().positive().finite().optional(),
  value: z.number().positive().finite().optional(),
  unit: z.enum(SALARY_UNITS),
});

const experience = z.union([z.strictObject({ months: z.int().min(0).max(600) }), z.literal('none')]);

const apply = z.strictObject({
  url: httpsUrl,
  email: email.optional(),
  direct: z.boolean().optional(),
});

/** The posting's fields, without `channels` (whose shape the adapters contribute). */
export const postingFields = z.strictObject({
  title: singleLine('title', 80).meta({ description: 'The job title only: no salary, location, codes or "urgent"; at most 80 characters' }),
  reference: singleLine('reference', 100).optional(),
  status: z.enum(STATUSES),
  datePosted: dateField(false),
  validThrough: dateField(true).optional(),
  employmentType: z.array(z.enum(EMPLOYMENT_TYPES)).min(1, { message: 'name at least one employment type', ...params(CODES.FIELD_LENGTH, 'e.g. [FULL_TIME]') }),
  department: singleLine('department', 100).optional(),
  workplace: z.enum(WORKPLACES),
  applicantLocations: z
    .array(countryCode)
    .min(1, { message: 'name at least one country', ...params(CODES.FIELD_LENGTH, 'e.g. [US]') })
    .optional(),
  locations: z
    .array(location)
    .min(1, { message: 'name at least one location (or leave the key out for a remote role)', ...params(CODES.FIELD_LENGTH) })
    .optional(),
  salary: salary.optional(),
  summary: text('summary', 10000).meta({ description: 'Opening paragraph(s), plain text; a blank line starts a new paragraph' }),
  responsibilities: textList('responsibilities').optional(),
  qualifications: textList('qualifications').optional(),
  preferredQualifications: textList('preferredQualifications').optional(),
  benefits: textList('benefits').optional(),
  education: z.strictObject({ credential: z.enum(CREDENTIALS) }).optional(),
  experience: experience.optional(),
  experienceInPlaceOfEducation: z.boolean().optional(),
  skills: z.array(singleLine('each skill', 100)).optional(),
  occupationalCategory: z
    .string()
    .regex(/^\d{2}-\d{4}(\.\d{2})?$/, { message: 'must be an O*NET-SOC code', ...params(CODES.FIELD_FORMAT, 'e.g. "15-1252.00" (in quotes)') })
    .optional(),
  industry: singleLine('industry', 100).optional(),
  apply,
});

export type PostingFields = z.infer<typeof postingFields>;
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

/**
 * Rules that span several fields (docs/postings.md, "Rules across fields"). They run on the raw document, apart
 * from zod, so a file with a typo elsewhere still gets every rule checked in the same run; each rule
 * only speaks when the fields it compares are themselves well-typed.
 */
export function crossFieldIssues(raw: unknown): RuleIssue[] {
  const out: RuleIssue[] = [];
  const add = (path: PropertyKey[], message: string, jc: string, fix?: string, at?: PropertyKey[]) =>
    out.push({ path, message, ...params(jc, fix), ...(at ? { at } : {}) });
  if (!isRecord(raw)) return out;
  const s = raw.salary;
  if (isRecord(s)) {
    const [min, max] = [num(s.min), num(s.max)];
    const hasRange = 'min' in s || 'max' in s;
    if ('value' in s && hasRange) {
      add(['salary', 'value'], 'give either value or min and max, not both', CODES.RULE_SALARY_SHAPE, 'remove value, or remove min and max');
    } else if (!('value' in s) && !hasRange) {
      add(['salary'], 'salary needs value, or min and max', CODES.RULE_SALARY_SHAPE, 'e.g. { currency: USD, min: 185000, max: 245000, unit: YEAR }');
    } else if (hasRange && (!('min' in s) || !('max' in s))) {
      const missing = 'min' in s ? 'max' : 'min';
      add(
        ['salary'],
        `salary range needs both min and max (${missing} is missing)`,
        CODES.RULE_SALARY_SHAPE,
        `add ${missing}, or use value: for a single amount`,
      );
    } else if (min !== undefined && max !== undefined && max < min) {
      add(['salary', 'max'], `max (${max}) is below min (${min})`, CODES.RULE_SALARY_RANGE, 'swap min and max, or correct the typo');
    }
  }
  const posted = str(raw.datePosted);
  const through = str(raw.validThrough);
  if (posted && through && !dateProblem(posted, false) && !dateProblem(through, true)) {
    // A date-only validThrough covers its whole day, so the same day as datePosted is still "before".
    const p = startInstant(posted, 'UTC').getTime();
    const t = through.length === 10 ? startInstant(through, 'UTC').getTime() : new Date(through).getTime();
    if (!(t > p)) {
      add(
        ['validThrough'],
        `validThrough (${through}) must be after datePosted (${posted})`,
        CODES.RULE_DATES,
        'set the closing date after the posting date, or remove validThrough',
      );
    }
  }
  const workplace = str(raw.workplace);
  if (workplace === 'remote' && raw.applicantLocations === undefined) {
    add(
      ['applicantLocations'],
      'a remote role must name the countries applicants may work from',
      CODES.RULE_REMOTE_COUNTRIES,
      'add e.g. applicantLocations: [US]',
      ['workplace'],
    );
  }
  if ((workplace === 'onsite' || workplace === 'hybrid') && raw.locations === undefined) {
    add(
      ['locations'],
      `an ${workplace} role must name where the employee reports to work`,
      CODES.RULE_LOCATIONS_REQUIRED,
      'add locations: [{ locality: Berlin, country: DE }]',
      ['workplace'],
    );
  }
  if (raw.experienceInPlaceOfEducation === true) {
    for (const key of ['education', 'experience']) {
      if (raw[key] === undefined) {
        add(
          [key],
          `experienceInPlaceOfEducation: true needs ${key} too`,
          CODES.RULE_EXPERIENCE_IN_PLACE,
          `add ${key}, or set experienceInPlaceOfEducation: false`,
          ['experienceInPlaceOfEducation'],
        );
      }
    }
  }
  for (const key of ['employmentType', 'applicantLocations', 'skills']) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    for (const i of duplicates(list)) add([key, i], `"${String(list[i])}" is listed twice`, CODES.FIELD_DUPLICATE_ITEM, 'remove the repeat');
  }
  return out;
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
  const channelShape: Record<string, z.ZodType> = { exclude: z.array(excludeItem).optional() };
  for (const [name, schema] of Object.entries(channels.options)) channelShape[name] = schema.optional();
  return postingFields.extend({ channels: z.strictObject(channelShape).optional() });
}

export type PostingSchema = ReturnType<typeof createPostingSchema>;
