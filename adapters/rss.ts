/**
 * `feeds/jobs.rss`: RSS 2.0 for feed readers, aggregators and WebSub hubs, written with the `rss`
 * package. That package is unmaintained and has two
 * flaws this adapter wraps: it passes XML-illegal characters through (one U+0008 makes the file
 * unreadable), so every string is cleaned before `rss` sees it; and it stamps the wall clock into
 * `lastBuildDate`, with no option to say otherwise. So a real parser (src/xml/read.ts) finds the
 * channel's lastBuildDate in its output, and the one XML writer puts the latest content change in its
 * place: the bytes (and the ETag, and WebSub pings) stay unchanged until a posting really changes. Past FEED_PAGE_MAX roles the feed is paged
 * (src/xml/feed-pages.ts, docs/channels.md): each page is such a document of its own, with RFC 5005 links.
 */
import RSS from 'rss';
import { z } from 'zod';
import { defineAdapter, type Artifact, type PostingEntry, type RenderContext } from '../src/adapter';
import { lazyBody } from '../src/artifact-body';
import { descriptionHtml } from '../src/compose/description';
import { salaryText } from '../src/compose/facts';
import type { DiagnosticInput } from '../src/diagnostics';
import { formatZoned } from '../src/model/dates';
import type { Salary } from '../src/model/posting';
import { feedText } from '../src/xml/escape';
import { elementSpan } from '../src/xml/read';
import { el, serialize } from '../src/xml/writer';
import { FEED_STATES, isChecked, languageEditions, ownEditions, lastChange, listedEntries, rfc822 } from '../src/xml/feed';
import { translationOf } from '../src/model/translate';
import { feedPages, type FeedPage, type FeedPageLinks } from '../src/xml/feed-pages';

const RSS_CODES = {
  TITLE_EMPTY: 'RSS_TITLE_EMPTY',
} as const;

/** Namespace of the structured `job:*` elements; a name, never fetched, so it must never change. */
export const JOB_NAMESPACE = 'https://jobcast.dev/ns/job';

const options = z.strictObject({
  title: z.string().trim().min(1).optional().describe('The feed\'s title; default "<organization.name> jobs"'),
  description: z.string().trim().min(1).optional().describe('The feed\'s description; default "Open roles at <organization.name>"'),
});
export type RssOptions = z.output<typeof options>;

/** node-xml's object form, which `rss` uses for custom elements. */
type XmlObject = Record<string, unknown>;

const present = <T>(v: T | undefined | null | false | ''): v is T => v !== undefined && v !== null && v !== false && v !== '';

/** Text for a custom element, or nothing when cleaning leaves nothing (no empty elements). */
function textEl(name: string, value: string | undefined): XmlObject | undefined {
  const v = value === undefined ? '' : feedText(value);
  return v ? { [name]: v } : undefined;
}

/** `<job:salary currency minValue maxValue unitText>$… per year</job:salary>`, optionally marked with more attributes. */
function salaryEl(s: Salary, lang: string | undefined, mark: Record<string, string> = {}): XmlObject {
  return {
    'job:salary': [
      { _attr: { ...mark, currency: s.currency, ...(s.value !== undefined ? { value: s.value } : { minValue: s.min, maxValue: s.max }), unitText: s.unit } },
      feedText(salaryText(s, ' - ', lang)),
    ],
  };
}

function jobElements(e: PostingEntry, ctx: RenderContext<RssOptions>): XmlObject[] {
  const p = e.posting;
  const tz = ctx.site.schedule.timezone;
  return [
    textEl('job:id', e.id),
    textEl('job:reference', p.reference),
    textEl('job:workplace', p.workplace),
    ...(p.locations ?? []).map((l) => ({
      'job:location': [
        textEl('job:streetAddress', l.street),
        textEl('job:locality', l.locality),
        textEl('job:region', l.region),
        textEl('job:postalCode', l.postalCode),
        textEl('job:country', l.country),
        // The location's own pay; without it the role-wide job:salary applies.
        l.salary && salaryEl(l.salary, p.language),
      ].filter(present),
    })),
    ...(p.applicantLocations ?? []).map((c) => textEl('job:applicantLocation', c)),
    // A remote role's pay per applicant country, each marked with its country.
    ...Object.entries(p.salaryByCountry ?? {}).map(([country, s]) => s && salaryEl(s, p.language, { country })),
    ...p.employmentType.map((t) => textEl('job:employmentType', t)),
    p.salary && salaryEl(p.salary, p.language),
    e.lifecycle.liveUntil && textEl('job:validThrough', formatZoned(e.lifecycle.liveUntil, tz)),
    textEl('job:applyUrl', ctx.applyUrl(p, e.id)),
  ].filter(present);
}

/** `rss` output with the channel's wall-clock lastBuildDate replaced (or dropped, with its line, when no date is known). */
export function withLastBuildDate(xml: string, at: Date | undefined): string {
  // Found by the parser, which stops there: a page of 1,000 items is not read (nor written) again.
  const span = elementSpan(xml, ['rss', 'channel', 'lastBuildDate']);
  if (!span) throw new Error('rss output has no channel lastBuildDate to replace');
  // Ended by a newline, as every document the one writer writes (the feed's bytes have always been).
  const rest = xml.endsWith('\n') ? xml.slice(span.end) : `${xml.slice(span.end)}\n`;
  if (!at) return xml.slice(0, span.indented) + rest;
  return xml.slice(0, span.start) + serialize(el('lastBuildDate', rfc822(at))) + rest;
}

