/** The RenderContext an adapter receives: config, options and URL helpers, nothing with side effects. */
import type { Adapter, RenderContext } from '../adapter';
import { trackedUrl } from '../compose/tracking';
import type { SiteConfig } from '../model/config';
import type { Posting } from '../model/posting';

export function siteUrl(site: Pick<SiteConfig, 'baseUrl'>, p: string): string {
  return site.baseUrl.replace(/\/+$/, '') + '/' + p.replace(/^\/+/, '');
}

/** `hubs`: feedHubs(project) where feeds are rendered; channels that make no feed need none. */
export function renderContext<O>(adapter: Adapter<O>, site: SiteConfig, now: Date, hubs: readonly string[] = []): RenderContext<O> {
  const name = adapter.name;
  return {
    site,
    options: site.channels[name] as O,
    now,
    channel: name,
    url: (p) => siteUrl(site, p),
    applyUrl: (posting: Posting) => trackedUrl(posting.apply.url, name, site),
    pageUrl: (id) => trackedUrl(siteUrl(site, `jobs/${id}/`), name, site),
    postingOptions: <P>(posting: Posting) => posting.channels?.[name] as P | undefined,
    hubs,
  };
}
