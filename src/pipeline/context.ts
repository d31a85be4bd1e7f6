/** The RenderContext an adapter receives: config, options and URL helpers, nothing with side effects. */
import type { Adapter, PageUrls, RenderContext, SiteLinks } from '../adapter';
import { applyRedirectPath, trackedUrl } from '../compose/tracking';
import { translationOf } from '../model/translate';
import type { SiteConfig } from '../model/config';
import type { Posting } from '../model/posting';

export function siteUrl(site: Pick<SiteConfig, 'baseUrl'>, p: string): string {
  return site.baseUrl.replace(/\/+$/, '') + '/' + p.replace(/^\/+/, '');
}

// A registry without a page channel is a programming error, found by the first channel that links to a page.
const NO_PAGES: PageUrls = {
  page: () => {
    throw new Error('no registered channel declares the job pages (Adapter.pages)');
  },
  get listing(): string {
    throw new Error('no registered channel declares the job pages (Adapter.pages)');
  },
};

/** The page channel's paths; failing on first use when no channel declares them. */
export const pagesOf = (links: SiteLinks): PageUrls => links.pages ?? NO_PAGES;

export function renderContext<O>(adapter: Adapter<O>, site: SiteConfig, now: Date, links: SiteLinks = {}): RenderContext<O> {
  const name = adapter.name;
  const pages = pagesOf(links);
  return {
    site,
    options: site.channels[name] as O,
    now,
    channel: name,
    url: (p) => siteUrl(site, p),
    applyUrl: (posting: Posting, id: string) => {
      if (!site.tracking.redirect) return trackedUrl(posting.apply.url, name, site);
      const lang = translationOf(posting);
      return siteUrl(site, applyRedirectPath(id, name, lang));
    },
    pageUrl: (id, lang) => trackedUrl(siteUrl(site, pages.page(id, lang)), name, site),
    pages,
    postingOptions: <P>(posting: Posting) => posting.channels?.[name] as P | undefined,
    hubs: links.hubs ?? [],
  };
}
