/**
 * Jurisdictions whose law requires the pay (range) in a job ad, for the one "no salary" warning
 * (JC_WARN_NO_SALARY) and the table in docs/postings.md ("Pay transparency"). Region values in
 * postings are free text, so each jurisdiction is matched by code and by name.
 * Not legal advice: thresholds (employer size, remote coverage) differ; the docs name each law so
 * the recruiter can check it.
 */
import { CODES } from '../errors';
import { countryName } from './iso-codes';
import { payPlaces, type PayPlace } from './pay';
import type { Posting, PostingLocation, Salary } from './posting';

const EU_DIRECTIVE = 'EU Pay Transparency Directive (EU) 2023/970';
const EU_MEMBER_STATES: readonly string[] = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');

/**
 * National laws already in force that require pay in job ads, on top of the directive (which each
 * member state transposes into its own law, due by 7 June 2026; the directive is named for all).
 */
const NATIONAL_LAWS: Readonly<Record<string, string>> = {
  AT: 'Austrian Equal Treatment Act (GlBG) §9(2): the minimum pay in every job ad',
};

interface RegionLaw {
  country: string;
  /** Region code as written in addresses, then names people write instead (the first is shown). */
  names: readonly [string, string, ...string[]];
  law: string;
}

const REGION_LAWS: readonly RegionLaw[] = [
  { country: 'US', names: ['CO', 'Colorado'], law: 'Colorado Equal Pay for Equal Work Act' },
  { country: 'US', names: ['CA', 'California'], law: 'California SB 1162 (Labor Code §432.3)' },
  { country: 'US', names: ['WA', 'Washington', 'Washington State'], law: 'Washington Equal Pay and Opportunities Act' },
  { country: 'US', names: ['NY', 'New York', 'New York State'], law: 'New York Labor Law §194-b' },
  { country: 'US', names: ['IL', 'Illinois'], law: 'Illinois Equal Pay Act (HB 3129)' },
  { country: 'US', names: ['HI', 'Hawaii'], law: 'Hawaii pay transparency law (Act 203 of 2023)' },
  { country: 'US', names: ['MD', 'Maryland'], law: 'Maryland Wage Range Transparency Act (SB 525)' },
  { country: 'US', names: ['DC', 'District of Columbia', 'Washington DC', 'Washington, D.C.'], law: 'D.C. Wage Transparency Omnibus Amendment Act of 2023' },
  { country: 'US', names: ['MN', 'Minnesota'], law: 'Minnesota pay transparency law (Minn. Stat. §181.173)' },
  { country: 'US', names: ['VT', 'Vermont'], law: 'Vermont pay transparency law (Act 155 of 2024)' },
  { country: 'US', names: ['NJ', 'New Jersey'], law: 'New Jersey pay transparency law (P.L.2024, c.91)' },
  { country: 'US', names: ['MA', 'Massachusetts'], law: 'Massachusetts salary range transparency law (H.4890 of 2024)' },
  { country: 'CA', names: ['BC', 'British Columbia'], law: 'British Columbia Pay Transparency Act' },
  { country: 'CA', names: ['ON', 'Ontario'], law: 'Ontario Working for Workers Five Act, 2024 (in force 2026)' },
  { country: 'CA', names: ['PE', 'Prince Edward Island', 'PEI'], law: 'Prince Edward Island Employment Standards Act (pay transparency amendments)' },
  { country: 'CA', names: ['NL', 'Newfoundland and Labrador', 'Newfoundland'], law: 'Newfoundland and Labrador Pay Equity and Pay Transparency Act' },
];

export interface PayLaw {
  law: string;
  /** Why it applies: the place that brings the role under it. */
  because: string;
}

/** Place names go into terminal output: no control characters, one line. */
const printable = (s: string): string =>
  s
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const normalize = (s: string): string => s.trim().toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ');

function regionLaw(country: string, region: string | undefined): RegionLaw | undefined {
  if (!region) return undefined;
  const r = normalize(region);
  return REGION_LAWS.find((j) => j.country === country && j.names.some((n) => normalize(n) === r));
}

/** The directive, and the country's own law where it already has one. */
function euLaws(country: string, because: string): PayLaw[] {
  const national = NATIONAL_LAWS[country];
  return [{ law: EU_DIRECTIVE, because }, ...(national ? [{ law: national, because }] : [])];
}

