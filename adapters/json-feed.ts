/**
 * `feeds/jobs.json`: JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the open roles, with the
 * structured fields in a `_job` extension object (the spec's convention for extensions: a key that
 * starts with an underscore, which readers that do not know it ignore). Past FEED_PAGE_MAX roles it
 * is paged like the RSS feed (src/xml/feed-pages.ts), the pages chained by `next_url`.
 */
import { z } from 'zod';
import { defineAdapter, type Artifact, type PostingEntry, type RenderContext } from '../src/adapter';
import { lazyBody } from '../src/artifact-body';
import { descriptionHtml, paragraphsOf } from '../src/compose/description';
import { salaryText } from '../src/compose/facts';
import type { DiagnosticInput } from '../src/diagnostics';
import { formatUtc, formatZoned } from '../src/model/dates';
import type { Salary } from '../src/model/posting';
import { feedText } from '../src/xml/escape';
import { isChecked, languageEditions, ownEditions, listedEntries } from '../src/xml/feed';
import { translationOf } from '../src/model/translate';
import { feedPages, type FeedPage } from '../src/xml/feed-pages';

const JSON_FEED_CODES = {
  TITLE_EMPTY: 'JSON_FEED_TITLE_EMPTY',
} as const;

const options = z.strictObject({
  title: z.string().trim().min(1).optional().describe('The feed\'s title; default "<organization.name> jobs"'),
  description: z.string().trim().min(1).optional().describe('The feed\'s description; default "Open roles at <organization.name>"'),
});
export type JsonFeedOptions = z.output<typeof options>;

/** Text as every other channel carries it (illegal code points and CRs gone), so all feeds agree. */
const t = (s: string): string => feedText(s);
const opt = (s: string | undefined): string | undefined => (s === undefined ? undefined : t(s));

const salaryJson = (s: Salary | undefined, lang: string | undefined) =>
  s && { currency: s.currency, min: s.min, max: s.max, value: s.value, unit: s.unit, text: t(salaryText(s, ' - ', lang)) };

function jobExtension(e: PostingEntry, ctx: RenderContext<JsonFeedOptions>) {
  const p = e.posting;
  const tz = ctx.site.schedule.timezone;
  return {
    id: e.id,
    reference: opt(p.reference),
    datePosted: p.datePosted,
    validThrough: e.lifecycle.liveUntil ? formatZoned(e.lifecycle.liveUntil, tz) : undefined,
    employmentType: p.employmentType,
    workplace: p.workplace,
    department: opt(p.department),
    industry: opt(p.industry),
    occupationalCategory: p.occupationalCategory,
    locations: p.locations?.map((l) => ({
      street: opt(l.street),
      locality: t(l.locality),
      region: opt(l.region),
      postalCode: opt(l.postalCode),
      country: l.country,
      salary: salaryJson(l.salary, p.language),
    })),
    applicantLocations: p.applicantLocations,
    salary: salaryJson(p.salary, p.language),
    salaryByCountry: p.salaryByCountry && Object.fromEntries(Object.entries(p.salaryByCountry).map(([c, s]) => [c, salaryJson(s, p.language)])),
    education: p.education?.credential,
    experienceMonths: p.experience === undefined || p.experience === 'none' ? undefined : p.experience.months,
    experienceInPlaceOfEducation: p.experienceInPlaceOfEducation,
    skills: p.skills?.map(t),
    applyUrl: ctx.applyUrl(p, e.id),
    directApply: p.apply.direct,
  };
}

