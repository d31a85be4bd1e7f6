/** Human wording of structured fields, shared by the page, the email and text-based board fields. */
import { countryName } from '../model/iso-codes';
import type { EmploymentType, Posting, PostingLocation, Salary, SalaryUnit } from '../model/posting';

export const EMPLOYMENT_LABELS: Record<EmploymentType, string> = {
  FULL_TIME: 'Full-time',
  PART_TIME: 'Part-time',
  CONTRACTOR: 'Contract',
  TEMPORARY: 'Temporary',
  INTERN: 'Internship',
  VOLUNTEER: 'Volunteer',
  PER_DIEM: 'Per diem',
  OTHER: 'Other',
};

export const UNIT_WORDS: Record<SalaryUnit, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month', YEAR: 'year' };

export const employmentText = (p: Posting): string => p.employmentType.map((t) => EMPLOYMENT_LABELS[t]).join(', ');

/** `San Francisco, CA, US` — the parts a location has, in address order. */
export function locationText(l: PostingLocation): string {
  return [l.locality, l.region, l.country].filter(Boolean).join(', ');
}

/** "Remote — applicants in US, CA", or the locations joined with "; " (plus "(hybrid)"). */
export function whereText(p: Posting): string {
  if (p.workplace === 'remote') return `Remote — applicants in ${(p.applicantLocations ?? []).join(', ')}`;
  const places = (p.locations ?? []).map(locationText).join('; ');
  return p.workplace === 'hybrid' ? `${places} (hybrid)` : places;
}

export const countryList = (codes: readonly string[]): string => codes.map(countryName).join(', ');

/** Amount with currency symbol and grouping: `$185,000`, `€50,000`, `CHF 120,000`. */
// One formatter per currency and precision: constructing Intl.NumberFormat was the top self cost of
// a 10k-role build (about twenty amounts per role across the channels).
const formatters = new Map<string, Intl.NumberFormat>();

export function money(amount: number, currency: string): string {
  const digits = Number.isInteger(amount) ? 0 : 2;
  const key = `${currency}:${digits}`;
  let f = formatters.get(key);
  if (!f)
    formatters.set(key, (f = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return f.format(amount);
}

/** `$185,000 - $245,000 per year` (Indeed's text form) or `$40 per hour`. */
export function salaryText(s: Salary, dash = ' - '): string {
  const unit = `per ${UNIT_WORDS[s.unit]}`;
  if (s.value !== undefined) return `${money(s.value, s.currency)} ${unit}`;
  return `${money(s.min!, s.currency)}${dash}${money(s.max!, s.currency)} ${unit}`;
}
