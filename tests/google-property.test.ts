/**
 * Whatever a recruiter types into any text field, the job page stays one well-formed document with
 * exactly one JSON-LD script that parses back to the object we built, and shows the text as typed.
 */
import { renderAll } from '../src/adapter';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { googleJobPosting } from '../adapters/google';
import { buildJobPosting } from '../adapters/google/json-ld';
import type { Artifact, PostingEntry } from '../src/adapter';
import { paragraphsOf, sectionsOf } from '../src/compose/description';
import type { SiteConfig } from '../src/model/config';
import { postingFields, type Posting } from '../src/model/posting';
import {
  bodyOf,
  collapse,
  descriptionBlocks,
  elements,
  entryOf,
  googleContext,
  onlyJsonLd,
  pageDescriptionBlocks,
  parseHtml,
  shown,
  textOf,
  visibleText,
  isolatedConfig,
} from './google-support';

const HOSTILE = [
  '</script>',
  '</SCRIPT >',
  '<script>alert(1)</script>',
  '<!--',
  '<!-- <script>',
  '-->',
  ']]>',
  '<![CDATA[',
  '"',
  "'",
  '`',
  '=',
  '&',
  '&amp;',
  '&lt;',
  '<',
  '>',
  '\u2028',
  '\u2029',
  '\u0000',
  '\u0001\u0007\u001b',
  '\u007f\u0085\u009f',
  '\u000c',
  '\r\n',
  '\r',
  '\t',
  '😀',
  '👩‍💻',
  '\u202e',
  '\u200f',
  '\u2066',
  'مرحبا',
  'שלום',
  '\ud800',
  '\udfff',
  '\ufffe',
  '\uffff',
  '\ufeff',
  '{{ld}}',
  '{{{ld}}}',
  '${x}',
  '\\u003c',
  '\\',
  'javascript:alert(1)',
  '  ',
];

const piece = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 8 }));
const rawText = fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));

/** Fit arbitrary text to a field's model constraints (the model rejects, not escapes, these). */
function fit(s: string, max: number, singleLine: boolean): string {
  const t = (singleLine ? s.replace(/[\r\n]/g, ' ') : s).slice(0, max);
  return t.trim() ? t : `x${t}`.slice(0, max);
}
const line = (max: number) => rawText.map((s) => fit(s, max, true));
const block = (max: number) => rawText.map((s) => fit(s, max, false));
const list = fc.array(block(300), { minLength: 1, maxLength: 3 });

const location = fc.record({
  street: fc.option(line(200), { nil: undefined }),
  locality: line(100),
  region: fc.option(line(100), { nil: undefined }),
  postalCode: fc.option(line(20), { nil: undefined }),
  country: fc.constantFrom('US', 'DE', 'CA', 'FR'),
});

