/** Google's rules as diagnostics: what each rule says, where it points, and what an error costs. */
import { GOOGLE_CODES, googleJobPosting } from '../adapters/google';
import { validateProject } from '../src/pipeline/validate';
import type { DiagnosticInput } from '../src/diagnostics';
import { CODES } from '../src/errors';
import type { SiteConfig } from '../src/model/config';
import { postingFields, type Posting } from '../src/model/posting';
import { MINIMAL_POSTING, tempProject } from './helpers/project';
import { build, entryOf, googleContext, ISOLATED_ADAPTERS, isolatedConfig, US_POSTING } from './google-support';

let config: SiteConfig;
beforeAll(async () => {
  config = await isolatedConfig();
});

const BASE = US_POSTING;

function check(changes: Partial<Posting>, site: SiteConfig = config): DiagnosticInput[] {
  const posting = postingFields.parse({ ...BASE, ...changes });
  return googleJobPosting.check!(entryOf('role', posting), googleContext(site));
}
const codes = (ds: DiagnosticInput[]) => ds.map((d) => d.code);
const only = (ds: DiagnosticInput[], code: string) => ds.filter((d) => d.code === code);

test('a complete posting raises nothing', () => {
  expect(check({})).toEqual([]);
});

test('every diagnostic has a registered GOOGLE_ code, a message and a fix', () => {
  const all = [
    ...check({
      title: 'SENIOR ENGINEER!!! $120K (REQ-12345)',
      validThrough: undefined,
      summary: 'SENIOR ENGINEER!!! $120K (REQ-12345)',
      responsibilities: undefined,
    }),
    ...check({ title: '\u0001' }),
    ...check({ summary: '\u0001', responsibilities: undefined }),
    ...check(
      {
        locations: [{ locality: 'Berlin', country: 'DE' }],
        experienceInPlaceOfEducation: true,
        education: { credential: 'none' },
        experience: { months: 12 },
        occupationalCategory: '99-1234',
      },
      { ...config, organization: { ...config.organization, logo: undefined } },
    ),
    ...check({
      locations: [
        {
          locality: 'Berlin',
          region: 'BE',
          postalCode: '10115',
          street: 'Unter den Linden 1',
          country: 'DE',
          salary: { currency: 'EUR', min: 70_000, max: 90_000, unit: 'YEAR' },
        },
        {
          locality: 'Munich',
          region: 'BY',
          postalCode: '80331',
          street: 'Marienplatz 1',
          country: 'DE',
          salary: { currency: 'EUR', min: 75_000, max: 95_000, unit: 'YEAR' },
        },
      ],
    }),
  ];
  const registered = new Set<string>(Object.values(GOOGLE_CODES));
  expect(new Set(codes(all))).toEqual(registered);
  for (const d of all) {
    expect(d.code).toMatch(/^GOOGLE_[A-Z_]+$/);
    expect(d.message.length).toBeGreaterThan(20);
    expect(d.fix).toBeTruthy();
  }
});

