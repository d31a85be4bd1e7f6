/**
 * `feeds/adzuna.xml`: Adzuna's XML job feed (docs/channels.md, "adzuna"), root `<jobs>`, one `<job>` per
 * posting at one location (Adzuna uses only the first location of an ad).
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
import type { EmploymentType, Posting, SalaryUnit } from '../src/model/posting';
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
  ONE_LOCATION: 'ADZUNA_ONE_LOCATION',
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
  location: string;
  postcode?: string;
  country: string;
}

/** Every place the posting names, in order, with whether Adzuna runs in its country. */
function candidatePlaces(p: Posting): (AdzunaPlace & { supported: boolean })[] {
  if (p.workplace === 'remote') {
    // No remote element at Adzuna: the ad is placed in the country applicants may work from.
    return (p.applicantLocations ?? []).map((c, i) => ({
      field: `applicantLocations.${i}`,
      location: countryName(c),
      country: c,
      supported: c in ADZUNA_COUNTRIES,
    }));
  }
  return (p.locations ?? []).map((l, i) => ({
    field: `locations.${i}.country`,
    // Adzuna: ideally one value, the closest town or city, so it maps the job precisely.
    location: l.locality,
    ...(l.postalCode !== undefined ? { postcode: l.postalCode } : {}),
    country: l.country,
    supported: l.country in ADZUNA_COUNTRIES,
  }));
}

/** The one place the ad is listed at: the first in a country Adzuna runs in. */
function adzunaPlace(p: Posting): AdzunaPlace | undefined {
  const found = candidatePlaces(p).find((c) => c.supported);
  return (
    found && {
      field: found.field,
      location: found.location,
      ...(found.postcode !== undefined ? { postcode: found.postcode } : {}),
      country: ADZUNA_COUNTRIES[found.country]!,
    }
  );
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
  const chosen = candidates.find((c) => c.supported);
  if (!chosen) {
    const listed = [...new Set(candidates.map((c) => c.country))].join(', ');
    out.push({
      code: ADZUNA_CODES.COUNTRY_UNSUPPORTED,
      severity: 'error',
      field: candidates[0]?.field ?? 'locations',
      message: `Adzuna runs only in ${Object.values(ADZUNA_COUNTRIES).join(', ')}; this role is in ${listed || 'no country'}, so it is left out of the Adzuna feed`,
      fix: 'nothing to fix if the role is not meant for Adzuna; add channels: { exclude: [adzuna] } to say so and silence this',
    });
  } else if (candidates.length > 1) {
    out.push({
      code: ADZUNA_CODES.ONE_LOCATION,
      severity: 'info',
      field: chosen.field,
      message: `Adzuna lists an ad at one location; it gets ${chosen.location}, ${ADZUNA_COUNTRIES[chosen.country]}`,
    });
  }
  if (p.salary && !FREQUENCY[p.salary.unit]) {
    out.push({
      code: ADZUNA_CODES.SALARY_FREQUENCY,
      severity: 'warning',
      field: 'salary.unit',
      message: `Adzuna's salary frequency is hour, day, month or year; for ${p.salary.unit} only the salary text is sent`,
      fix: 'give the salary per HOUR, DAY, MONTH or YEAR if that is how it is paid',
    });
  }
  return out;
}

function jobElement(e: PostingEntry, ctx: RenderContext<AdzunaOptions>): XmlElement | undefined {
  const p = e.posting;
  const place = adzunaPlace(p);
  if (!place) return undefined;
  const s = p.salary;
  const frequency = s && FREQUENCY[s.unit];
  const contractType = p.employmentType.map((t) => CONTRACT_TYPE[t]).find(Boolean);
  const contractTime = p.employmentType.map((t) => CONTRACT_TIME[t]).find(Boolean);
  const category = ctx.postingOptions<AdzunaPostingOptions>(p)?.category ?? p.department ?? p.industry;
  return el('job', [
    cdataEl('id', e.id),
    cdataEl('title', p.title),
    cdataEl('description', descriptionHtml(p)),
    cdataEl('url', ctx.pageUrl(e.id)),
    cdataEl('location', place.location),
    cdataEl('postcode', place.postcode),
    cdataEl('country', place.country),
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
    const body = xmlDocument({ root: 'jobs', items: listedEntries(entries), item: (e) => jobElement(e, ctx), posting: (e) => e.id });
    return { artifacts: [{ path: 'feeds/adzuna.xml', contentType: 'application/xml; charset=utf-8', body }] };
  },
});
