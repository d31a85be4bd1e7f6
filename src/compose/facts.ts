/** Human wording of structured fields, shared by the page, the email and text-based board fields. */
import { countryName } from '../model/iso-codes';
import { payPlaces, payVaries, sharedSalary, type PayPlace } from '../model/pay';
import type { EmploymentType, Posting, PostingLocation, Salary, SalaryUnit } from '../model/posting';
import { formatLocale, wordsFor } from './words';

/** The English labels, as every channel has always written them (other languages: src/compose/words.ts). */
export const EMPLOYMENT_LABELS: Record<EmploymentType, string> = wordsFor('en').employment;

export const UNIT_WORDS: Record<SalaryUnit, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month', YEAR: 'year' };

export const employmentText = (p: Posting): string => p.employmentType.map((t) => wordsFor(p.language).employment[t]).join(', ');

export const countryList = (codes: readonly string[], lang?: string): string => codes.map((c) => countryName(c, lang)).join(', ');

/** `San Francisco, CA, United States` — the parts a location has, in address order; codes are for machines. */
export function locationText(l: PostingLocation, lang?: string): string {
  return [l.locality, l.region, countryName(l.country, lang)].filter(Boolean).join(', ');
}

/**
 * Where the role is, in the same words on the page, in the email and in every text field:
 * "Remote — applicants in United States, Canada", or the locations joined with "; " (plus "(hybrid)").
 */
export function whereText(p: Posting): string {
  const words = wordsFor(p.language);
  if (p.workplace === 'remote') return words.remote(countryList(p.applicantLocations ?? [], p.language));
  const places = (p.locations ?? []).map((l) => locationText(l, p.language)).join('; ');
  return p.workplace === 'hybrid' ? `${places} ${words.hybrid}` : places;
}

/** Amount with currency symbol and grouping: `$185,000`, `€50,000`, `CHF 120,000`. */
// One formatter per currency and precision: constructing Intl.NumberFormat was the top self cost of
// a 10k-role build (about twenty amounts per role across the channels).
const formatters = new Map<string, Intl.NumberFormat>();

export function money(amount: number, currency: string, lang?: string): string {
  const digits = Number.isInteger(amount) ? 0 : 2;
  const locale = formatLocale(lang);
  const key = `${locale}:${currency}:${digits}`;
  let f = formatters.get(key);
  if (!f)
    formatters.set(key, (f = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return f.format(amount);
}

/** `$185,000 - $245,000 per year` (Indeed's text form) or `$40 per hour`; in `lang`'s words and amounts. */
export function salaryText(s: Salary, dash = ' - ', lang?: string): string {
  const unit = wordsFor(lang).units[s.unit];
  if (s.value !== undefined) return `${money(s.value, s.currency, lang)} ${unit}`;
  return `${money(s.min!, s.currency, lang)}${dash}${money(s.max!, s.currency, lang)} ${unit}`;
}

export type Labelled = { label: string; value: string };

/** A place as the pay list names it: the location's words, or the applicant country. */
export const payPlaceText = (pl: PayPlace, lang?: string): string => (pl.location ? locationText(pl.location, lang) : countryName(pl.country, lang));

/** `Pay by location` (onsite, hybrid) or `Pay by country` (remote): the pay list's heading. */
export const payListHeading = (p: Posting): string => (p.workplace === 'remote' ? wordsFor(p.language).payByCountry : wordsFor(p.language).payByLocation);

/**
 * The pay of a role, in `format`'s words: one line when every place is paid the same, else one
 * labelled line per place that states pay (in source order), or nothing when no pay is given.
 */
export function payFacts(p: Posting, format: (s: Salary) => string = (s) => salaryText(s, ' - ', p.language)): { shared?: string; byPlace: Labelled[] } {
  const shared = sharedSalary(p);
  if (shared) return { shared: format(shared), byPlace: [] };
  if (!payVaries(p)) return { byPlace: [] };
  const byPlace = payPlaces(p).flatMap((pl) => (pl.salary ? [{ label: payPlaceText(pl, p.language), value: format(pl.salary) }] : []));
  return { byPlace };
}

/** `at least 60 months (5 years)`. */
function experienceDisplay(months: number): string {
  const years = months % 12 === 0 && months > 0 ? ` (${months / 12} year${months === 12 ? '' : 's'})` : '';
  return `at least ${months} months${years}`;
}

/** What the role asks for, in the words the page and the email both use. */
export function requirementFacts(p: Posting): Labelled[] {
  const out: Labelled[] = [];
  if (p.education) out.push({ label: 'Education', value: p.education.credential === 'none' ? 'no requirements' : p.education.credential });
  if (p.experience) out.push({ label: 'Experience', value: p.experience === 'none' ? 'no requirements' : experienceDisplay(p.experience.months) });
  if (p.experienceInPlaceOfEducation)
    out.push({ label: 'Instead of education', value: 'relevant experience is accepted in place of the education requirement' });
  return out;
}

/** How the role is classified (industry, O*NET-SOC occupation), as the page and the email show it. */
export function classificationFacts(p: Posting): Labelled[] {
  const out: Labelled[] = [];
  if (p.industry) out.push({ label: 'Industry', value: p.industry });
  if (p.occupationalCategory) out.push({ label: 'Occupation (O*NET-SOC)', value: p.occupationalCategory });
  return out;
}
