/** The one "no salary" warning: which laws cover a role, and what the warning says about them. */
import { CODES } from '../src/errors';
import { noSalaryWarning, payLawTable, payTransparencyLaws, unpaidPlaceWarnings, wideRangeWarnings } from '../src/model/pay-transparency';
import { postingFields, type Posting } from '../src/model/posting';

const BASE = postingFields.parse({
  title: 'Backend Engineer',
  status: 'open',
  datePosted: '2026-11-01',
  employmentType: ['FULL_TIME'],
  workplace: 'onsite',
  locations: [{ locality: 'Austin', region: 'TX', country: 'US' }],
  summary: 'We build the backend of a job syndication service.',
  apply: { url: 'https://careers.example.com/apply' },
});
const posting = (changes: Partial<Posting>): Posting => postingFields.parse({ ...BASE, ...changes });
const lawNames = (changes: Partial<Posting>) => payTransparencyLaws(posting(changes)).map((l) => l.law);

test.each([
  ['Denver', 'CO', 'US', 'Colorado Equal Pay for Equal Work Act'],
  ['Denver', 'Colorado', 'US', 'Colorado Equal Pay for Equal Work Act'],
  ['New York', 'NY', 'US', 'New York Labor Law §194-b'],
  ['Seattle', 'WA', 'US', 'Washington Equal Pay and Opportunities Act'],
  ['Oakland', 'CA', 'US', 'California SB 1162 (Labor Code §432.3)'],
  ['Chicago', 'IL', 'US', 'Illinois Equal Pay Act (HB 3129)'],
  ['Washington', 'Washington, D.C.', 'US', 'D.C. Wage Transparency Omnibus Amendment Act of 2023'],
  ['Berlin', undefined, 'DE', 'EU Pay Transparency Directive (EU) 2023/970'],
  ['Lisbon', undefined, 'PT', 'EU Pay Transparency Directive (EU) 2023/970'],
  ['Vancouver', 'BC', 'CA', 'British Columbia Pay Transparency Act'],
  ['Toronto', 'Ontario', 'CA', 'Ontario Working for Workers Five Act, 2024 (in force 2026)'],
  ['Charlottetown', 'PEI', 'CA', 'Prince Edward Island Employment Standards Act (pay transparency amendments)'],
  ["St. John's", 'NL', 'CA', 'Newfoundland and Labrador Pay Equity and Pay Transparency Act'],
])('a role in %s, %s (%s) is under %s', (locality, region, country, law) => {
  const p = posting({ locations: [{ locality, country, ...(region ? { region } : {}) }] });
  expect(payTransparencyLaws(p)).toEqual([{ law, because: `${locality}, ${region ?? (country === 'DE' ? 'Germany' : 'Portugal')}` }]);
  const w = noSalaryWarning(p);
  expect(w.code).toBe(CODES.WARN_NO_SALARY);
  expect(w.message).toBe(
    `no salary, but pay-transparency law requires the pay range in job ads for ${locality}, ${region ?? (country === 'DE' ? 'Germany' : 'Portugal')} (1 law): the laws are in docs/postings.md#pay-transparency`,
  );
  expect(w.fix).toBe(
    `add salary: { currency: ${country === 'US' ? 'USD' : country === 'CA' ? 'CAD' : 'EUR'}, min: …, max: …, unit: YEAR } with the range you would in good faith pay`,
  );
});

test('a remote role open to the US is under every state law that covers remote hires, said in one short line', () => {
  const p = posting({ workplace: 'remote', applicantLocations: ['US'], locations: undefined });
  expect(lawNames({ workplace: 'remote', applicantLocations: ['US'], locations: undefined })).toHaveLength(12);
  const w = noSalaryWarning(p);
  expect(w.message).toBe(
    'no salary, but pay-transparency law requires the pay range in job ads for remote applicants in United States (12 laws): the laws are in docs/postings.md#pay-transparency',
  );
  expect(w.message.length).toBeLessThan(200);
});

test('remote to Canada: the provincial laws; to an EU country: the directive, and no US law', () => {
  expect(lawNames({ workplace: 'remote', applicantLocations: ['CA'], locations: undefined })).toEqual([
    'British Columbia Pay Transparency Act',
    'Ontario Working for Workers Five Act, 2024 (in force 2026)',
    'Prince Edward Island Employment Standards Act (pay transparency amendments)',
    'Newfoundland and Labrador Pay Equity and Pay Transparency Act',
  ]);
  expect(lawNames({ workplace: 'remote', applicantLocations: ['GB', 'NL'], locations: undefined })).toEqual(['EU Pay Transparency Directive (EU) 2023/970']);
});

