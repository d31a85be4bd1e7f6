/**
 * Every feed, for generated postings full of hostile text (`]]>` several times, `</script>`, `&`,
 * quotes, control characters, lone surrogates, U+FFFE, emoji, RTL marks), is well-formed to a strict
 * parser nobody here wrote, and reads back the original text (less the code points XML cannot carry,
 * and with line breaks as LF, which is what any XML parser reports).
 */
import fc from 'fast-check';
import Parser from 'rss-parser';
import { jobPlaces, referenceNumbers } from '../adapters/shared/indeed-shape';
import { ADZUNA_COUNTRIES } from '../adapters/adzuna';
import { paragraphsOf, sectionsOf } from '../src/compose/description';
import { countryName } from '../src/model/iso-codes';
import { salaryText } from '../src/compose/facts';
import type { Posting, Salary } from '../src/model/posting';
import type { Project } from '../src/project';
import { feedText } from '../src/xml/escape';
import {
  entryOf,
  hostileLine,
  hostilePosting,
  htmlBlocks,
  kid,
  kids,
  mustParse,
  runChannel,
  shippedProject,
  textOf,
  validPosting,
  withSite,
  type ChannelRun,
  type XNode,
} from './feeds-support';

const RUNS = { numRuns: 100 };

/** The pay at each place, worked out here from the fields: own salary, else the role-wide one. */
function placePay(p: Posting): { label: string; salary: Salary | undefined }[] {
  if (p.workplace === 'remote') return p.applicantLocations!.map((c) => ({ label: countryName(c), salary: p.salaryByCountry?.[c] ?? p.salary }));
  return p.locations!.map((l) => ({ label: [l.locality, l.region, countryName(l.country)].filter(Boolean).join(', '), salary: l.salary ?? p.salary }));
}

/** "Pay by location" and one line per paid place, when the places are not all paid the same. */
function payBlocks(p: Posting): string[] {
  const pay = placePay(p);
  const key = (s: Salary | undefined) => JSON.stringify(s && [s.currency, s.min, s.max, s.value, s.unit]);
  if (pay.every((x) => key(x.salary) === key(pay[0]!.salary))) return [];
  const heading = p.workplace === 'remote' ? 'Pay by country' : 'Pay by location';
  return [heading, ...pay.filter((x) => x.salary).map((x) => feedText(`${x.label}: ${salaryText(x.salary!)}`))];
}

/** The text of every paragraph, heading and bullet, as a reader of the description must see it. */
const expectedBlocks = (p: Posting): string[] => [
  ...paragraphsOf(p.summary).map(feedText),
  ...payBlocks(p),
  ...sectionsOf(p).flatMap((s) => [s.heading, ...s.items.map(feedText)]),
];
const nonEmpty = (xs: (string | undefined)[]): string[] =>
  xs
    .filter((x): x is string => x !== undefined)
    .map(feedText)
    .filter(Boolean);

interface Case {
  project: Project;
  postings: Posting[];
  org: string;
}

const caseArb = fc.record({
  raws: fc.array(hostilePosting, { minLength: 1, maxLength: 4 }),
  org: hostileLine('Org'),
  hub: fc.boolean(),
});

let base: Project;
beforeAll(async () => {
  base = await shippedProject();
});

function makeCase(raws: unknown[], org: string, hub: boolean): Case {
  const project = withSite(base, (site) => ({
    ...site,
    organization: { ...site.organization, name: org },
    notify: { ...site.notify, websub: { hubs: hub ? ['https://hub.example.com/?a=1&b=2', 'https://pubsubhubbub.appspot.com/'] : [] } },
  }));
  return { project, postings: raws.map((r) => validPosting(project, r)), org };
}

/** Postings generated and listed per channel, so a test cannot pass by listing nothing. */
const seen: Record<string, { total: number; listed: number }> = {};

async function runAll(c: Case, channel: string): Promise<{ run: ChannelRun; byId: Map<string, Posting> }> {
  const entries = c.postings.map((p, i) => entryOf(`job-${i}`, p, c.project.config));
  const run = await runChannel(c.project, channel, entries);
  const s = (seen[channel] ??= { total: 0, listed: 0 });
  s.total += entries.length;
  s.listed += run.listed.length;
  // Every posting is either listed or dropped with an error that says why; nothing vanishes.
  expect([...run.listed, ...run.dropped].sort()).toEqual(entries.map((e) => e.id).sort());
  for (const id of run.dropped) expect(run.diagnostics.some((d) => d.posting === id && d.severity === 'error')).toBe(true);
  return { run, byId: new Map(entries.map((e) => [e.id, e.posting])) };
}

function expectXmlDeclaration(text: string): void {
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
}

afterAll(() => {
  // Only Adzuna's country list and Indeed's US-state rule may drop a generated posting, so most are
  // listed everywhere; this keeps the read-back assertions above from passing vacuously.
  for (const [channel, s] of Object.entries(seen)) expect({ channel, share: s.listed / s.total > 0.5 }).toEqual({ channel, share: true });
});

