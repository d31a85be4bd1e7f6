/**
 * What the job page, the "no longer open" page and the listing show, prepared as plain strings so the
 * templates only lay them out. The job page shows every value its JSON-LD states (Google's parity
 * rule), in the same words: the description blocks come from the same composition as the JSON-LD's.
 */
import { memoize } from '../../src/util/memo';
import type { FragmentedBody, PostingEntry, RenderContext } from '../../src/adapter';
import { paragraphsOf, sectionsOf } from '../../src/compose/description';
import { classificationFacts, money, payFacts, payListHeading, requirementFacts, whereText, type Labelled } from '../../src/compose/facts';
import { renderHtml, renderHtmlList } from '../../src/compose/html-template';
import { wordsFor } from '../../src/compose/words';
import { languagesOf, pathLanguage } from '../../src/model/translate';
import { cleanText } from '../../src/compose/text';
import { DATE_PATTERN } from '../../src/model/dates';
import { countryName } from '../../src/model/iso-codes';
import type { Posting, PostingLocation, Salary } from '../../src/model/posting';
import { toJsonLd, validThroughLd, type GoogleJobPosting } from './json-ld';
import { jobPages } from './urls';

export interface GoogleOptions {
  /** Shown in the page header and og:site_name; default "<organization> careers". */
  siteName?: string | undefined;
  /** BCP 47 language of the page text: the `lang` attribute and how dates are written. */
  locale: string;
}

const plain = (s: string): string => cleanText(s).trim();

type Chrome = {
  lang: string;
  siteName: string;
  orgName: string;
  listingUrl: string;
  /** The frame's words (header, footer) and the page's labels, in the page's language. */
  w: Record<string, string>;
};

/** The page words that are plain strings (the templates' labels); the phrases with a value are called in code. */
function labels(lang: string | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(wordsFor(lang).page).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The page's frame; `lang` is the page's language (a role's own or a translation's), else the site's. */
function chrome(ctx: RenderContext<GoogleOptions>, lang?: string): Chrome {
  const orgName = plain(ctx.site.organization.name);
  return {
    lang: lang ?? ctx.options.locale,
    siteName: ctx.options.siteName ?? `${orgName} careers`,
    orgName,
    listingUrl: ctx.url(jobPages.listing),
    w: labels(lang),
  };
}

type TimeView = { datetime: string; text: string };

/** A calendar date as people read it; the date itself, whatever the time zone. */
const longDate = memoize((locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }), 100);

function dateText(isoDate: string, locale: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return longDate(locale).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The closing date as stated; a date-time is shown in the site's zone, with the zone named. */
function deadlineText(v: string, timeZone: string, locale: string): string {
  if (DATE_PATTERN.test(v)) return dateText(v, locale);
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(v));
}

/** `$185,000 – $245,000 per year (USD)`: the amounts as money, the currency code spelt out, in `lang`. */
function salaryDisplay(s: Salary, lang: string | undefined): string {
  const m = (v: number) => money(v, s.currency, lang);
  const amount = s.value !== undefined ? m(s.value) : `${m(s.min!)} – ${m(s.max!)}`;
  return `${amount} ${wordsFor(lang).units[s.unit]} (${s.currency})`;
}

/** `1 Market St, San Francisco, CA 94105, United States`: every address part the JSON-LD carries. */
function addressDisplay(l: PostingLocation, lang: string | undefined): string {
  const regionLine = [l.region, l.postalCode].filter(Boolean).join(' ');
  return [l.street, l.locality, regionLine, countryName(l.country, lang)]
    .filter(Boolean)
    .map((s) => plain(s!))
    .join(', ');
}

const plainFacts = (facts: readonly Labelled[]): Labelled[] => facts.map((f) => ({ label: f.label, value: plain(f.value) }));

function details(entry: PostingEntry): Labelled[] {
  const p = entry.posting;
  return [{ label: wordsFor(p.language).page.reference, value: plain(p.reference ?? entry.id) }, ...plainFacts(classificationFacts(p))];
}

