/**
 * `feeds/adzuna.xml`: Adzuna's XML job feed (docs/channels.md, "adzuna"), root `<jobs>`, one `<job>` per
 * posting per place in a country Adzuna runs in (Adzuna uses only the first location of an ad), each
 * with that place's pay. Ids follow the Indeed-shaped feeds' scheme (adapters/shared/indeed-shape.ts):
 * the first such place keeps the posting id, every further one `<id>-<8 hex>` of its identity.
 *
 * Country: Adzuna takes 16 countries and writes the United Kingdom as `UK`, while our model stores
 * ISO 3166-1 `GB`; GB is written as `UK` (Adzuna's own list, used consistently across the file, as
 * it asks). A posting with no place in those countries is dropped from this channel with an error.
 */
import { z } from 'zod';
import { defineAdapter, type PostingEntry, type RenderContext } from '../src/adapter';
import { descriptionHtml } from '../src/compose/description';
import { salaryText } from '../src/compose/facts';
import type { DiagnosticInput } from '../src/diagnostics';
import { formatZoned } from '../src/model/dates';
import { countryName } from '../src/model/iso-codes';
import type { EmploymentType, Posting, Salary, SalaryUnit } from '../src/model/posting';
import { jobPlaces, referenceNumbers } from './shared/indeed-shape';
import { charLength, isChecked, listedEntries, descriptionText } from '../src/xml/feed';
import { descriptionLength } from './shared/description-length';
import { titleDiagnostics } from './shared/title';
import { cdataEl, el, xmlDocument, type XmlElement } from '../src/xml/writer';

export const ADZUNA_CODES = {
  TITLE_EMPTY: 'ADZUNA_TITLE_EMPTY',
  TITLE_DECORATED: 'ADZUNA_TITLE_DECORATED',
  DESCRIPTION_TOO_SHORT: 'ADZUNA_DESCRIPTION_TOO_SHORT',
  COUNTRY_UNSUPPORTED: 'ADZUNA_COUNTRY_UNSUPPORTED',
  SALARY_FREQUENCY: 'ADZUNA_SALARY_FREQUENCY',
  PLACE_LEFT_OUT: 'ADZUNA_PLACE_LEFT_OUT',
} as const;

const ADZUNA_MIN_DESCRIPTION = 100;

/** Our ISO code → Adzuna's code, for the 16 countries Adzuna runs in. */
export const ADZUNA_COUNTRIES: Readonly<Record<string, string>> = {
  AU: 'AU',
  AT: 'AT',
  BR: 'BR',
  CA: 'CA',
  FR: 'FR',
  DE: 'DE',
  IN: 'IN',
  IT: 'IT',
  NL: 'NL',
  NZ: 'NZ',
  PL: 'PL',
  RU: 'RU',
  SG: 'SG',
  ZA: 'ZA',
  GB: 'UK',
  US: 'US',
};

const FREQUENCY: Record<SalaryUnit, string | undefined> = { HOUR: 'hour', DAY: 'day', WEEK: undefined, MONTH: 'month', YEAR: 'year' };

const CONTRACT_TYPE: Partial<Record<EmploymentType, 'permanent' | 'contract'>> = {
  FULL_TIME: 'permanent',
  PART_TIME: 'permanent',
  CONTRACTOR: 'contract',
  TEMPORARY: 'contract',
  INTERN: 'contract',
  PER_DIEM: 'contract',
};
const CONTRACT_TIME: Partial<Record<EmploymentType, 'full_time' | 'part_time'>> = { FULL_TIME: 'full_time', PART_TIME: 'part_time' };

const options = z.strictObject({
  company: z.string().trim().min(1).optional().describe('The employer name on Adzuna, when it differs from organization.name'),
});
export type AdzunaOptions = z.output<typeof options>;

const postingOptions = z
  .strictObject({
    category: z.string().trim().min(1).max(200).optional().describe('One Adzuna category label or id, e.g. IT Jobs; default: the department'),
  })
  .describe('Adzuna extras for this role, e.g. { category: IT Jobs }');
export type AdzunaPostingOptions = z.output<typeof postingOptions>;

interface AdzunaPlace {
  field: string;
  /** The place's identity, as the Indeed-shaped feeds key it. */
  key: string;
  location: string;
  postcode?: string;
  /** Our ISO code; Adzuna's own is ADZUNA_COUNTRIES[country]. */
  country: string;
  supported: boolean;
  salary?: Salary;
  salaryField?: string;
}

/** Every place the posting names, in order (repeats left out), with whether Adzuna runs in its country. */
function candidatePlaces(p: Posting): AdzunaPlace[] {
  const remote = p.workplace === 'remote';
  return jobPlaces(p).places.map((pl) => ({
    field: remote ? pl.field : `${pl.field}.country`,
    key: pl.key,
    // Remote: no remote element at Adzuna, so the ad is placed in the country applicants may work
    // from. Otherwise ideally one value, the closest town or city, so Adzuna maps the job precisely.
    location: remote ? countryName(pl.country) : pl.city!,
    ...(pl.postalcode ? { postcode: pl.postalcode } : {}),
    country: pl.country,
    supported: pl.country in ADZUNA_COUNTRIES,
    ...(pl.salary ? { salary: pl.salary, salaryField: pl.salaryField! } : {}),
  }));
}