const rawPosting = fc.record({
  title: line(80),
  reference: fc.option(line(100), { nil: undefined }),
  department: fc.option(line(100), { nil: undefined }),
  industry: fc.option(line(100), { nil: undefined }),
  workplace: fc.constantFrom('onsite', 'hybrid', 'remote'),
  locations: fc.array(location, { minLength: 1, maxLength: 2 }),
  summary: block(2000),
  responsibilities: list,
  // A list, or one with its own heading and lead-in: the hostile text reaches those too.
  qualifications: fc.option(fc.oneof(list, fc.record({ heading: line(200), intro: line(2000), items: list })), { nil: undefined }),
  benefits: fc.option(fc.oneof(list, fc.record({ heading: line(200), items: list })), { nil: undefined }),
  skills: fc.option(fc.uniqueArray(line(100), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  salary: fc.boolean(),
  orgName: line(100),
});

type Raw = typeof rawPosting extends fc.Arbitrary<infer T> ? T : never;

function toPosting(r: Raw): Posting {
  const input = {
    title: r.title,
    status: 'open',
    datePosted: '2026-11-01',
    validThrough: '2027-02-28',
    employmentType: ['FULL_TIME', 'CONTRACTOR'],
    workplace: r.workplace,
    ...(r.workplace === 'remote' ? { applicantLocations: ['US', 'CA'] } : {}),
    locations: r.locations.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined))),
    ...(r.salary ? { salary: { currency: 'EUR', min: 50000.5, max: 70000, unit: 'YEAR' } } : {}),
    summary: r.summary,
    responsibilities: r.responsibilities,
    ...(r.qualifications ? { qualifications: r.qualifications } : {}),
    ...(r.benefits ? { benefits: r.benefits } : {}),
    ...(r.skills ? { skills: r.skills } : {}),
    ...(r.reference ? { reference: r.reference } : {}),
    ...(r.department ? { department: r.department } : {}),
    ...(r.industry ? { industry: r.industry } : {}),
    education: { credential: 'bachelor degree' },
    experience: { months: 24 },
    apply: { url: 'https://careers.example.com/apply?job=1&src=x', email: 'jobs@example.com', direct: true },
  };
  const parsed = postingFields.safeParse(input);
  if (!parsed.success) throw new Error(`generator produced an invalid posting: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

/** Every text the recruiter (or the site config) wrote, as the model holds it. */
function textsOf(p: Posting, orgName: string): string[] {
  return [
    p.title,
    orgName,
    ...paragraphsOf(p.summary),
    ...sectionsOf(p).flatMap((s) => [s.heading, ...(s.intro ? [s.intro] : []), ...s.items]),
    ...(p.skills ?? []),
    p.reference ?? '',
    p.department ?? '',
    p.industry ?? '',
    ...(p.locations ?? []).flatMap((l) => [l.street ?? '', l.locality, l.region ?? '', l.postalCode ?? '']),
  ].filter(Boolean);
}

let baseConfig: SiteConfig;
beforeAll(async () => {
  baseConfig = await isolatedConfig();
});

/** A body as text: a string, or the chunks of a synchronous one (the listing is assembled from one fragment per role). */
const bodyText = (a: Artifact | undefined): string => {
  const body = a?.body;
  if (typeof body === 'string') return body;
  if (!body || body instanceof Uint8Array || !(Symbol.iterator in body)) throw new Error(`artifact missing or not text: ${a?.path}`);
  return Buffer.concat([...body].map((c) => Buffer.from(c))).toString('utf8');
};

function wellFormedXml(xml: string): string[] {
  const locs: string[] = [];
  const parser = new SaxesParser();
  let inLoc = false;
  parser.on('opentag', (t) => (inLoc = t.name === 'loc'));
  parser.on('text', (t) => inLoc && locs.push(t));
  parser.on('closetag', () => (inLoc = false));
  parser.write(xml).close();
  return locs;
}

test('hostile text in every field: one ld+json script, exact round trip, text shown as typed', () => {
  fc.assert(
    fc.property(rawPosting, (raw) => {
      const posting = toPosting(raw);
      const config: SiteConfig = { ...baseConfig, organization: { ...baseConfig.organization, name: raw.orgName } };
      const ctx = googleContext(config);
      const open: PostingEntry = entryOf('hostile-role', posting);
      const closed: PostingEntry = entryOf('closed-role', { ...posting, status: 'closed' });
      const { artifacts } = renderAll(googleJobPosting, [closed, open], ctx);
      const byPath = new Map(artifacts.map((a) => [a.path, a]));

      const doc = parseHtml(bodyText(byPath.get('jobs/hostile-role/index.html')));
      const ldText = onlyJsonLd(doc);
      expect(ldText).not.toMatch(/[<>&\u2028\u2029]/);
      const built = buildJobPosting(open, ctx);
      expect(JSON.parse(ldText)).toEqual(built);
      expect(JSON.parse(bodyText(byPath.get('jobs/hostile-role/jobposting.json')))).toEqual(built);

      const visible = collapse(visibleText(bodyOf(doc)));
      for (const text of textsOf(posting, raw.orgName)) expect(visible).toContain(shown(text));
      expect(collapse(textOf(elements(doc, 'h1')[0]!))).toBe(shown(posting.title));
      expect(pageDescriptionBlocks(doc)).toEqual(descriptionBlocks(built.description));

      for (const page of ['jobs/closed-role/index.html', 'jobs/index.html']) {
        const other = parseHtml(bodyText(byPath.get(page)));
        expect(elements(other, 'script')).toHaveLength(0);
        expect(collapse(visibleText(bodyOf(other)))).toContain(shown(posting.title));
      }
      expect(wellFormedXml(bodyText(byPath.get('sitemap.xml')))).toEqual([ctx.url('jobs/'), ctx.url('jobs/hostile-role/')]);
    }),
    { numRuns: 100 },
  );
});

test('the hostile constants themselves survive as a title and an item', () => {
  for (const h of HOSTILE) {
    const posting = toPosting({
      title: fit(`a${h}b`, 80, true),
      workplace: 'onsite',
      locations: [{ locality: fit(`L${h}`, 100, true), country: 'DE', street: undefined, region: undefined, postalCode: undefined }],
      summary: `Summary ${h} text`,
      responsibilities: [`item ${h} end`],
      qualifications: undefined,
      benefits: undefined,
      skills: undefined,
      salary: false,
      orgName: 'Org',
      reference: undefined,
      department: undefined,
      industry: undefined,
    });
    const ctx = googleContext(baseConfig);
    const entry = entryOf('c', posting);
    const html = bodyText(renderAll(googleJobPosting, [entry], ctx).artifacts.find((a) => a.path === 'jobs/c/index.html'));
    const doc = parseHtml(html);
    expect(JSON.parse(onlyJsonLd(doc))).toEqual(buildJobPosting(entry, ctx));
    const visible = collapse(visibleText(bodyOf(doc)));
    for (const t of [posting.title, (posting.responsibilities as string[])[0]!, posting.locations![0]!.locality]) expect(visible).toContain(shown(t));
  }
});
