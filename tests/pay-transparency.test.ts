/** The one "no salary" warning: which laws cover a role, and what the warning says about them. */
import { CODES } from '../src/errors';
import { noSalaryWarning, payLawTable, payTransparencyLaws } from '../src/model/pay-transparency';
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

test('control characters in a place name never reach the terminal', () => {
  const [law] = payTransparencyLaws(posting({ locations: [{ locality: 'Den\u0007ver\u202e', region: 'CO', country: 'US' }] }));
  expect(law!.because).toBe('Den ver, CO');
});

test('the docs table lists every jurisdiction the rule knows', () => {
  const table = payLawTable();
  expect(table).toHaveLength(17);
  expect(table[0]!.place).toContain('DE');
  expect(table.map((r) => r.place)).toContain('Colorado, United States (`CO`)');
});
