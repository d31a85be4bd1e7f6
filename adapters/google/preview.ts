/**
 * The admin's preview of the google channel (the `preview` hook of src/adapter.ts): what Google shows
 * for a role, read back from the JSON-LD this channel publishes (`jobs/<id>/jobposting.json`), as a
 * search-result card and the job panel fields. Reading the published markup, not the posting, is the
 * point: the preview shows what Google will actually be told.
 */
import { payVaries } from '../../src/model/pay';
import type { PostingEntry, PreviewArtifact, PreviewBlock } from '../../src/adapter';
import { countryName } from '../../src/model/iso-codes';
import { visibleText } from '../../src/xml/feed';

export type PanelField = { label: string; value: string };
export type GoogleCard = { title: string; site: string; breadcrumb: string; url: string; snippet: string; meta: string; fields: PanelField[] };

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

const EMPLOYMENT: Record<string, string> = {
  FULL_TIME: 'Full-time',
  PART_TIME: 'Part-time',
  CONTRACTOR: 'Contractor',
  TEMPORARY: 'Temporary',
  INTERN: 'Internship',
  VOLUNTEER: 'Volunteer',
  PER_DIEM: 'Per diem',
  OTHER: 'Other',
};
const PER: Record<string, string> = { HOUR: 'an hour', DAY: 'a day', WEEK: 'a week', MONTH: 'a month', YEAR: 'a year' };

function money(amount: unknown, currency: string): string {
  if (typeof amount !== 'number') return '';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 2, minimumFractionDigits: 0 }).format(amount);
  } catch {
    return `${currency} ${amount}`;
  }
}

function salaryText(ld: Json): string {
  const base = obj(ld.baseSalary);
  const currency = str(base.currency);
  const v = obj(base.value);
  const unit = PER[str(v.unitText)] ?? str(v.unitText).toLowerCase();
  const amount = v.value !== undefined ? money(v.value, currency) : [money(v.minValue, currency), money(v.maxValue, currency)].filter(Boolean).join('–');
  return amount ? `${amount} ${unit}`.trim() : '';
}

function placeText(place: unknown): string {
  const a = obj(obj(place).address);
  return [str(a.addressLocality), str(a.addressRegion), str(a.addressCountry)].filter(Boolean).join(', ');
}

function locationText(ld: Json): string {
  const places = list(ld.jobLocation).map(placeText).filter(Boolean);
  if (str(ld.jobLocationType) !== 'TELECOMMUTE') return places.join('; ');
  const countries = list(ld.applicantLocationRequirements)
    .map((c) => countryName(str(obj(c).name)))
    .filter(Boolean);
  return [`Remote${countries.length ? ` (${countries.join(', ')})` : ''}`, ...places].join('; ');
}

const SNIPPET = 160;

function snippetOf(html: string): string {
  const text = visibleText(html);
  if ([...text].length <= SNIPPET) return text;
  const cut = [...text].slice(0, SNIPPET).join('');
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SNIPPET / 2)).trimEnd()} …`;
}

export function googleCard(jsonLd: string, payByPlace = false): GoogleCard {
  const ld = obj(JSON.parse(jsonLd));
  const url = str(ld.url);
  let site = '';
  let breadcrumb: string;
  try {
    const u = new URL(url);
    site = u.host;
    breadcrumb = [u.origin, ...u.pathname.split('/').filter(Boolean)].join(' › ');
  } catch {
    breadcrumb = url;
  }
  const company = str(obj(ld.hiringOrganization).name);
  const employment = list(ld.employmentType)
    .map((t) => EMPLOYMENT[str(t)] ?? str(t))
    .join(', ');
  const location = locationText(ld);
  const salary = salaryText(ld);
  const fields: PanelField[] = [
    { label: 'Title', value: str(ld.title) },
    { label: 'Company', value: company },
    { label: 'Location', value: location },
    { label: 'Salary', value: salary || (payByPlace ? 'differs by place: in the description, not in baseSalary' : 'not given') },
    { label: 'Employment type', value: employment },
    { label: 'Posted', value: str(ld.datePosted) },
    { label: 'Apply by', value: str(ld.validThrough) || 'no closing date' },
    { label: 'Apply on the employer site', value: ld.directApply === true ? 'yes (direct apply)' : 'no' },
  ];
  return {
    title: str(ld.title),
    site: company ? `${company} · ${site}` : site,
    breadcrumb,
    url,
    snippet: snippetOf(str(ld.description)),
    meta: [location, salary, employment].filter(Boolean).join(' · '),
    fields,
  };
}

/** The search card and job panel of the entry's JSON-LD; nothing when the channel wrote none. */
export function googlePreview(entry: PostingEntry, artifacts: readonly PreviewArtifact[]): PreviewBlock[] {
  const ld = artifacts.find((a) => a.posting === entry.id && a.contentType.startsWith('application/ld+json'));
  if (!ld) return [];
  const card = googleCard(ld.body, payVaries(entry.posting));
  return [
    {
      label: `Google search result and job panel, from ${ld.path}`,
      card: {
        label: 'Google search result',
        title: card.title,
        subtitle: card.site,
        link: card.breadcrumb,
        lines: [card.meta, card.snippet],
        panel: { label: 'Google job panel', fields: card.fields.map((f) => ({ name: f.label, values: [f.value] })) },
      },
    },
  ];
}