function itemOf(e: PostingEntry, ctx: RenderContext<JsonFeedOptions>) {
  const p = e.posting;
  const tz = ctx.site.schedule.timezone;
  const tags = [p.department, p.industry]
    .filter((x): x is string => !!x)
    .map(t)
    .filter(Boolean);
  return {
    // Same identity as the RSS guid: the job page URL, stable for the posting's life.
    id: ctx.url(ctx.pages.page(e.id, translationOf(p))),
    url: ctx.url(ctx.pages.page(e.id, translationOf(p))),
    external_url: ctx.applyUrl(p, e.id),
    title: t(p.title),
    content_html: t(descriptionHtml(p)),
    summary: t(paragraphsOf(p.summary)[0] ?? ''),
    date_published: formatZoned(e.lifecycle.liveFrom, tz),
    date_modified: formatUtc(new Date(Math.max(e.changedAt.getTime(), e.lifecycle.liveFrom.getTime()))),
    tags: tags.length ? tags : undefined,
    _job: jobExtension(e, ctx),
  };
}

/**
 * One page of the feed (the whole feed when it is one document). `feed_url` is the page's own URL;
 * `next_url` the older page's (JSON Feed has no link to a newer one), absent on the last page.
 */
function jsonPage(page: FeedPage, hubs: readonly string[], ctx: RenderContext<JsonFeedOptions>, lang?: string): string {
  const org = ctx.site.organization;
  const title = ctx.options.title ?? `${org.name} jobs`;
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: t(lang ? `${title} (${lang})` : title),
    language: lang,
    home_page_url: ctx.url(ctx.pages.listing),
    feed_url: ctx.url(page.path),
    description: t(ctx.options.description ?? `Open roles at ${org.name}`),
    next_url: page.links?.next === undefined ? undefined : ctx.url(page.links.next),
    // No icon/avatar: JSON Feed wants square images, and a logo is often not square.
    authors: [{ name: t(org.name), url: org.url }],
    hubs: hubs.length ? hubs.map((url) => ({ type: 'WebSub', url })) : undefined,
    items: page.entries.map((e) => itemOf(e, ctx)),
  };
  // JSON.stringify drops `undefined` members, so absent optional fields leave no key behind.
  return JSON.stringify(feed, null, 2) + '\n';
}

/** One feed (the default one under `feeds/`, or a language's under `feeds/<lang>/`), paged past FEED_PAGE_MAX. */
function jsonFeedFiles(entries: readonly PostingEntry[], ctx: RenderContext<JsonFeedOptions>, dir: string, lang?: string): Artifact[] {
  // `feeds/jobs`, or a language's `feeds/fr/jobs`: the subscription document's path without its extension.
  const base = `${dir}jobs`;
  const pages = feedPages(listedEntries(entries), { first: `${base}.json`, page: (id) => `${base}/${id}.json` });
  return pages.map((page, i): Artifact => ({
    path: page.path,
    contentType: 'application/feed+json; charset=utf-8',
    body: lazyBody(() => jsonPage(page, i === 0 ? ctx.hubs : [], ctx, lang)),
    // JSON Feed has no feed-level date: a page shows its items and its links, nothing else that changes.
    madeOf: { postings: page.entries.map((e) => e.id), extra: JSON.stringify({ next: page.links?.next, lang }) },
  }));
}

export const jsonFeed = defineAdapter<JsonFeedOptions>({
  name: 'json-feed',
  description: 'JSON Feed 1.1 of open roles with a _job extension (feeds/jobs.json)',
  // Its part of the complete examples in docs/postings.md and docs/config.md.
  examples: { config: 'title: Example Corp jobs\ndescription: Open roles at Example Corp' },
  codes: JSON_FEED_CODES,
  options,
  check(entry) {
    if (!isChecked(entry) || t(entry.posting.title).trim()) return [];
    const d: DiagnosticInput = {
      code: JSON_FEED_CODES.TITLE_EMPTY,
      severity: 'error',
      field: 'title',
      message: 'the title is empty once control characters are removed',
      fix: 'retype the title as plain text',
    };
    return [d];
  },
  render(entries, ctx) {
    const editions = languageEditions(entries).flatMap(({ lang, entries: inLang }) => jsonFeedFiles(inLang, ctx, `feeds/${lang}/`, lang));
    return { artifacts: [...jsonFeedFiles(ownEditions(entries), ctx, 'feeds/'), ...editions] };
  },
});
