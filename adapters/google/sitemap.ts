/**
 * sitemap.xml and robots.txt. The sitemap is built as elements and serialized with escaping by the
 * one XML writer (src/xml/writer.ts), so no URL can break it; `lastmod` is when a page's content last
 * changed, never the build time (Google ignores a lastmod that is always "now", docs/channels.md,
 * "google").
 */
import type { ArtifactBody, PostingEntry, RenderContext } from '../../src/adapter';
import { formatUtc } from '../../src/model/dates';
import { historyLanguages } from '../../src/model/history';
import { el, serializeDocument, xmlDocument, type XmlElement, type XmlStyle } from '../../src/xml/writer';
import { jobPages } from './urls';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
/** Google's namespace for a URL's language versions (`<xhtml:link rel="alternate" hreflang>`). */
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** How the sitemap has always been written: quotes in text as references. */
const SITEMAP_STYLE: XmlStyle = { quotesInText: true };

/** The URL in RFC 3986 form (the sitemap protocol requires it), e.g. a space in baseUrl as %20. */
const absolute = (url: string): string => new URL(url).href;

const urlElement = (loc: string, lastmod: Date | undefined, alternates: readonly XmlElement[] = []): XmlElement =>
  el('url', [el('loc', absolute(loc)), lastmod && el('lastmod', formatUtc(lastmod)), alternates]);

/**
 * A role's `<url>` elements: one, or one per language, each listing every language's page and
 * `x-default` (the role's own), the same set on each, as Google asks for sitemap alternates.
 */
function roleUrls(e: PostingEntry, ctx: RenderContext<unknown>): XmlElement[] {
  const { own, all: langs } = historyLanguages(e.languages);
  if (langs.length < 2) return [urlElement(ctx.url(jobPages.page(e.id)), e.changedAt)];
  const hrefs = langs.map((lang) => absolute(ctx.url(jobPages.page(e.id, lang === own ? undefined : lang))));
  const link = (hreflang: string, href: string) => el('xhtml:link', undefined, { rel: 'alternate', hreflang, href });
  const alternates = [...langs.map((lang, i) => link(lang, hrefs[i]!)), link('x-default', hrefs[0]!)];
  // Each language's page is dated by its own changes; every page also links the others, so a new or
  // removed language changes them all (and the role's since).
  return hrefs.map((href, i) => {
    const since = e.languages?.[langs[i]!]?.since;
    return urlElement(href, since ? new Date(since) : e.changedAt, alternates);
  });
}

/** How many `<url>` elements a role takes: one per page language (from its history: the posting is not read). */
const urlCount = (e: PostingEntry): number => Math.max(1, historyLanguages(e.languages).all.length);

/** The latest change among `entries`, or `from` when that is later. */
const latest = (entries: readonly PostingEntry[], from?: Date): Date | undefined =>
  entries.reduce<Date | undefined>((max, e) => (!max || e.changedAt > max ? e.changedAt : max), from);

/** The protocol's limit of URLs in one sitemap file (sitemaps.org); past it, sitemap.xml becomes an index of parts. */
export const SITEMAP_MAX_URLS = 50_000;

/** One part's document: the listing's `<url>` in the head of the first, then a fragment per open role. */
function urlset(open: readonly PostingEntry[], listing: XmlElement | undefined, ctx: RenderContext<unknown>): Iterable<string> {
  // The xhtml namespace only where a role has language versions: a one-language site's bytes stay as they were.
  const multilingual = open.some((e) => urlCount(e) > 1);
  return xmlDocument({
    root: 'urlset',
    attributes: multilingual ? { xmlns: SITEMAP_NS, 'xmlns:xhtml': XHTML_NS } : { xmlns: SITEMAP_NS },
    head: listing,
    items: open,
    item: (e) => roleUrls(e, ctx),
    // A role's <url> is its id and changedAt (both in its render key): the build copies it when unchanged.
    posting: (e) => e.id,
    style: SITEMAP_STYLE,
  });
}

/** `sitemap.xml` as an index of its parts (`sitemaps/sitemap-<n>.xml`), each lastmod the newest of its part. */
function sitemapIndex(open: readonly PostingEntry[], listing: XmlElement, listed: Date | undefined, ctx: RenderContext<unknown>): SitemapFile[] {
  // The listing is the first URL of the first part; a role's language pages stay in one part.
  const parts: PostingEntry[][] = [[]];
  let urls = 1;
  for (const e of open) {
    const n = urlCount(e);
    if (urls + n > SITEMAP_MAX_URLS) {
      parts.push([]);
      urls = 0;
    }
    parts[parts.length - 1]!.push(e);
    urls += n;
  }
  const paths = parts.map((_, i) => `sitemaps/sitemap-${i + 1}.xml`);
  const entries = parts.map((part, i) => {
    const lastmod = latest(part, i === 0 ? listed : undefined);
    return el('sitemap', [el('loc', absolute(ctx.url(paths[i]!))), lastmod && el('lastmod', formatUtc(lastmod))]);
  });
  return [
    { path: 'sitemap.xml', body: serializeDocument(el('sitemapindex', entries, { xmlns: SITEMAP_NS }), '  ', SITEMAP_STYLE) },
    ...parts.map((part, i) => ({ path: paths[i]!, body: urlset(part, i === 0 ? listing : undefined, ctx) })),
  ];
}

type SitemapFile = { path: string; body: ArtifactBody };

/**
 * Open job pages and the listing: `sitemap.xml`, or past SITEMAP_MAX_URLS an index of parts. The
 * listing changes whenever a role appears on it, changes, or leaves it (closes, expires), so its
 * lastmod is the latest change among every entry rendered here.
 */
export function sitemapFiles(open: readonly PostingEntry[], all: readonly PostingEntry[], ctx: RenderContext<unknown>): SitemapFile[] {
  const listed = latest(all);
  const listing = urlElement(ctx.url(jobPages.listing), listed);
  const urls = open.reduce((n, e) => n + urlCount(e), 1);
  return urls <= SITEMAP_MAX_URLS ? [{ path: 'sitemap.xml', body: urlset(open, listing, ctx) }] : sitemapIndex(open, listing, listed, ctx);
}

/** Everything may be crawled (a 410 page must be fetched to be dropped); the sitemap is named. */
export function robotsTxt(ctx: RenderContext<unknown>): string {
  return ['User-agent: *', 'Allow: /', '', `Sitemap: ${absolute(ctx.url('sitemap.xml'))}`, ''].join('\n');
}