/** The places the ad is listed at (those in countries Adzuna runs in), each with its job id. */
function adzunaPlaces(id: string, p: Posting): { place: AdzunaPlace; ref: string }[] {
  const listed = candidatePlaces(p).filter((c) => c.supported);
  const refs = referenceNumbers(id, listed);
  return listed.map((place, i) => ({ place, ref: refs[i]! }));
}

function check(entry: PostingEntry): DiagnosticInput[] {
  if (!isChecked(entry)) return [];
  const p = entry.posting;
  const out: DiagnosticInput[] = [];
  out.push(
    ...titleDiagnostics(p, { empty: ADZUNA_CODES.TITLE_EMPTY, decorated: ADZUNA_CODES.TITLE_DECORATED }, 'error', (deco) => ({
      message: `Adzuna wants an actual job title without location, salary, ID or keywords, but ${deco.reason}`,
      fix: deco.suggestion ? `write title: ${deco.suggestion}` : 'keep only the job title; location, salary and job type have their own fields',
    })),
  );
  out.push(...descriptionLength('Adzuna', ADZUNA_CODES.DESCRIPTION_TOO_SHORT, ADZUNA_MIN_DESCRIPTION, charLength(descriptionText(p))));
  const candidates = candidatePlaces(p);
  const listed = candidates.filter((c) => c.supported);
  if (!listed.length) {
    const countries = [...new Set(candidates.map((c) => c.country))].join(', ');
    out.push({
      code: ADZUNA_CODES.COUNTRY_UNSUPPORTED,
      severity: 'error',
      field: candidates[0]?.field ?? 'locations',
      message: `Adzuna runs only in ${Object.values(ADZUNA_COUNTRIES).join(', ')}; this role is in ${countries || 'no country'}, so it is left out of the Adzuna feed`,
      fix: 'nothing to fix if the role is not meant for Adzuna; add channels: { exclude: [adzuna] } to say so and silence this',
    });
  } else {
    for (const c of candidates.filter((c) => !c.supported)) {
      out.push({
        code: ADZUNA_CODES.PLACE_LEFT_OUT,
        severity: 'info',
        field: c.field,
        message: `Adzuna does not run in ${c.country}, so ${c.location} is left out; the role is listed at its other places`,
      });
    }
  }
  const said = new Set<string>();
  for (const c of listed) {
    if (!c.salary || FREQUENCY[c.salary.unit] || said.has(c.salaryField!)) continue;
    said.add(c.salaryField!);
    out.push({
      code: ADZUNA_CODES.SALARY_FREQUENCY,
      severity: 'warning',
      field: `${c.salaryField}.unit`,
      message: `Adzuna's salary frequency is hour, day, month or year; for ${c.salary.unit} only the salary text is sent`,
      fix: 'give the salary per HOUR, DAY, MONTH or YEAR if that is how it is paid',
    });
  }
  return out;
}

function jobElement(e: PostingEntry, place: AdzunaPlace, ref: string, ctx: RenderContext<AdzunaOptions>): XmlElement {
  const p = e.posting;
  const s = place.salary;
  const frequency = s && FREQUENCY[s.unit];
  const contractType = p.employmentType.map((t) => CONTRACT_TYPE[t]).find(Boolean);
  const contractTime = p.employmentType.map((t) => CONTRACT_TIME[t]).find(Boolean);
  const category = ctx.postingOptions<AdzunaPostingOptions>(p)?.category ?? p.department ?? p.industry;
  return el('job', [
    cdataEl('id', ref),
    cdataEl('title', p.title),
    cdataEl('description', descriptionHtml(p)),
    cdataEl('url', ctx.pageUrl(e.id)),
    cdataEl('location', place.location),
    cdataEl('postcode', place.postcode),
    cdataEl('country', ADZUNA_COUNTRIES[place.country]),
    s && cdataEl('salary', salaryText(s)),
    s &&
      frequency && [
        el('salary_min', s.min ?? s.value),
        el('salary_max', s.max ?? s.value),
        cdataEl('salary_currency', s.currency),
        cdataEl('salary_frequency', frequency),
      ],
    cdataEl('contract_type', contractType),
    cdataEl('contract_time', contractTime),
    cdataEl('category', category),
    // Adzuna reads only the first publication date; ISO 8601 with the site's offset.
    cdataEl('date', formatZoned(e.lifecycle.liveFrom, ctx.site.schedule.timezone)),
    cdataEl('company', ctx.options?.company ?? ctx.site.organization.name),
  ]);
}

export const adzuna = defineAdapter<AdzunaOptions, AdzunaPostingOptions>({
  name: 'adzuna',
  description: "Adzuna XML job feed, Adzuna's 16 countries (feeds/adzuna.xml)",
  examples: { posting: '{ category: IT Jobs }', config: 'company: Example' },
  codes: ADZUNA_CODES,
  options,
  postingOptions,
  check,
  render(entries, ctx) {
    const body = xmlDocument({
      root: 'jobs',
      items: listedEntries(entries),
      item: (e) => adzunaPlaces(e.id, e.posting).map(({ place, ref }) => jobElement(e, place, ref, ctx)),
      posting: (e) => e.id,
    });
    return { artifacts: [{ path: 'feeds/adzuna.xml', contentType: 'application/xml; charset=utf-8', body }] };
  },
});
