/**
 * sitemap.xml and robots.txt. The sitemap is built as elements and serialized with escaping, so no
 * URL can break it; `lastmod` is when a page's content last changed, never the build time (Google
 * ignores a lastmod that is always "now", docs/channels.md, "google").
 */
import type { PostingEntry, RenderContext } from '../../src/adapter';
import { cleanText } from '../../src/compose/text';
import { formatUtc } from '../../src/model/dates';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

interface XmlElement {
  name: string;
  attributes?: Readonly<Record<string, string>>;
  children?: readonly (XmlElement | string)[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeXml = (s: string): string => cleanText(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

function serialize(el: XmlElement, depth = 0): string {
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(el.attributes ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const children = el.children ?? [];
  if (children.length === 0) return `${pad}<${el.name}${attrs}/>`;
  if (children.every((c) => typeof c === 'string')) return `${pad}<${el.name}${attrs}>${children.map((c) => escapeXml(c)).join('')}</${el.name}>`;
  const inner = children.map((c) => (typeof c === 'string' ? pad + '  ' + escapeXml(c) : serialize(c, depth + 1))).join('\n');
  return `${pad}<${el.name}${attrs}>\n${inner}\n${pad}</${el.name}>`;
}

const xmlDocument = (root: XmlElement): string => `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`;

/** The URL in RFC 3986 form (the sitemap protocol requires it), e.g. a space in baseUrl as %20. */
const absolute = (url: string): string => new URL(url).href;

function urlElement(loc: string, lastmod: Date | undefined): XmlElement {
  const children: XmlElement[] = [{ name: 'loc', children: [absolute(loc)] }];
  if (lastmod) children.push({ name: 'lastmod', children: [formatUtc(lastmod)] });
  return { name: 'url', children };
}

const latest = (entries: readonly PostingEntry[]): Date | undefined =>
  entries.reduce<Date | undefined>((max, e) => (!max || e.changedAt > max ? e.changedAt : max), undefined);

/**
 * Open job pages and the listing. The listing changes whenever a role appears on it, changes, or
 * leaves it (closes, expires), so its lastmod is the latest change among every entry rendered here.
 */
export function sitemapXml(open: readonly PostingEntry[], all: readonly PostingEntry[], ctx: RenderContext<unknown>): string {
  const urls = [urlElement(ctx.url('jobs/'), latest(all)), ...open.map((e) => urlElement(ctx.url(`jobs/${e.id}/`), e.changedAt))];
  return xmlDocument({ name: 'urlset', attributes: { xmlns: SITEMAP_NS }, children: urls });
}

/** Everything may be crawled (a 410 page must be fetched to be dropped); the sitemap is named. */
export function robotsTxt(ctx: RenderContext<unknown>): string {
  return ['User-agent: *', 'Allow: /', '', `Sitemap: ${absolute(ctx.url('sitemap.xml'))}`, ''].join('\n');
}