function lawsForLocation(l: PostingLocation): PayLaw[] {
  if (EU_MEMBER_STATES.includes(l.country)) return euLaws(l.country, `${printable(l.locality)}, ${countryName(l.country)}`);
  const j = regionLaw(l.country, l.region);
  return j ? [{ law: j.law, because: `${printable(l.locality)}, ${printable(l.region!)}` }] : [];
}

/** A remote role open to a country can be filled in each of its regions, so their laws cover it. */
function lawsForCountry(country: string): PayLaw[] {
  const because = `remote applicants in ${countryName(country)}`;
  if (EU_MEMBER_STATES.includes(country)) return euLaws(country, because);
  return REGION_LAWS.filter((j) => j.country === country).map((j) => ({ law: j.law, because }));
}

function lawsForLocations(p: Posting): PayLaw[] {
  return (p.locations ?? []).flatMap(lawsForLocation);
}

function lawsForApplicants(p: Posting): PayLaw[] {
  if (p.workplace !== 'remote') return [];
  return (p.applicantLocations ?? []).flatMap(lawsForCountry);
}

/** The laws covering one place the role is paid at. */
const lawsAtPlace = (pl: PayPlace): PayLaw[] => (pl.location ? lawsForLocation(pl.location) : lawsForCountry(pl.country));

/** Laws requiring the pay in this role's ads, each once: the locations' first, then remote applicants'. */
export function payTransparencyLaws(p: Posting): PayLaw[] {
  const seen = new Set<string>();
  return [...lawsForLocations(p), ...lawsForApplicants(p)].filter((l) => !seen.has(l.law) && seen.add(l.law));
}

/** `Denver, CO (1 law); remote applicants in United States (12 laws)`: the places, each once, with a count. */
function lawPlaces(laws: readonly PayLaw[]): string {
  const byPlace = new Map<string, number>();
  for (const l of laws) byPlace.set(l.because, (byPlace.get(l.because) ?? 0) + 1);
  return [...byPlace].map(([place, n]) => `${place} (${n} law${n === 1 ? '' : 's'})`).join('; ');
}

/** The currency for a fix's example: the role's first country's; the EU countries not listed use EUR. */
function currencyHint(country: string): string {
  const byCountry: Record<string, string> = {
    US: 'USD',
    CA: 'CAD',
    GB: 'GBP',
    CH: 'CHF',
    SE: 'SEK',
    DK: 'DKK',
    PL: 'PLN',
    CZ: 'CZK',
    HU: 'HUF',
    RO: 'RON',
    BG: 'BGN',
  };
  return byCountry[country] ?? 'EUR';
}

/** The docs' table: every jurisdiction and its law, EU first. */
export function payLawTable(): { place: string; law: string }[] {
  return [
    { place: `EU member states (${EU_MEMBER_STATES.join(', ')})`, law: EU_DIRECTIVE },
    ...Object.entries(NATIONAL_LAWS).map(([country, law]) => ({ place: `${countryName(country)} (\`${country}\`)`, law })),
    ...REGION_LAWS.map((j) => ({ place: `${j.names[1]}, ${countryName(j.country)} (\`${j.names[0]}\`)`, law: j.law })),
  ];
}

/**
 * Ontario's job-posting rules (O. Reg. 476/24 under the Employment Standards Act, in force since
 * 2026-01-01, for employers with 25 or more employees): a posted range is at most $50,000 a year
 * wide, unless it ends above $200,000 a year. Checked for yearly ranges in CAD; other units and
 * currencies would need a conversion the law does not define.
 */
export const ONTARIO_RANGE = { maxWidth: 50_000, exemptAbove: 200_000, rule: 'O. Reg. 476/24' } as const;

/** The place's name when Ontario's rules cover it: an Ontario location, or remote applicants in Canada. */
function ontarioPlace(pl: PayPlace): string | undefined {
  const ontario = REGION_LAWS.find((j) => j.names[0] === 'ON' && j.country === 'CA')!;
  const l = pl.location;
  if (l) return regionLaw(l.country, l.region) === ontario ? `${printable(l.locality)}, ${printable(l.region!)}` : undefined;
  return pl.country === 'CA' ? 'remote applicants in Canada' : undefined;
}

