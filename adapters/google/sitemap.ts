/**
 * sitemap.xml and robots.txt. The sitemap is built as elements and serialized with escaping by the
 * one XML writer (src/xml/writer.ts), so no URL can break it; `lastmod` is when a page's content last
 * changed, never the build time (Google ignores a lastmod that is always "now", docs/channels.md,
 * "google").
 */
import type { PostingEntry, RenderContext } from '../../src/adapter';
import { formatUtc } from '../../src/model/dates';
import { el, serializeDocument, type XmlElement, type XmlStyle } from '../../src/xml/writer';
import { jobPages } from './urls';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** How the sitemap has always been written: quotes in text as references. */
const SITEMAP_STYLE: XmlStyle = { quotesInText: true };

/** The URL in RFC 3986 form (the sitemap protocol requires it), e.g. a space in baseUrl as %20. */
const absolute = (url: string): string => new URL(url).href;

const urlElement = (loc: string, lastmod: Date | undefined): XmlElement => el('url', [el('loc', absolute(loc)), lastmod && el('lastmod', formatUtc(lastmod))]);

const latest = (entries: readonly PostingEntry[]): Date | undefined =>
  entries.reduce<Date | undefined>((max, e) => (!max || e.changedAt > max ? e.changedAt : max), undefined);

/** The protocol's limit of URLs in one sitemap file (sitemaps.org); past it, sitemap.xml becomes an index of parts. */
export const SITEMAP_MAX_URLS = 50_000;

type SitemapUrl = { loc: string; lastmod: Date | undefined };

const urlset = (urls: readonly SitemapUrl[]): string =>
  serializeDocument(
    el(
      'urlset',
      urls.map((u) => urlElement(u.loc, u.lastmod)),
      { xmlns: SITEMAP_NS },
    ),
    '  ',
    SITEMAP_STYLE,
  );

const newest = (dates: readonly (Date | undefined)[]): Date | undefined =>
  dates.reduce<Date | undefined>((max, d) => (d && (!max || d > max) ? d : max), undefined);

/** `sitemap.xml` as an index of its parts (`sitemaps/sitemap-<n>.xml`), each lastmod the newest of its part. */
function sitemapIndex(urls: readonly SitemapUrl[], ctx: RenderContext<unknown>): { path: string; body: string }[] {
  const parts: SitemapUrl[][] = [];
  for (let i = 0; i < urls.length; i += SITEMAP_MAX_URLS) parts.push(urls.slice(i, i + SITEMAP_MAX_URLS));
  const paths = parts.map((_, i) => `sitemaps/sitemap-${i + 1}.xml`);
  const entries = parts.map((part, i) => {
    const lastmod = newest(part.map((u) => u.lastmod));
    return el('sitemap', [el('loc', absolute(ctx.url(paths[i]!))), lastmod && el('lastmod', formatUtc(lastmod))]);
  });
  return [
    { path: 'sitemap.xml', body: serializeDocument(el('sitemapindex', entries, { xmlns: SITEMAP_NS }), '  ', SITEMAP_STYLE) },
    ...parts.map((part, i) => ({ path: paths[i]!, body: urlset(part) })),
  ];
}

/**
 * Open job pages and the listing: `sitemap.xml`, or past SITEMAP_MAX_URLS an index of parts. The
 * listing changes whenever a role appears on it, changes, or leaves it (closes, expires), so its
 * lastmod is the latest change among every entry rendered here.
 */
export function sitemapFiles(open: readonly PostingEntry[], all: readonly PostingEntry[], ctx: RenderContext<unknown>): { path: string; body: string }[] {
  const urls: SitemapUrl[] = [
    { loc: ctx.url(jobPages.listing), lastmod: latest(all) },
    ...open.map((e) => ({ loc: ctx.url(jobPages.page(e.id)), lastmod: e.changedAt })),
  ];
  return urls.length <= SITEMAP_MAX_URLS ? [{ path: 'sitemap.xml', body: urlset(urls) }] : sitemapIndex(urls, ctx);
}

/** Everything may be crawled (a 410 page must be fetched to be dropped); the sitemap is named. */
export function robotsTxt(ctx: RenderContext<unknown>): string {
  return ['User-agent: *', 'Allow: /', '', `Sitemap: ${absolute(ctx.url('sitemap.xml'))}`, ''].join('\n');
}