/** A short plain-text teaser for search snippets and link previews. */
function teaser(summary: string, max = 160): string {
  const first = plain(paragraphsOf(summary)[0] ?? '');
  if (first.length <= max) return first;
  const cut = first.slice(0, max - 1);
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${atWord.length > max / 2 ? atWord : cut}…`;
}

/** The page's pay: one line, or a list of each place's range (`salaries`), with the list's heading. */
function salaryFields(p: Posting): { salary: string; salaries: Labelled[]; salariesHeading: string } {
  const { shared, byPlace } = payFacts(p, (s) => salaryDisplay(s, p.language));
  return { salary: shared ?? '', salaries: plainFacts(byPlace), salariesHeading: payListHeading(p) };
}

const employment = (p: Posting): string => p.employmentType.map((t) => wordsFor(p.language).employment[t]).join(', ');

/** One of the role's languages, as the page links it: its tag, its URL and its own name for itself. */
export type PageLanguage = { lang: string; href: string; name: string };

const languageName = (lang: string): string => {
  const name = new Intl.DisplayNames([lang], { type: 'language' }).of(lang) ?? lang;
  return name.charAt(0).toLocaleUpperCase(lang) + name.slice(1);
};

/** Each of the role's languages with the URL of its page; the role's own language is `/jobs/<id>/`. */
export function pageLanguages(p: Posting, id: string, ctx: RenderContext<GoogleOptions>): PageLanguage[] {
  return languagesOf(p).map((lang) => ({ lang, href: ctx.url(jobPages.page(id, pathLanguage(p, lang))), name: languageName(lang) }));
}

/**
 * The page of `entry` (its posting in the page's language) with `languages` the role's pages in every
 * language: each a `hreflang` alternate (and `x-default`, the role's own), and the others linked.
 */
export function jobPageHtml(entry: PostingEntry, ctx: RenderContext<GoogleOptions>, ld: GoogleJobPosting, languages: readonly PageLanguage[] = []): string {
  const p = entry.posting;
  const c = chrome(ctx, p.language);
  const { applyFor, titleAt } = wordsFor(p.language).page;
  const title = plain(p.title);
  const description = teaser(p.summary);
  const tz = ctx.site.schedule.timezone;
  return renderHtml('job-page', {
    ...c,
    pageTitle: titleAt(title, c.orgName),
    alternates: languages.length ? [...languages.map(({ lang, href }) => ({ lang, href })), { lang: 'x-default', href: languages[0]!.href }] : [],
    languages: languages.filter((l) => l.lang !== p.language),
    applyFor: applyFor(title),
    metaDescription: description,
    canonical: ld.url,
    ogImage: ctx.site.organization.logo ?? '',
    ld: toJsonLd(ld),
    title,
    department: p.department ? plain(p.department) : '',
    where: plain(whereText(p)),
    ...salaryFields(p),
    employment: employment(p),
    posted: { datetime: p.datePosted, text: dateText(p.datePosted, c.lang) },
    deadline: p.validThrough ? { datetime: validThroughLd(p.validThrough, tz), text: deadlineText(p.validThrough, tz, c.lang) } : null,
    applyUrl: ctx.applyUrl(p, entry.id),
    applyEmail: p.apply.email ?? '',
    paragraphs: paragraphsOf(p.summary).map((para) => cleanText(para)),
    sections: sectionsOf(p).map((s) => ({
      id: s.key,
      heading: s.heading,
      ...(s.intro ? { hasIntro: true, intro: cleanText(s.intro) } : {}),
      items: s.items.map((i) => cleanText(i)),
    })),
    requirements: plainFacts(requirementFacts(p)),
    skills: (p.skills ?? []).map(plain).join(', '),
    addresses: (p.locations ?? []).map((l) => addressDisplay(l, p.language)),
    // A remote role's locations are offices it belongs to, not where the person works.
    addressesHeading: p.workplace === 'remote' ? c.w.offices! : c.w.whereYouWork!,
    details: details(entry),
  });
}

export function gonePageHtml(entry: PostingEntry, ctx: RenderContext<GoogleOptions>): string {
  const p = entry.posting;
  const c = chrome(ctx, p.language);
  const title = plain(p.title);
  const w = wordsFor(p.language).page;
  const closedOn = entry.state === 'expired' && p.validThrough ? w.closedOn(deadlineText(p.validThrough, ctx.site.schedule.timezone, c.lang)) : '';
  return renderHtml('job-gone', { ...c, pageTitle: w.titleGone(title, c.orgName), title, where: plain(whereText(p)), closedOn });
}

type ListingItem = { url: string; title: string; where: string; employment: string; posted: TimeView };

export function listingHtml(open: readonly PostingEntry[], ctx: RenderContext<GoogleOptions>): string | FragmentedBody {
  const c = chrome(ctx);
  const n = open.length;
  // Each item reads its posting only when rendered: an unchanged role's item is copied from the previous file.
  const items = open.map((e) => ({
    posting: e.id,
    data: (): ListingItem => ({
      url: ctx.url(jobPages.page(e.id)),
      title: plain(e.posting.title),
      where: plain(whereText(e.posting)),
      employment: employment(e.posting),
      posted: { datetime: e.posting.datePosted, text: dateText(e.posting.datePosted, c.lang) },
    }),
  }));
  return renderHtmlList(
    'jobs-index',
    {
      ...c,
      pageTitle: `Open roles at ${c.orgName}`,
      metaDescription: `${n} open role${n === 1 ? '' : 's'} at ${c.orgName}.`,
      canonical: c.listingUrl,
      count: n === 1 ? '1 open role' : `${n} open roles`,
    },
    { key: 'jobs', partial: 'listing-item', items },
  );
}
