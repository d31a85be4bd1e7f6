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

/**
 * Open job pages and the listing. The listing changes whenever a role appears on it, changes, or
 * leaves it (closes, expires), so its lastmod is the latest change among every entry rendered here.
 */
export function sitemapXml(open: readonly PostingEntry[], all: readonly PostingEntry[], ctx: RenderContext<unknown>): string {
  const urls = [urlElement(ctx.url(jobPages.listing), latest(all)), ...open.map((e) => urlElement(ctx.url(jobPages.page(e.id)), e.changedAt))];
  return serializeDocument(el('urlset', urls, { xmlns: SITEMAP_NS }), '  ', SITEMAP_STYLE);
}

/** Everything may be crawled (a 410 page must be fetched to be dropped); the sitemap is named. */
export function robotsTxt(ctx: RenderContext<unknown>): string {
  return ['User-agent: *', 'Allow: /', '', `Sitemap: ${absolute(ctx.url('sitemap.xml'))}`, ''].join('\n');
}
