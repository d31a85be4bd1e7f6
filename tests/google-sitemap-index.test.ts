/**
 * Past the sitemap protocol's 50,000 URLs a file, sitemap.xml becomes a sitemap index of parts, each
 * within the limit; below it, the one sitemap.xml stays as it was (the goldens hold its bytes).
 * Read back with a real XML parser: every URL in exactly one part, each part's lastmod the newest of
 * its URLs.
 */
import { SaxesParser } from 'saxes';
import { SITEMAP_MAX_URLS, sitemapFiles } from '../adapters/google/sitemap';
import type { ArtifactBody, PostingEntry } from '../src/adapter';
import type { SiteConfig } from '../src/model/config';
import { entryOf, googleContext, NOW, isolatedConfig, US_POSTING } from './google-support';

let config: SiteConfig;
beforeAll(async () => {
  config = await isolatedConfig();
});

// Its validThrough makes no difference to the sitemap, which lists URLs and dates only.
const POSTING = US_POSTING;

/** `n` open roles, role i last changed i minutes after NOW. */
const roles = (n: number): PostingEntry[] => Array.from({ length: n }, (_, i) => entryOf(`role-${i}`, POSTING, NOW, new Date(NOW.getTime() + i * 60_000)));

/** A sitemap file's bytes: the parts are written a URL at a time (a fragment per role). */
const text = (body: ArtifactBody): string => (typeof body === 'string' ? body : [...(body as Iterable<string>)].join(''));

/** Root element name, and each `<loc>` with the `<lastmod>` beside it. */
function read(xml: string): { root: string; items: { loc: string; lastmod?: string }[] } {
  const parser = new SaxesParser({ xmlns: true });
  let root = '';
  const items: { loc: string; lastmod?: string }[] = [];
  const open: string[] = [];
  parser.on('opentag', (t) => {
    if (!root) root = t.local;
    open.push(t.local);
    if (t.local === 'url' || t.local === 'sitemap') items.push({ loc: '' });
  });
  parser.on('text', (text) => {
    const at = open[open.length - 1];
    if (at === 'loc') items[items.length - 1]!.loc += text;
    if (at === 'lastmod') items[items.length - 1]!.lastmod = text;
  });
  parser.on('closetag', () => void open.pop());
  parser.write(xml).close();
  return { root, items };
}

describe('sitemap index past the protocol limit', () => {
  it('keeps one urlset at the limit exactly', () => {
    const files = sitemapFiles(roles(SITEMAP_MAX_URLS - 1), [], googleContext(config));
    expect(files.map((f) => f.path)).toEqual(['sitemap.xml']);
    const { root, items } = read(text(files[0]!.body));
    expect(root).toBe('urlset');
    expect(items).toHaveLength(SITEMAP_MAX_URLS);
  });

  it('splits one URL past it into an index of two parts, every URL in exactly one of them', () => {
    const open = roles(SITEMAP_MAX_URLS);
    const files = sitemapFiles(open, open, googleContext(config));
    expect(files.map((f) => f.path)).toEqual(['sitemap.xml', 'sitemaps/sitemap-1.xml', 'sitemaps/sitemap-2.xml']);
    const index = read(text(files[0]!.body));
    expect(index.root).toBe('sitemapindex');
    expect(index.items.map((i) => i.loc)).toEqual(['http://localhost:3000/sitemaps/sitemap-1.xml', 'http://localhost:3000/sitemaps/sitemap-2.xml']);
    const parts = files.slice(1).map((f) => read(text(f.body)));
    for (const p of parts) {
      expect(p.root).toBe('urlset');
      expect(p.items.length).toBeLessThanOrEqual(SITEMAP_MAX_URLS);
    }
    const locs = parts.flatMap((p) => p.items.map((i) => i.loc));
    expect(locs).toHaveLength(SITEMAP_MAX_URLS + 1);
    expect(new Set(locs).size).toBe(locs.length);
    expect(locs[0]).toBe('http://localhost:3000/jobs/');
    expect(locs).toContain(`http://localhost:3000/jobs/role-${SITEMAP_MAX_URLS - 1}/`);
    // Each part's lastmod in the index is the newest lastmod among its URLs.
    parts.forEach((p, i) =>
      expect(index.items[i]!.lastmod).toBe(
        p.items
          .map((u) => u.lastmod!)
          .sort()
          .at(-1),
      ),
    );
  });
});