describe('title', () => {
  const decorated = (title: string, extra: Partial<Posting> = {}) => only(check({ title, ...extra }), GOOGLE_CODES.TITLE_DECORATED);

  test.each([
    ['Engineer (REQ-12345)', 'a job code'],
    ['Engineer #4411', 'a job code'],
    ['Senior Engineer - $120k', 'pay'],
    ['Engineer 90,000 per year', 'pay'],
    ['Barista Austin', 'a location ("Austin")'],
    ['Engineer, United States', 'a location ("United States")'],
    ['Engineer - start Jan 2027', 'a date'],
    ['Example Corp Engineer', 'the company name'],
    ['Engineer!', '"!" or "*"'],
    ['*Urgent* Engineer', '"!" or "*"'],
  ])('"%s" is warned about %s', (title, what) => {
    const ds = decorated(title);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ severity: 'warning', field: 'title' });
    expect(ds[0]!.message).toContain(what);
  });

  test.each([
    'ML Infrastructure Engineer',
    'C++ Developer',
    'Site Reliability Engineer II',
    'IT Support Engineer',
    'Go Developer',
    'Data Scientist (m/w/d)',
    'C# 12 Developer',
  ])('"%s" is a plain job title', (title) => expect(decorated(title)).toEqual([]));

  test('the posting reference in the title counts as a job code', () => {
    expect(decorated('Backend Engineer ENG7', { reference: 'ENG7' })[0]!.message).toContain('a job code');
  });

  test('a title in capitals is warned about; acronyms are not', () => {
    expect(codes(check({ title: 'BACKEND ENGINEER' }))).toContain(GOOGLE_CODES.TITLE_ALL_CAPS);
    expect(codes(check({ title: 'ML SRE' }))).not.toContain(GOOGLE_CODES.TITLE_ALL_CAPS);
    // Scripts without letter case are never "all caps".
    for (const title of ['機械学習インフラエンジニア', 'مهندس بنية تحتية للتعلم الآلي', 'מהנדס תשתיות למידת מכונה'])
      expect(codes(check({ title }))).not.toContain(GOOGLE_CODES.TITLE_ALL_CAPS);
  });

  test('a title with nothing printable is an error', () => {
    expect(check({ title: '\u0001\u0002' })).toEqual([expect.objectContaining({ code: GOOGLE_CODES.TITLE_EMPTY, severity: 'error', field: 'title' })]);
  });
});

describe('description', () => {
  test('a description that only repeats the title is an error', () => {
    const ds = check({ summary: 'backend  engineer', responsibilities: undefined });
    expect(ds).toEqual([expect.objectContaining({ code: GOOGLE_CODES.DESCRIPTION_IS_TITLE, severity: 'error', field: 'summary' })]);
  });

  test('the same summary is fine once lists follow it', () => {
    expect(check({ summary: 'Backend Engineer' })).toEqual([]);
  });

  test('a description with nothing printable is an error', () => {
    expect(codes(check({ summary: '\u0001', responsibilities: undefined }))).toEqual([GOOGLE_CODES.DESCRIPTION_EMPTY]);
  });
});

test('no validThrough is a warning on validThrough', () => {
  expect(check({ validThrough: undefined })).toEqual([
    expect.objectContaining({ code: GOOGLE_CODES.NO_VALID_THROUGH, severity: 'warning', field: 'validThrough' }),
  ]);
});

test('each missing address part is a warning pointing at that part of that location', () => {
  const ds = check({ locations: [BASE.locations![0]!, { locality: 'Dallas', country: 'US' }] });
  expect(ds.map((d) => [d.code, d.severity, d.field])).toEqual([
    [GOOGLE_CODES.ADDRESS_INCOMPLETE, 'warning', 'locations.1.street'],
    [GOOGLE_CODES.ADDRESS_INCOMPLETE, 'warning', 'locations.1.postalCode'],
    [GOOGLE_CODES.ADDRESS_INCOMPLETE, 'warning', 'locations.1.region'],
  ]);
});

test('an organization without a logo is a warning', () => {
  expect(check({}, { ...config, organization: { ...config.organization, logo: undefined } })).toEqual([
    expect.objectContaining({ code: GOOGLE_CODES.LOGO_MISSING, severity: 'warning' }),
  ]);
});

test('experience in place of education needs both requirements stated', () => {
  const err = (changes: Partial<Posting>) => only(check({ experienceInPlaceOfEducation: true, ...changes }), GOOGLE_CODES.EXPERIENCE_IN_PLACE);
  expect(err({ education: { credential: 'none' }, experience: { months: 36 } })).toEqual([
    expect.objectContaining({ severity: 'error', field: 'experienceInPlaceOfEducation' }),
  ]);
  expect(err({ education: { credential: 'bachelor degree' }, experience: 'none' })).toHaveLength(1);
  expect(err({ education: { credential: 'bachelor degree' }, experience: { months: 36 } })).toEqual([]);
});

