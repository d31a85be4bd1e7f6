/**
 * Paged RSS and JSON Feed (RFC 5005 §3; docs/channels.md "rss and json-feed"). Up to FEED_PAGE_MAX
 * open roles a feed is the one document it always was, byte for byte; past it, pages. Read back with
 * saxes and JSON.parse and walked by their `next` links from the subscription document: every role
 * exactly once, newest first, no page over the limit, and first/previous/last/self consistent.
 */
import { createHash } from 'node:crypto';
import type { PostingEntry } from '../src/adapter';
import * as description from '../src/compose/description';
import { renderContext } from '../src/pipeline/context';
import { siteLinks, type Project } from '../src/project';
import { lastChange, listedEntries } from '../src/xml/feed';
import { endsPage, FEED_PAGE_MAX } from '../src/xml/feed-pages';
import { adapterNamed, bodyText, entryOf, kid, kids, mustParse, shippedProject, textOf, validPosting, withSite, NOW, type XNode } from './feeds-support';
import { dayBefore, feedFiles, manyRoles, rawPosting } from './feeds-paging-support';

const BASE = 'http://localhost:3000/';
const HUBS = ['https://hub.example.com/?a=1&b=2', 'https://pubsubhubbub.appspot.com/'];

/**
 * sha256 of feeds/jobs.rss and feeds/jobs.json for manyRoles(1000) with one hub (ONE_HUB), as the one-document
 * code made them before paging (commit cd6490d, compared there byte for byte). Like a golden file:
 * change it only for a reviewed change of the feeds' bytes.
 */
const ONE_DOCUMENT_SHA256 = {
  rss: '39c2a5645802e0331a67f5beacfd1e63b29daf83fd22b7a81aa664744a0d0f28',
  'json-feed': '0f03740f7af34444b725cf3042743ceb043937e607dc581747b9874d276a2e70',
};

const ONE_HUB = ['https://hub.example.com/?a=1&b=2'];

const withHubs = async (hubs: string[]) => withSite(await shippedProject(), (s) => ({ ...s, notify: { ...s.notify, websub: { hubs } } }));