test('several places under one law name the law once, under the first place', () => {
  const p = posting({
    locations: [
      { locality: 'Berlin', country: 'DE' },
      { locality: 'Paris', country: 'FR' },
    ],
  });
  expect(payTransparencyLaws(p)).toEqual([{ law: 'EU Pay Transparency Directive (EU) 2023/970', because: 'Berlin, Germany' }]);
});

test('where no such law applies the warning is the short generic one', () => {
  expect(payTransparencyLaws(BASE)).toEqual([]);
  expect(lawNames({ workplace: 'remote', applicantLocations: ['GB', 'AU'], locations: undefined })).toEqual([]);
  expect(noSalaryWarning(BASE).message).toBe('no salary: search engines recommend one and boards rank postings without pay lower (docs/postings.md#salary)');
});

test("a member state with a pay-in-ads law of its own gets it beside the directive (Austria's GlBG §9(2))", () => {
  expect(lawNames({ locations: [{ locality: 'Wien', country: 'AT' }] })).toEqual([
    'EU Pay Transparency Directive (EU) 2023/970',
    'Austrian Equal Treatment Act (GlBG) §9(2): the minimum pay in every job ad',
  ]);
  expect(lawNames({ locations: [{ locality: 'Berlin', country: 'DE' }] })).toEqual(['EU Pay Transparency Directive (EU) 2023/970']);
});

test('control characters in a place name never reach the terminal', () => {
  const [law] = payTransparencyLaws(posting({ locations: [{ locality: 'Den\u0007ver\u202e', region: 'CO', country: 'US' }] }));
  expect(law!.because).toBe('Den ver, CO');
});

test('the docs table lists every jurisdiction the rule knows', () => {
  const table = payLawTable();
  expect(table).toHaveLength(18);
  expect(table[0]!.place).toContain('DE');
  expect(table[1]).toEqual({ place: 'Austria (`AT`)', law: expect.stringContaining('GlBG') });
  expect(table.map((r) => r.place)).toContain('Colorado, United States (`CO`)');
});

/** The first (for the role-wide salary: the only) width warning. */
const wideRangeWarning = (p: Posting) => wideRangeWarnings(p)[0];

describe("Ontario's range width (O. Reg. 476/24)", () => {
  const toronto = { locations: [{ locality: 'Toronto', region: 'ON', country: 'CA' }] };
  const range = (min: number, max: number, extra: Partial<NonNullable<Posting['salary']>> = {}) => ({
    salary: { currency: 'CAD', min, max, unit: 'YEAR' as const, ...extra },
  });

  test('a yearly CAD range wider than 50,000 for a role in Ontario is warned about, with a range that would do', () => {
    const w = wideRangeWarning(posting({ ...toronto, ...range(100_000, 160_000) }));
    expect(w).toEqual({
      code: CODES.WARN_PAY_RANGE_WIDE,
      severity: 'warning',
      field: 'salary.max',
      message:
        "the pay range is 60,000 CAD a year wide; for Toronto, ON, Ontario's job-posting rules (O. Reg. 476/24, employers with 25 or more employees) allow at most 50,000 unless the range ends above 200,000",
      fix: 'narrow the range to at most 50,000, e.g. min: 110000',
    });
  });

  test.each([
    ['exactly 50,000 wide', range(100_000, 150_000)],
    ['ending above 200,000', range(150_000, 240_000)],
    ['in USD', range(100_000, 160_000, { currency: 'USD' })],
    ['per hour', range(20, 80, { unit: 'HOUR' })],
    ['one amount', { salary: { currency: 'CAD', value: 120_000, unit: 'YEAR' as const } }],
  ])('a range %s is not', (_what, salary) => {
    expect(wideRangeWarning(posting({ ...toronto, ...salary }))).toBeUndefined();
  });

  test('it covers "Ontario" written out, and remote roles open to Canada; not roles elsewhere', () => {
    expect(wideRangeWarning(posting({ locations: [{ locality: 'Ottawa', region: 'Ontario', country: 'CA' }], ...range(90_000, 150_000) }))?.message).toContain(
      'for Ottawa, Ontario,',
    );
    const remote = { workplace: 'remote' as const, locations: undefined, ...range(90_000, 150_000) };
    expect(wideRangeWarning(posting({ ...remote, applicantLocations: ['US', 'CA'] }))?.message).toContain('for remote applicants in Canada,');
    expect(wideRangeWarning(posting({ ...remote, applicantLocations: ['US'] }))).toBeUndefined();
    expect(wideRangeWarning(posting({ locations: [{ locality: 'Vancouver', region: 'BC', country: 'CA' }], ...range(90_000, 150_000) }))).toBeUndefined();
  });
});