export interface PayWarning {
  code: string;
  severity: 'warning';
  /** The field it is said of: `salary.max`, `locations.2.salary.max`, `locations.1`. */
  field: string;
  message: string;
  fix: string;
}

const n = (v: number): string => v.toLocaleString('en-US');

/** A salary too wide for Ontario, or nothing: yearly CAD ranges only (see ONTARIO_RANGE). */
function tooWide(s: Salary): number | undefined {
  if (s.min === undefined || s.max === undefined || s.unit !== 'YEAR' || s.currency !== 'CAD') return undefined;
  const width = s.max - s.min;
  return width > ONTARIO_RANGE.maxWidth && s.max <= ONTARIO_RANGE.exemptAbove ? width : undefined;
}

/** Each salary wider than Ontario allows at a place Ontario's rules cover, said once at its `max`. */
export function wideRangeWarnings(p: Posting): PayWarning[] {
  const said = new Set<string>();
  return payPlaces(p).flatMap((pl): PayWarning[] => {
    const s = pl.salary;
    const width = s && tooWide(s);
    const where = width && ontarioPlace(pl);
    if (!s || !width || !where || said.has(pl.salaryField!)) return [];
    said.add(pl.salaryField!);
    return [
      {
        code: CODES.WARN_PAY_RANGE_WIDE,
        severity: 'warning',
        field: `${pl.salaryField}.max`,
        message: `the pay range is ${n(width)} CAD a year wide; for ${where}, Ontario's job-posting rules (${ONTARIO_RANGE.rule}, employers with 25 or more employees) allow at most ${n(ONTARIO_RANGE.maxWidth)} unless the range ends above ${n(ONTARIO_RANGE.exemptAbove)}`,
        fix: `narrow the range to at most ${n(ONTARIO_RANGE.maxWidth)}, e.g. min: ${s.max! - ONTARIO_RANGE.maxWidth}`,
      },
    ];
  });
}

/** `Toronto, ON` or `remote applicants in Canada`: a place as the warnings name it. */
function placeName(pl: PayPlace): string {
  const l = pl.location;
  return l ? [l.locality, l.region ?? countryName(l.country)].map(printable).join(', ') : `remote applicants in ${countryName(pl.country)}`;
}

/**
 * For a role paid at some places but not others: one warning at each place without pay, naming the
 * laws that require it there. (A role with no pay anywhere gets the one `noSalaryWarning` instead.)
 */
export function unpaidPlaceWarnings(p: Posting): PayWarning[] {
  const places = payPlaces(p);
  if (!places.some((pl) => pl.salary)) return [];
  return places
    .filter((pl) => !pl.salary)
    .map((pl): PayWarning => {
      const laws = [...new Set(lawsAtPlace(pl).map((l) => l.law))];
      const key = pl.location ? 'salary' : `salaryByCountry.${pl.country}`;
      return {
        code: CODES.WARN_NO_SALARY,
        severity: 'warning',
        field: pl.field,
        message: laws.length
          ? `no salary for ${placeName(pl)}, where pay-transparency law requires the pay range in job ads (${laws.join('; ')})`
          : `no salary for ${placeName(pl)}, while the role's other places have one`,
        fix: `add ${key}: { currency: ${currencyHint(pl.country)}, min: …, max: …, unit: YEAR }, or a role-wide salary`,
      };
    });
}

/** The one warning for a role without pay: short, with where the laws are listed. */
export function noSalaryWarning(p: Posting): { code: string; severity: 'warning'; message: string; fix: string } {
  const laws = payTransparencyLaws(p);
  const example = `add salary: { currency: ${currencyHint(p.locations?.[0]?.country ?? p.applicantLocations?.[0] ?? 'US')}, min: …, max: …, unit: YEAR }`;
  if (!laws.length)
    return {
      code: CODES.WARN_NO_SALARY,
      severity: 'warning',
      message: 'no salary: search engines recommend one and boards rank postings without pay lower (docs/postings.md#salary)',
      fix: example,
    };
  return {
    code: CODES.WARN_NO_SALARY,
    severity: 'warning',
    message: `no salary, but pay-transparency law requires the pay range in job ads for ${lawPlaces(laws)}: the laws are in docs/postings.md#pay-transparency`,
    fix: `${example} with the range you would in good faith pay`,
  };
}