test('an occupational category outside every O*NET-SOC major group is a warning', () => {
  expect(codes(check({ occupationalCategory: '99-1234.00' }))).toEqual([GOOGLE_CODES.OCCUPATIONAL_CATEGORY]);
  expect(check({ occupationalCategory: '15-1252.00' })).toEqual([]);
});

test('closed and expired roles carry no markup, so the markup rules stay silent', () => {
  const bad = postingFields.parse({ ...BASE, title: 'ENGINEER!!!', validThrough: '2026-11-10', summary: 'ENGINEER!!!', responsibilities: undefined });
  const ctx = googleContext(config);
  const expired = entryOf('role', bad);
  expect(expired.state).toBe('expired');
  expect(googleJobPosting.check!(expired, ctx)).toEqual([]);
  expect(googleJobPosting.check!(entryOf('role', { ...bad, status: 'closed' }), ctx)).toEqual([]);
});

describe('through validate and build', () => {
  const BAD = MINIMAL_POSTING.replace(
    'summary: We build the backend of a job syndication service and need one more engineer who likes correctness.\nresponsibilities:\n  - Build and run services\n',
    'summary: Backend Engineer\n',
  );

  test('an error drops the posting from google only; posting-json still has it', async () => {
    expect(BAD).not.toBe(MINIMAL_POSTING);
    const b = await build({ 'bad-role.yaml': BAD, 'good-role.yaml': MINIMAL_POSTING });
    try {
      expect(b.has('jobs/bad-role/posting.json')).toBe(true);
      expect(b.has('jobs/bad-role/index.html')).toBe(false);
      expect(b.has('jobs/bad-role/jobposting.json')).toBe(false);
      expect(b.has('jobs/good-role/index.html')).toBe(true);
      expect(b.read('jobs/index.html')).not.toContain('bad-role');
      expect(b.read('sitemap.xml')).not.toContain('bad-role');
      const d = b.result.diagnostics.find((x) => x.code === GOOGLE_CODES.DESCRIPTION_IS_TITLE);
      expect(d).toMatchObject({ severity: 'error', channel: 'google', posting: 'bad-role', field: 'summary', line: 9, col: 10 });
      expect(d!.file).toMatch(/bad-role\.yaml$/);
    } finally {
      b.project.cleanup();
    }
  });

  test('validate reports warnings at the line of the field they name, and one salary warning', async () => {
    const text = MINIMAL_POSTING.replace('salary: { currency: EUR, min: 70000, max: 90000, unit: YEAR }\n', '').replace(
      '  - { locality: Berlin, postalCode: "10115", country: DE, street: Invalidenstraße 1 }',
      '  - { locality: Berlin, postalCode: "10115", country: DE, street: Invalidenstraße 1 }\n  - { locality: Munich, country: DE }',
    );
    const project = tempProject({ 'role.yaml': text });
    try {
      const v = await validateProject(await project.open(ISOLATED_ADAPTERS), { now: new Date('2026-11-28T12:00:00Z'), checkAllStates: true });
      const google = v.diagnostics.filter((d) => d.channel === 'google');
      expect(google.map((d) => [d.code, d.field, d.line])).toEqual(
        expect.arrayContaining([
          [GOOGLE_CODES.ADDRESS_INCOMPLETE, 'locations.0.region', 7],
          [GOOGLE_CODES.ADDRESS_INCOMPLETE, 'locations.1.street', 8],
          [GOOGLE_CODES.NO_VALID_THROUGH, 'validThrough', 1],
        ]),
      );
      expect(v.channels.find((c) => c.adapter.name === 'google')!.dropped).toEqual([]);
      // A role in Berlin without pay: one warning, the core's, naming the place and where the laws are.
      const salary = v.diagnostics.filter((d) => d.field === 'salary');
      expect(salary.map((d) => [d.code, d.line])).toEqual([[CODES.WARN_NO_SALARY, 1]]);
      expect(salary[0]!.message).toBe(
        'no salary, but pay-transparency law requires the pay range in job ads for Berlin, Germany (1 law): the laws are in docs/postings.md#pay-transparency',
      );
    } finally {
      project.cleanup();
    }
  });
});