let project: Project;
beforeAll(async () => {
  project = await withHubs(HUBS);
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const channelOf = (xml: string): XNode => kid(mustParse(xml), 'channel')!;
const linksOf = (channel: XNode, rel: string): string[] =>
  kids(channel, 'atom:link')
    .filter((l) => l.attributes.rel === rel)
    .map((l) => l.attributes.href!);

describe('one document up to the limit', () => {
  it.each(['rss', 'json-feed'] as const)('%s: 1000 open roles are one document, byte for byte what the unpaged code made', async (channel) => {
    // Apply links as the unpaged code wrote them (tracked, without the counting redirect).
    const oneHub = withSite(await withHubs(ONE_HUB), (s) => ({ ...s, tracking: { ...s.tracking, redirect: false } }));
    const files = await feedFiles(oneHub, channel, manyRoles(oneHub, FEED_PAGE_MAX));
    expect([...files.keys()]).toEqual([channel === 'rss' ? 'feeds/jobs.rss' : 'feeds/jobs.json']);
    expect(sha256([...files.values()][0]!)).toBe(ONE_DOCUMENT_SHA256[channel]);
  });

  it('1000 roles get no paging link; 1001 are paged, the subscription document linking the next page', async () => {
    const one = channelOf((await feedFiles(project, 'rss', manyRoles(project, FEED_PAGE_MAX))).get('feeds/jobs.rss')!);
    expect(kids(one, 'atom:link').map((l) => l.attributes.rel)).toEqual(['self', 'hub', 'hub']);
    const rss = await feedFiles(project, 'rss', manyRoles(project, FEED_PAGE_MAX + 1));
    const json = await feedFiles(project, 'json-feed', manyRoles(project, FEED_PAGE_MAX + 1));
    expect(rss.size).toBeGreaterThan(1);
    expect(json.size).toBe(rss.size);
    expect(linksOf(channelOf(rss.get('feeds/jobs.rss')!), 'next')).toHaveLength(1);
    expect(JSON.parse(json.get('feeds/jobs.json')!)).toHaveProperty('next_url');
  });
});

interface Page {
  url: string;
  ids: string[];
  text: string;
}

/** Follow `next` from `start`; fails on a link to a page that was not made, or on a loop. */
function walk(files: Map<string, string>, start: string, parse: (text: string) => { ids: string[]; next: string | undefined }): Page[] {
  const pages: Page[] = [];
  for (let url: string | undefined = start; url !== undefined;) {
    expect(url.startsWith(BASE)).toBe(true);
    const text = files.get(url.slice(BASE.length));
    expect({ url, made: text !== undefined }).toEqual({ url, made: true });
    expect(pages.map((p) => p.url)).not.toContain(url);
    const { ids, next } = parse(text!);
    pages.push({ url, ids, text: text! });
    url = next;
  }
  return pages;
}

const rssPage = (text: string) => {
  const channel = channelOf(text);
  return { ids: kids(channel, 'item').map((i) => textOf(i, 'job:id')!), next: linksOf(channel, 'next')[0] };
};
const jsonPage = (text: string) => {
  const feed = JSON.parse(text) as { next_url?: string; items: { _job: { id: string } }[] };
  return { ids: feed.items.map((i) => i._job.id), next: feed.next_url };
};

describe('a paged feed of 5000 roles, walked from the subscription document', () => {
  let entries: PostingEntry[];
  let rss: Map<string, string>;
  let json: Map<string, string>;
  let rssPages: Page[];
  const closedAt = new Date(NOW.getTime() - 3600_000);
  beforeAll(async () => {
    const closed = validPosting(project, { ...rawPosting(dayBefore(3)), status: 'closed' });
    entries = [...manyRoles(project, 5000), entryOf('closed-role', closed, project.config, NOW, closedAt)];
    rss = await feedFiles(project, 'rss', entries);
    json = await feedFiles(project, 'json-feed', entries);
    rssPages = walk(rss, `${BASE}feeds/jobs.rss`, rssPage);
  });

  it('lists every open role exactly once across the pages, newest first, and reaches every page made', () => {
    expect(rssPages.length).toBe(rss.size);
    expect(rssPages.flatMap((p) => p.ids)).toEqual(listedEntries(entries).map((e) => e.id));
  });

  it('cuts after a boundary id or at the limit, and names each later page by its first role', () => {
    for (const [i, p] of rssPages.entries()) {
      expect(p.ids.length).toBeGreaterThan(0);
      expect(p.ids.length).toBeLessThanOrEqual(FEED_PAGE_MAX);
      if (i < rssPages.length - 1) expect(endsPage(p.ids.at(-1)!) || p.ids.length === FEED_PAGE_MAX).toBe(true);
      expect(p.url).toBe(i === 0 ? `${BASE}feeds/jobs.rss` : `${BASE}feeds/jobs/${p.ids[0]}.rss`);
    }
    // The data hold both kinds of cut, so both are tested.
    expect(rssPages.some((p) => p.ids.length === FEED_PAGE_MAX)).toBe(true);
    expect(rssPages.some((p, i) => i < rssPages.length - 1 && p.ids.length < FEED_PAGE_MAX)).toBe(true);
  });

  it('links each page to itself, the first, the last and the previous page; hubs only on the subscription document', () => {
    const urls = rssPages.map((p) => p.url);
    for (const [i, p] of rssPages.entries()) {
      const channel = channelOf(p.text);
      expect(linksOf(channel, 'self')).toEqual([p.url]);
      expect(linksOf(channel, 'first')).toEqual([urls[0]]);
      expect(linksOf(channel, 'last')).toEqual([urls.at(-1)]);
      expect(linksOf(channel, 'previous')).toEqual(i === 0 ? [] : [urls[i - 1]]);
      expect(linksOf(channel, 'next')).toEqual(i === urls.length - 1 ? [] : [urls[i + 1]]);
      expect(linksOf(channel, 'hub')).toEqual(i === 0 ? HUBS : []);
    }
  });

  it('dates the subscription document by the whole feed (a close included), a later page by its own roles', () => {
    const byId = new Map(entries.map((e) => [e.id, e]));
    expect(lastChange(entries)).toEqual(closedAt);
    for (const [i, p] of rssPages.entries()) {
      const expected = i === 0 ? closedAt : lastChange(p.ids.map((id) => byId.get(id)!))!;
      expect(textOf(channelOf(p.text), 'lastBuildDate')).toBe(expected.toUTCString());
    }
  });

  it('pages the JSON Feed the same way: its next_url chain is the RSS chain, feed_url each page, hubs on the first', () => {
    const pages = walk(json, `${BASE}feeds/jobs.json`, jsonPage);
    expect(pages.length).toBe(json.size);
    expect(pages.map((p) => p.url)).toEqual(rssPages.map((p) => p.url.replace(/\.rss$/, '.json')));
    expect(pages.map((p) => p.ids)).toEqual(rssPages.map((p) => p.ids));
    for (const [i, p] of pages.entries()) {
      const feed = JSON.parse(p.text) as { feed_url: string; next_url?: string; hubs?: unknown[] };
      expect(feed.feed_url).toBe(p.url);
      expect(feed.next_url).toBe(pages[i + 1]?.url);
      expect(feed.hubs?.length).toBe(i === 0 ? HUBS.length : undefined);
    }
  });

  it('makes a page only when its body is read, so a page carried over costs no rendering', async () => {
    const made = jest.spyOn(description, 'descriptionHtml');
    try {
      const adapter = adapterNamed('rss');
      const { artifacts } = adapter.render!(entries, renderContext(adapter, project.config, NOW, siteLinks(project)));
      expect(artifacts.length).toBe(rssPages.length);
      expect(made).not.toHaveBeenCalled();
      expect(await bodyText(artifacts[1]!.body)).toBe(rssPages[1]!.text);
      expect(made).toHaveBeenCalledTimes(rssPages[1]!.ids.length);
      expect(artifacts[1]!.madeOf?.postings).toEqual(rssPages[1]!.ids);
    } finally {
      made.mockRestore();
    }
  });
});