describe('every feed survives hostile text', () => {
  it('rss: well-formed, RSS 2.0 to rss-parser, and every item reads back', async () => {
    const parser = new Parser();
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ raws, org, hub }) => {
        const c = makeCase(raws, org, hub);
        const { run, byId } = await runAll(c, 'rss');
        expectXmlDeclaration(run.text);
        const root = mustParse(run.text);
        expect(root.name).toBe('rss');
        expect(root.attributes.version).toBe('2.0');
        const channel = kid(root, 'channel')!;
        expect(textOf(channel, 'title')).toBe(feedText(`${org} jobs`));
        const hubs = kids(channel, 'atom:link')
          .filter((l) => l.attributes.rel === 'hub')
          .map((l) => l.attributes.href);
        expect(hubs).toEqual(hub ? ['https://hub.example.com/?a=1&b=2', 'https://pubsubhubbub.appspot.com/'] : []);
        const items = kids(channel, 'item');
        expect(items.map((i) => textOf(i, 'job:id'))).toEqual(expect.arrayContaining(run.listed));
        expect(items).toHaveLength(run.listed.length);
        for (const item of items) {
          const p = byId.get(textOf(item, 'job:id')!)!;
          expect(textOf(item, 'title')).toBe(feedText(p.title));
          expect(htmlBlocks(textOf(item, 'description')!)).toEqual(expectedBlocks(p));
          expect(kids(item, 'category').map((x) => x.text)).toEqual(nonEmpty([p.department, p.industry]));
          const locs = kids(item, 'job:location');
          expect(locs.map((l) => textOf(l, 'job:locality'))).toEqual((p.locations ?? []).map((l) => feedText(l.locality)));
          expect(locs.map((l) => textOf(l, 'job:streetAddress'))).toEqual(
            (p.locations ?? []).map((l) => (l.street ? feedText(l.street) || undefined : undefined)),
          );
          expect(kid(item, 'job:workplace')!.uri).toBe('https://jobcast.dev/ns/job');
        }
        const feed = await parser.parseString(run.text);
        expect(feed.items).toHaveLength(run.listed.length);
        for (const [i, item] of feed.items.entries()) {
          expect(item.title).toBe(textOf(items[i]!, 'title'));
          expect(item.guid).toBe(textOf(items[i]!, 'link'));
        }
      }),
      RUNS,
    );
  });

  it('json-feed: valid JSON and every item reads back', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ raws, org, hub }) => {
        const c = makeCase(raws, org, hub);
        const { run, byId } = await runAll(c, 'json-feed');
        const feed = JSON.parse(run.text) as {
          version: string;
          authors: { name: string }[];
          items: { title: string; content_html: string; tags?: string[]; _job: { id: string; skills?: string[] } }[];
        };
        expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
        expect(feed.authors[0]!.name).toBe(feedText(org));
        expect(feed.items.map((i) => i._job.id).sort()).toEqual([...run.listed].sort());
        for (const item of feed.items) {
          const p = byId.get(item._job.id)!;
          expect(item.title).toBe(feedText(p.title));
          expect(htmlBlocks(item.content_html)).toEqual(expectedBlocks(p));
          expect(item.tags ?? []).toEqual(nonEmpty([p.department, p.industry]));
          expect(item._job.skills).toEqual(p.skills?.map(feedText));
        }
      }),
      RUNS,
    );
  });

  it('linkedin: well-formed and every job reads back', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ raws, org, hub }) => {
        const c = makeCase(raws, org, hub);
        const { run, byId } = await runAll(c, 'linkedin');
        expectXmlDeclaration(run.text);
        const root = mustParse(run.text);
        expect(root.name).toBe('source');
        expect(textOf(root, 'publisher')).toBe(feedText(org));
        const jobs = kids(root, 'job');
        expect(textOf(root, 'expectedJobCount')).toBe(String(jobs.length));
        expect(jobs.map((j) => textOf(j, 'partnerJobId')).sort()).toEqual([...run.listed].sort());
        for (const job of jobs) {
          const p = byId.get(textOf(job, 'partnerJobId')!)!;
          expect(textOf(job, 'title')).toBe(feedText(p.title));
          expect(textOf(job, 'company')).toBe(feedText(org));
          expect(htmlBlocks(textOf(job, 'description')!)).toEqual(expectedBlocks(p));
          // Only LinkedIn's mandatory location string: a city for every role, remote ones included.
          const office = p.locations?.[0];
          const remoteAt = (c.project.config.channels.linkedin as { remoteLocation?: string } | undefined)?.remoteLocation;
          const expected = office
            ? `${feedText(office.locality)}, ${office.country === 'US' && office.region ? feedText(office.region) : countryName(office.country)}`
            : (remoteAt ?? countryName(p.applicantLocations![0]!));
          expect(textOf(job, 'location')).toBe(expected);
          for (const part of ['city', 'state', 'country', 'postalCode']) expect(textOf(job, part)).toBeUndefined();
          expect(kids(kid(job, 'skills') ?? job, 'skill').map((s) => s.text)).toEqual((p.skills ?? []).map(feedText));
        }
      }),
      RUNS,
    );
  });

  for (const channel of ['indeed', 'ziprecruiter'] as const) {
    it(`${channel}: well-formed, one job per location, and every job reads back`, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async ({ raws, org, hub }) => {
          const c = makeCase(raws, org, hub);
          const { run, byId } = await runAll(c, channel);
          expectXmlDeclaration(run.text);
          const root = mustParse(run.text);
          expect(root.name).toBe('source');
          const jobs = new Map<string, XNode>();
          for (const j of kids(root, 'job')) {
            expect(jobs.has(textOf(j, 'referencenumber')!)).toBe(false);
            jobs.set(textOf(j, 'referencenumber')!, j);
          }
          let expected = 0;
          for (const id of run.listed) {
            const p = byId.get(id)!;
            const { places } = jobPlaces(p);
            const refs = referenceNumbers(id, places);
            expected += places.length;
            places.forEach((place, i) => {
              const job = jobs.get(refs[i]!)!;
              expect(job).toBeDefined();
              expect(textOf(job, 'title')).toBe(feedText(p.title));
              expect(textOf(job, 'requisitionid')).toBe(feedText(p.reference ?? id));
              expect(textOf(job, 'company')).toBe(feedText(org));
              expect(textOf(job, 'country')).toBe(place.country);
              expect(htmlBlocks(textOf(job, 'description')!)).toEqual(expectedBlocks(p));
              // Each job carries its own place's pay.
              const pay = placePay(p)[Number(place.field.split('.')[1])]!.salary;
              expect(textOf(job, 'salary')).toBe(pay && salaryText(pay));
              if (p.workplace === 'remote') {
                if (channel === 'indeed') {
                  expect([textOf(job, 'city'), textOf(job, 'state'), textOf(job, 'postalcode')]).toEqual(['Remote', '', '']);
                } else {
                  expect([kid(job, 'city'), kid(job, 'state')]).toEqual([undefined, undefined]);
                }
              } else {
                const l = p.locations![Number(place.field.split('.')[1])]!;
                const cityShown = channel === 'indeed' || l.region !== undefined;
                expect(textOf(job, 'city')).toBe(cityShown ? feedText(l.locality) : undefined);
                expect(textOf(job, 'state')).toBe(l.region !== undefined ? feedText(l.region) : channel === 'indeed' ? '' : undefined);
                expect(textOf(job, 'streetaddress')).toBe(l.street === undefined ? undefined : feedText(l.street));
                expect(textOf(job, 'postalcode')).toBe(l.postalCode);
              }
            });
          }
          expect(jobs.size).toBe(expected);
        }),
        RUNS,
      );
    });
  }

  it('adzuna: well-formed, supported countries only, and every job reads back', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ raws, org, hub }) => {
        const c = makeCase(raws, org, hub);
        const { run, byId } = await runAll(c, 'adzuna');
        expectXmlDeclaration(run.text);
        const root = mustParse(run.text);
        expect(root.name).toBe('jobs');
        const jobs = new Map(kids(root, 'job').map((j) => [textOf(j, 'id')!, j]));
        // One job per place in a country Adzuna runs in, each with that place's pay; nothing else.
        let expected = 0;
        for (const id of run.listed) {
          const p = byId.get(id)!;
          const pay = placePay(p);
          const listed = jobPlaces(p).places.filter((pl) => pl.country in ADZUNA_COUNTRIES);
          const refs = referenceNumbers(id, listed);
          expected += listed.length;
          listed.forEach((place, i) => {
            const job = jobs.get(refs[i]!)!;
            expect(job).toBeDefined();
            expect(textOf(job, 'title')).toBe(feedText(p.title));
            expect(textOf(job, 'company')).toBe(feedText(org));
            expect(htmlBlocks(textOf(job, 'description')!)).toEqual(expectedBlocks(p));
            expect(textOf(job, 'country')).toBe(ADZUNA_COUNTRIES[place.country]);
            const index = Number(place.field.split('.')[1]);
            expect(textOf(job, 'location')).toBe(p.workplace === 'remote' ? countryName(place.country) : feedText(p.locations![index]!.locality));
            const s = pay[index]!.salary;
            expect(textOf(job, 'salary')).toBe(s && salaryText(s));
          });
        }
        expect(jobs.size).toBe(expected);
        // Dropped only for Adzuna's country list (the titles and descriptions here are all acceptable).
        for (const id of run.dropped) {
          const p = byId.get(id)!;
          const countries = p.workplace === 'remote' ? p.applicantLocations! : p.locations!.map((l) => l.country);
          expect(countries.some((x) => x in ADZUNA_COUNTRIES)).toBe(false);
        }
      }),
      RUNS,
    );
  });
});