/** RFC 5005 §3's links of a paged feed's page, each its own atom:link; none on a one-document feed. */
const pageLinks = (links: FeedPageLinks | undefined, ctx: RenderContext<RssOptions>): XmlObject[] =>
  links
    ? (['first', 'previous', 'next', 'last'] as const).flatMap((rel) => {
        const to = links[rel];
        return to === undefined ? [] : [{ 'atom:link': { _attr: { rel, href: feedText(ctx.url(to)) } } }];
      })
    : [];

/** One page of the feed (the whole feed when it is one document), written by `rss` and dated by `date`. */
function rssPage(page: FeedPage, hubs: readonly string[], date: Date | undefined, ctx: RenderContext<RssOptions>, lang?: string): string {
  const org = ctx.site.organization;
  const title = ctx.options.title ?? `${org.name} jobs`;
  const feed = new RSS({
    // A language edition says its language, in the title too (readers list feeds by title).
    title: feedText(lang ? `${title} (${lang})` : title),
    ...(lang ? { language: lang } : {}),
    description: feedText(ctx.options.description ?? `Open roles at ${org.name}`),
    // URLs too: baseUrl validation (new URL) accepts a control character that it then encodes.
    site_url: feedText(ctx.url(ctx.pages.listing)),
    // rel="self": the page's own URL.
    feed_url: feedText(ctx.url(page.path)),
    ...(org.logo ? { image_url: feedText(org.logo) } : {}),
    generator: 'jobcast',
    custom_namespaces: { job: JOB_NAMESPACE },
    // `rss` has a single `hub` option; WebSub allows several hubs, each its own atom:link.
    custom_elements: [...hubs.map((hub) => ({ 'atom:link': { _attr: { rel: 'hub', href: feedText(hub) } } })), ...pageLinks(page.links, ctx)],
  });
  for (const e of page.entries) feed.item(itemOf(e, ctx));
  return withLastBuildDate(feed.xml({ indent: '  ' }), date);
}

function itemOf(e: PostingEntry, ctx: RenderContext<RssOptions>): RSS.ItemOptions {
  const p = e.posting;
  return {
    title: feedText(p.title),
    description: feedText(descriptionHtml(p)),
    // Without `guid`, `rss` uses the url as the guid with isPermaLink="true": the page URL is
    // the permalink, stable for the posting's life. No tracking parameter, so it never changes.
    url: ctx.url(ctx.pages.page(e.id, translationOf(p))),
    date: e.lifecycle.liveFrom,
    categories: [p.department, p.industry].filter(present).map(feedText).filter(present),
    custom_elements: jobElements(e, ctx),
  };
}

/** One feed (the default one under `feeds/`, or a language's under `feeds/<lang>/`), paged past FEED_PAGE_MAX. */
function rssFeed(entries: readonly PostingEntry[], ctx: RenderContext<RssOptions>, dir: string, lang?: string): Artifact[] {
  // `feeds/jobs`, or a language's `feeds/fr/jobs`: the subscription document's path without its extension.
  const base = `${dir}jobs`;
  const pages = feedPages(listedEntries(entries), { first: `${base}.rss`, page: (id) => `${base}/${id}.rss` });
  return pages.map((page, i): Artifact => {
    // The subscription document is dated by the whole feed's latest change (a role that closed is
    // one too); a later page by its own items', so it changes only when they do.
    const date = i === 0 ? lastChange(entries) : lastChange(page.entries);
    return {
      path: page.path,
      contentType: 'application/rss+xml; charset=utf-8',
      body: lazyBody(() => rssPage(page, i === 0 ? ctx.hubs : [], date, ctx, lang)),
      madeOf: { postings: page.entries.map((e) => e.id), extra: JSON.stringify({ links: page.links, date: date?.toISOString(), lang }) },
    };
  });
}

export const rss = defineAdapter<RssOptions>({
  name: 'rss',
  description: 'RSS 2.0 feed of open roles with job:* structured fields (feeds/jobs.rss)',
  // Its part of the complete examples in docs/postings.md and docs/config.md.
  examples: { config: 'title: Example Corp jobs\ndescription: Open roles at Example Corp' },
  codes: RSS_CODES,
  states: FEED_STATES,
  options,
  check(entry) {
    if (!isChecked(entry)) return [];
    const found: DiagnosticInput[] = [];
    if (!feedText(entry.posting.title).trim()) {
      found.push({
        code: RSS_CODES.TITLE_EMPTY,
        severity: 'error',
        field: 'title',
        message: 'the title is empty once characters XML cannot carry (control characters) are removed',
        fix: 'retype the title as plain text',
      });
    }
    return found;
  },
  render(entries, ctx) {
    const editions = languageEditions(entries).flatMap(({ lang, entries: inLang }) => rssFeed(inLang, ctx, `feeds/${lang}/`, lang));
    return { artifacts: [...rssFeed(ownEditions(entries), ctx, 'feeds/'), ...editions] };
  },
});