describe('pay per location', () => {
  const nyc = { locality: 'New York', region: 'NY', country: 'US' };
  const austin = { locality: 'Austin', region: 'TX', country: 'US' };
  const toronto = { locality: 'Toronto', region: 'ON', country: 'CA' };
  const usd = (min: number, max: number) => ({ currency: 'USD', min, max, unit: 'YEAR' as const });
  const cad = (min: number, max: number) => ({ currency: 'CAD', min, max, unit: 'YEAR' as const });

  test("each location's own range is checked against Ontario's width, said at that location's max", () => {
    const p = posting({
      locations: [
        { ...nyc, salary: usd(150_000, 200_000) },
        { ...toronto, salary: cad(100_000, 170_000) },
      ],
    });
    expect(wideRangeWarnings(p).map((w) => [w.field, w.message.slice(0, 61)])).toEqual([
      ['locations.1.salary.max', 'the pay range is 70,000 CAD a year wide; for Toronto, ON, Ont'],
    ]);
    // A 90,000-wide CAD range in New York is not Ontario's business; Toronto's own 40,000 is within it.
    expect(
      wideRangeWarnings(
        posting({
          locations: [
            { ...nyc, salary: cad(100_000, 190_000) },
            { ...toronto, salary: cad(100_000, 140_000) },
          ],
        }),
      ),
    ).toEqual([]);
  });

  test('a role-wide range that two Ontario locations share is warned about once, at salary.max', () => {
    const ottawa = { locality: 'Ottawa', region: 'Ontario', country: 'CA' };
    const p = posting({ locations: [toronto, ottawa], salary: cad(90_000, 150_000) });
    expect(wideRangeWarnings(p).map((w) => w.field)).toEqual(['salary.max']);
  });

  test("a remote role's pay per applicant country: Canada's range is Ontario's business, the US one is not", () => {
    const p = posting({
      workplace: 'remote',
      locations: undefined,
      applicantLocations: ['US', 'CA'],
      salaryByCountry: { US: usd(100_000, 190_000), CA: cad(100_000, 160_000) },
    });
    expect(wideRangeWarnings(p).map((w) => [w.field, w.message.includes('for remote applicants in Canada,')])).toEqual([['salaryByCountry.CA.max', true]]);
  });

  test('a place without pay, while others have it, is warned about at its entry, naming the law that wants it there', () => {
    const p = posting({ locations: [{ ...austin, salary: usd(120_000, 150_000) }, nyc, { ...toronto, salary: cad(150_000, 190_000) }] });
    expect(unpaidPlaceWarnings(p)).toEqual([
      {
        code: CODES.WARN_NO_SALARY,
        severity: 'warning',
        field: 'locations.1',
        message: 'no salary for New York, NY, where pay-transparency law requires the pay range in job ads (New York Labor Law §194-b)',
        fix: 'add salary: { currency: USD, min: …, max: …, unit: YEAR }, or a role-wide salary',
      },
    ]);
    const unlawed = unpaidPlaceWarnings(posting({ locations: [{ ...nyc, salary: usd(150_000, 200_000) }, austin] }));
    expect(unlawed.map((w) => [w.field, w.message])).toEqual([['locations.1', "no salary for Austin, TX, while the role's other places have one"]]);
    const remote = posting({ workplace: 'remote', locations: undefined, applicantLocations: ['US', 'DE'], salaryByCountry: { US: usd(1, 2) } });
    expect(unpaidPlaceWarnings(remote).map((w) => [w.field, w.message, w.fix.slice(0, 39)])).toEqual([
      [
        'applicantLocations.1',
        'no salary for remote applicants in Germany, where pay-transparency law requires the pay range in job ads (EU Pay Transparency Directive (EU) 2023/970)',
        'add salaryByCountry.DE: { currency: EUR',
      ],
    ]);
  });

  test('a role-wide salary covers every place: no place is unpaid; none anywhere is the one role-level warning, not one per place', () => {
    expect(unpaidPlaceWarnings(posting({ locations: [nyc, austin], salary: usd(1, 2) }))).toEqual([]);
    expect(unpaidPlaceWarnings(posting({ locations: [nyc, austin], salary: undefined }))).toEqual([]);
  });
});
