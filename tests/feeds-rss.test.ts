/**
 * The RSS channel wraps the unmaintained `rss` package. These tests show each of
 * its two flaws on the raw package, then that the channel's output does not have it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import RSS from 'rss';
import Parser from 'rss-parser';
import fc from 'fast-check';
import { elementSpan, readXmlRoot, withoutIndentation } from '../src/xml/read';
import { el, serializeDocument, type XmlElement, type XmlNode } from '../src/xml/writer';
import { JOB_NAMESPACE, withLastBuildDate } from '../adapters/rss';
import { buildProject } from '../src/pipeline/build';
import {
  entryOf,
  FEED_CHANNELS,
  FEED_PATHS,
  kid,
  kids,
  mustParse,
  NOW,
  parseXml,
  runChannel,
  shippedProject,
  textOf,
  validPosting,
  withSite,
} from './feeds-support';
import { MINIMAL_POSTING, SHIPPED_POSTING_TEXT, tempProject } from './helpers/project';

const SEED = 'ml-infrastructure-engineer';

const channelOf = (xml: string) => kid(mustParse(xml), 'channel')!;

describe('deterministic output', () => {
  it('the raw rss package stamps the wall clock into lastBuildDate', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const xml = new RSS({ title: 't', feed_url: 'https://x.example/f', site_url: 'https://x.example/' }).xml();
    const stamped = Date.parse(textOf(channelOf(xml), 'lastBuildDate')!);
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });

  it('rebuilding later with unchanged postings gives identical bytes in every feed', async () => {
    const project = tempProject({ [`${SEED}.yaml`]: SHIPPED_POSTING_TEXT, 'backend-engineer.yaml': MINIMAL_POSTING });
    const fresh = tempProject({ [`${SEED}.yaml`]: SHIPPED_POSTING_TEXT, 'backend-engineer.yaml': MINIMAL_POSTING });
    try {
      const read = (p: typeof project) => FEED_CHANNELS.map((c) => readFileSync(path.join(p.outDir, FEED_PATHS[c]), 'utf8'));
      await buildProject(await project.open(), { now: NOW });
      const first = read(project);
      await buildProject(await project.open(), { now: new Date('2026-12-03T17:45:12Z') });
      expect(read(project)).toEqual(first);
      // A first build on another machine, on another day, agrees too.
      await buildProject(await fresh.open(), { now: new Date('2026-12-01T09:00:00Z') });
      expect(read(fresh)).toEqual(first);
      expect(textOf(channelOf(first[0]!), 'lastBuildDate')).toBe('Sat, 28 Nov 2026 00:00:00 GMT');
    } finally {
      project.cleanup();
      fresh.cleanup();
    }
  });

  it('dates the feed by its latest change, closures included, but lists only open roles', async () => {
    const project = await shippedProject();
    const site = project.config;
    const open = validPosting(project, { ...baseRaw(), title: 'Open Role' });
    const closed = validPosting(project, { ...baseRaw(), title: 'Closed Role', status: 'closed' });
    const closedAt = new Date('2026-11-27T15:30:00Z');
    const run = await runChannel(project, 'rss', [entryOf('open-role', open, site), entryOf('closed-role', closed, site, NOW, closedAt)]);
    const channel = channelOf(run.text);
    expect(kids(channel, 'item').map((i) => textOf(i, 'job:id'))).toEqual(['open-role']);
    expect(textOf(channel, 'lastBuildDate')).toBe(closedAt.toUTCString());
  });

  it('an empty feed has no invented date and still reads as RSS 2.0', async () => {
    const run = await runChannel(await shippedProject(), 'rss', []);
    expect(kid(channelOf(run.text), 'lastBuildDate')).toBeUndefined();
    const feed = await new Parser().parseString(run.text);
    expect(feed.items).toEqual([]);
    expect(feed.title).toBe('Example Corp jobs');
  });

  it('replaces the real lastBuildDate even when a title contains that markup', () => {
    const xml = new RSS({ title: '<lastBuildDate>nope</lastBuildDate>', feed_url: 'https://x.example/f', site_url: 'https://x.example/' }).xml();
    const fixed = withLastBuildDate(xml, NOW);
    const channel = channelOf(fixed);
    expect(textOf(channel, 'title')).toBe('<lastBuildDate>nope</lastBuildDate>');
    expect(textOf(channel, 'lastBuildDate')).toBe(NOW.toUTCString());
  });
});

describe('lastBuildDate spliced into the rss output', () => {
  // What the channel did before: read the whole output back and write every node again. The splice
  // must give the same bytes, so no feed changes (nor its ETag) by the faster way of dating it.
  const rewritten = (xml: string, at: Date | undefined): string => {
    const style = { quotesInText: true, rootOnDeclarationLine: true };
    const isDate = (n: XmlNode) => n.kind === 'element' && n.name === 'lastBuildDate';
    const root = withoutIndentation(readXmlRoot(xml));
    const channel = root.children.find((n): n is XmlElement => n.kind === 'element' && n.name === 'channel')!;
    const dated = { ...channel, children: channel.children.flatMap((c) => (isDate(c) ? (at ? [el('lastBuildDate', at.toUTCString())] : []) : [c])) };
    return serializeDocument({ ...root, children: root.children.map((c) => (c === channel ? dated : c)) }, '  ', style);
  };
  const text = fc.string({ unit: fc.constantFrom('a', ' ', '<', '>', '&', '"', "'", ']]>', '<lastBuildDate>', '</channel>', '\n', 'é', '😀'), maxLength: 30 });

  it('gives the bytes a parse and rewrite of the whole document gives', () => {
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(fc.tuple(text, text), { maxLength: 4 }),
        fc.option(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })),
        (title, description, items, at) => {
          const feed = new RSS({ title: title || 'x', description, feed_url: 'https://x.example/f', site_url: 'https://x.example/', generator: 'jobcast' });
          for (const [t, d] of items) feed.item({ title: t, description: d, url: 'https://x.example/j', date: NOW });
          const xml = feed.xml({ indent: '  ' });
          expect(withLastBuildDate(xml, at ?? undefined)).toBe(rewritten(xml, at ?? undefined));
        },
      ),
    );
  });

  it('finds the element only where the parser does', () => {
    const doc = '<a><!-- <b></b> --><c><![CDATA[<b></b>]]></c>\n  <b/></a>';
    const start = doc.lastIndexOf('<b/>');
    expect(elementSpan(doc, ['a', 'b'])).toEqual({ start, end: start + 4, indented: start - 3 });
    expect(elementSpan('<a><c><b>x</b></c></a>', ['a', 'b'])).toBeUndefined();
    expect(() => withLastBuildDate('<rss><channel></channel></rss>', NOW)).toThrow('no channel lastBuildDate');
  });
});

function baseRaw() {
  return {
    title: 'Backend Engineer',
    status: 'open',
    datePosted: '2026-11-01',
    employmentType: ['FULL_TIME'],
    workplace: 'onsite',
    locations: [{ locality: 'Berlin', postalCode: '10115', country: 'DE' }],
    summary: 'We build the backend of a job syndication service and need one more engineer who likes correctness.',
    apply: { url: 'https://careers.example.com/jobs/backend-engineer/apply' },
  };
}

describe('characters XML cannot carry', () => {
  const nasty = 'ML \u0008Infrastructure\uFFFE Engineer \uD800]]>';

  it('break the raw rss package', () => {
    const feed = new RSS({ title: 'Jobs', feed_url: 'https://x.example/f', site_url: 'https://x.example/' });
    feed.item({ title: nasty, description: '<p>x\u0001</p>', url: 'https://x.example/j', date: NOW });
    const parsed = parseXml(feed.xml());
    expect(parsed.errors.length).toBeGreaterThan(0);
  });

  it('are stripped before rss sees them, end to end from a posting file', async () => {
    // YAML double-quoted escapes put the raw control characters into the model, as a paste would.
    const posting = SHIPPED_POSTING_TEXT.replace('title: ML Infrastructure Engineer', 'title: "ML \\bInfrastructure\\uFFFE Engineer \\x01]]>"');
    expect(posting).not.toBe(SHIPPED_POSTING_TEXT);
    const project = tempProject({ [`${SEED}.yaml`]: posting });
    try {
      await buildProject(await project.open(), { now: NOW });
      const xml = readFileSync(path.join(project.outDir, 'feeds/jobs.rss'), 'utf8');
      const item = kids(channelOf(xml), 'item')[0]!;
      expect(textOf(item, 'title')).toBe('ML Infrastructure Engineer ]]>');
      const feed = await new Parser().parseString(xml);
      expect(feed.items[0]!.title).toBe('ML Infrastructure Engineer ]]>');
    } finally {
      project.cleanup();
    }
  });
});

describe('channel and items', () => {
  it('links itself (rel=self) and each configured WebSub hub (rel=hub)', async () => {
    const hubs = ['https://pubsubhubbub.appspot.com/', 'https://hub.example.com/ping?a=1&b=2'];
    const project = withSite(await shippedProject(), (s) => ({ ...s, notify: { ...s.notify, websub: { hubs } } }));
    const run = await runChannel(project, 'rss', []);
    const links = kids(channelOf(run.text), 'atom:link');
    expect(links.every((l) => l.uri === 'http://www.w3.org/2005/Atom')).toBe(true);
    expect(links.filter((l) => l.attributes.rel === 'self').map((l) => l.attributes.href)).toEqual(['http://localhost:3000/feeds/jobs.rss']);
    expect(links.filter((l) => l.attributes.rel === 'hub').map((l) => l.attributes.href)).toEqual(hubs);
  });

  it('carries link, permalink guid, pubDate, categories and the job:* fields of each role', async () => {
    const project = await shippedProject();
    const p = validPosting(project, {
      ...baseRaw(),
      workplace: 'hybrid',
      department: 'Engineering',
      industry: 'Software',
      validThrough: '2027-02-28',
      employmentType: ['FULL_TIME', 'CONTRACTOR'],
      locations: [
        { locality: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US', street: '1 Market St' },
        { locality: 'Austin', region: 'TX', country: 'US' },
      ],
      salary: { currency: 'USD', min: 185000, max: 245000, unit: 'YEAR' },
    });
    const run = await runChannel(project, 'rss', [entryOf('backend-engineer', p, project.config)]);
    const item = kids(channelOf(run.text), 'item')[0]!;
    expect(textOf(item, 'link')).toBe('http://localhost:3000/jobs/backend-engineer/');
    expect(kid(item, 'guid')).toMatchObject({ text: 'http://localhost:3000/jobs/backend-engineer/', attributes: { isPermaLink: 'true' } });
    expect(textOf(item, 'pubDate')).toBe('Sun, 01 Nov 2026 00:00:00 GMT');
    expect(kids(item, 'category').map((c) => c.text)).toEqual(['Engineering', 'Software']);
    const job = item.children.filter((c) => c.uri === JOB_NAMESPACE);
    expect(textOf(item, 'job:workplace')).toBe('hybrid');
    expect(kids(item, 'job:employmentType').map((e) => e.text)).toEqual(['FULL_TIME', 'CONTRACTOR']);
    expect(
      kids(item, 'job:location').map((l) => [
        textOf(l, 'job:locality'),
        textOf(l, 'job:region'),
        textOf(l, 'job:postalCode'),
        textOf(l, 'job:country'),
        textOf(l, 'job:streetAddress'),
      ]),
    ).toEqual([
      ['San Francisco', 'CA', '94105', 'US', '1 Market St'],
      ['Austin', 'TX', undefined, 'US', undefined],
    ]);
    expect(kid(item, 'job:salary')).toMatchObject({
      text: '$185,000 - $245,000 per year',
      attributes: { currency: 'USD', minValue: '185000', maxValue: '245000', unitText: 'YEAR' },
    });
    expect(textOf(item, 'job:validThrough')).toBe('2027-02-28T23:59:59+00:00');
    expect(textOf(item, 'job:applyUrl')).toBe('http://localhost:3000/apply/backend-engineer/rss');
    expect(job.map((c) => c.name)).toEqual([
      'job:id',
      'job:workplace',
      'job:location',
      'job:location',
      'job:employmentType',
      'job:employmentType',
      'job:salary',
      'job:validThrough',
      'job:applyUrl',
    ]);
  });
});
