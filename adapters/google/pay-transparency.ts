/**
 * Jurisdictions whose law requires the pay (range) in a job ad, for the "no salary" warning. Region
 * values in postings are free text, so each jurisdiction is matched by code and by name.
 * Not legal advice: thresholds (employer size, remote coverage) differ; the warning names the law so
 * the recruiter can check it.
 */
import { cleanText } from '../../src/compose/text';
import { countryName } from '../../src/model/iso-codes';
import type { Posting } from '../../src/model/posting';

const EU_DIRECTIVE = 'EU Pay Transparency Directive (EU) 2023/970';
export const EU_MEMBER_STATES: readonly string[] = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');

interface RegionLaw {
  country: string;
  /** Region code as written in addresses, then names people write instead. */
  names: readonly string[];
  law: string;
}

export const REGION_LAWS: readonly RegionLaw[] = [
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
  { country: 'CA', names: ['PE', 'PEI', 'Prince Edward Island'], law: 'Prince Edward Island Employment Standards Act (pay transparency amendments)' },
  { country: 'CA', names: ['NL', 'Newfoundland and Labrador', 'Newfoundland'], law: 'Newfoundland and Labrador Pay Equity and Pay Transparency Act' },
];

export interface PayLaw {
  law: string;
  /** Why it applies: the place that brings the role under it. */
  because: string;
}

/** Place names go into terminal output: no control characters, one line. */
const printable = (s: string): string => cleanText(s).replace(/\s+/g, ' ').trim();

const normalize = (s: string): string => s.trim().toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ');

function regionLaw(country: string, region: string | undefined): RegionLaw | undefined {
  if (!region) return undefined;
  const r = normalize(region);
  return REGION_LAWS.find((j) => j.country === country && j.names.some((n) => normalize(n) === r));
}

function lawsForLocations(p: Posting): PayLaw[] {
  return (p.locations ?? []).flatMap((l): PayLaw[] => {
    if (EU_MEMBER_STATES.includes(l.country)) return [{ law: EU_DIRECTIVE, because: `${printable(l.locality)}, ${countryName(l.country)}` }];
    const j = regionLaw(l.country, l.region);
    return j ? [{ law: j.law, because: `${printable(l.locality)}, ${printable(l.region!)}` }] : [];
  });
}

/** A remote role open to a country can be filled in each of its regions, so their laws cover it. */
function lawsForApplicants(p: Posting): PayLaw[] {
  if (p.workplace !== 'remote') return [];
  return (p.applicantLocations ?? []).flatMap((country): PayLaw[] => {
    const because = `remote applicants in ${country}`;
    if (EU_MEMBER_STATES.includes(country)) return [{ law: EU_DIRECTIVE, because }];
    return REGION_LAWS.filter((j) => j.country === country).map((j) => ({ law: j.law, because }));
  });
}

/** Laws requiring the pay in this role's ads, each once: the locations' first, then remote applicants'. */
export function payTransparencyLaws(p: Posting): PayLaw[] {
  const seen = new Set<string>();
  return [...lawsForLocations(p), ...lawsForApplicants(p)].filter((l) => !seen.has(l.law) && seen.add(l.law));
}
