/**
 * Places as ATSs write them ("New York, NY", "Berlin, Germany", "Remote - US", "Toronto, Ontario,
 * Canada") read into jobcast's fields. Countries by ISO code, by their English name (Intl), or by a US
 * state or Canadian province that implies them; what cannot be placed is left to the importer to report.
 */
import { COUNTRY_ALIASES, COUNTRY_CODES, countryName } from '../model/iso-codes';
import type { AtsPlace } from './importer';

const US_STATES =
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(
    ' ',
  );
const CA_PROVINCES: Readonly<Record<string, string>> = {
  AB: 'Alberta',
  BC: 'British Columbia',
  MB: 'Manitoba',
  NB: 'New Brunswick',
  NL: 'Newfoundland and Labrador',
  NS: 'Nova Scotia',
  ON: 'Ontario',
  PE: 'Prince Edward Island',
  QC: 'Quebec',
  SK: 'Saskatchewan',
  NT: 'Northwest Territories',
  NU: 'Nunavut',
  YT: 'Yukon',
};

const norm = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/** English country names (and a few common others) → ISO code. */
const BY_NAME: ReadonlyMap<string, string> = new Map([
  ...[...COUNTRY_CODES].map((c) => [norm(countryName(c)), c] as const),
  ...Object.entries(COUNTRY_ALIASES).map(([alias, c]) => [norm(alias), c] as const),
  ['united states of america', 'US'],
  ['deutschland', 'DE'],
  ['england', 'GB'],
  ['scotland', 'GB'],
  ['wales', 'GB'],
  ['great britain', 'GB'],
  ['the netherlands', 'NL'],
  ['holland', 'NL'],
  ['osterreich', 'AT'],
  ['schweiz', 'CH'],
  ['espana', 'ES'],
  ['czech republic', 'CZ'],
]);

/** The ISO code a country is written as (`US`, `Germany`, `USA`), or undefined. */
export function countryCode(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.trim();
  if (COUNTRY_CODES.has(t.toUpperCase()) && t.length === 2) return t.toUpperCase();
  return BY_NAME.get(norm(t));
}

const provinceByName = new Map(Object.entries(CA_PROVINCES).map(([code, name]) => [norm(name), code]));

/** The country a region implies: a US state or a Canadian province (by code or name). */
function regionCountry(region: string): { country: string; region: string } | undefined {
  const r = region.trim();
  if (US_STATES.includes(r.toUpperCase()) && r.length === 2) return { country: 'US', region: r.toUpperCase() };
  if (r.toUpperCase() in CA_PROVINCES && r.length === 2) return { country: 'CA', region: r.toUpperCase() };
  const province = provinceByName.get(norm(r));
  return province ? { country: 'CA', region: province } : undefined;
}

/** True for "Remote", "Remote - US", "Anywhere", "Home based": no place of work. */
export const isRemoteText = (text: string): boolean => /^\s*(remote|anywhere|home[- ]?based|work from home)\b/i.test(text);

/**
 * "City, Region, Country", "City, ST", "City, Country" or "Country" → a place; `fallbackCountry` when
 * the text names none (a board's own country). Undefined when no country can be told.
 */
export function placeFromText(text: string, fallbackCountry?: string): AtsPlace | undefined {
  const parts = text
    .split(/\s*[,;|]\s*|\s+[-–]\s+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return undefined;
  const last = parts[parts.length - 1]!;
  const country = countryCode(last);
  if (country && parts.length === 1) return undefined;
  if (country) {
    const [locality, ...rest] = parts.slice(0, -1);
    const region = rest.join(', ') || undefined;
    return { locality: locality!, country, ...(region ? { region } : {}) };
  }
  const implied = parts.length >= 2 ? regionCountry(last) : undefined;
  if (implied) return { locality: parts.slice(0, -1).join(', '), region: implied.region, country: implied.country };
  return fallbackCountry ? { locality: parts[0]!, ...(parts[1] ? { region: parts.slice(1).join(', ') } : {}), country: fallbackCountry } : undefined;
}

/** The countries a remote place names ("Remote - US", "Remote (Germany, Austria)"); empty when it names none. */
export function remoteCountries(text: string): string[] {
  const rest = text.replace(/^\s*(remote|anywhere|home[- ]?based|work from home)\b/i, '');
  return [
    ...new Set(
      rest
        .split(/[,;/|()]|\s+[-–]\s+|\s+or\s+|\s+and\s+/i)
        .map((p) => countryCode(p.replace(/^\s*[-–:]\s*/, '')))
        .filter((c): c is string => !!c),
    ),
  ];
}
