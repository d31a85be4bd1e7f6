/**
 * Issue #16, part 1: one role at New York, Austin and Toronto, each with its own range, built by the
 * real build with every channel, and each channel's output read back with a real parser: the page
 * (parse5), its JSON-LD against Google's documented JobPosting structure, every board feed (one job
 * per place with that place's pay), RSS and JSON Feed, the email (mailparser); and validate's
 * per-place pay-transparency warnings at line:col.
 */
import { simpleParser } from 'mailparser';
import { parse as parseYaml } from 'yaml';
import { adapters as defaultAdapters } from '../adapters';
import { jobPlaces, referenceNumbers } from '../adapters/shared/indeed-shape';
import { googleCard } from '../adapters/google/preview';
import { postingFields } from '../src/model/posting';
import { validateJson } from './helpers/cli';
import { tempProject } from './helpers/project';
import { collapse, descriptionBlocks, elements, onlyJsonLd, parseHtml, textOf as htmlText, attr, build, type Built } from './google-support';
import { kid, kids, mustParse, textOf, type XNode } from './feeds-support';

const ID = 'platform-engineer';
const POSTING = `title: Platform Engineer
reference: ENG-PLAT-7
status: open
datePosted: 2026-11-20
validThrough: 2027-02-28
employmentType: [FULL_TIME]
workplace: onsite
locations:
  - street: 5 Penn Plaza
    locality: New York
    region: NY
    postalCode: "10001"
    country: US
    salary: { currency: USD, min: 180000, max: 230000, unit: YEAR }
  - street: 500 W 2nd St
    locality: Austin
    region: TX
    postalCode: "78701"
    country: US
    salary: { currency: USD, min: 150000, max: 190000, unit: YEAR }
  - street: 100 King St W
    locality: Toronto
    region: ON
    postalCode: "M5X 1A9"
    country: CA
    salary: { currency: CAD, min: 160000, max: 205000, unit: YEAR }
summary: >
  Platform Engineers build the clusters, pipelines and tools every product team at the company ships
  on, in three offices that work as one team.
responsibilities:
  - Run the clusters our services are deployed to
  - Build the deployment pipeline and its tools
apply:
  url: https://careers.example.com/jobs/platform-engineer/apply
channels: { email: { lists: [engineering-referrals] } }
`;

/** What each place is paid, as each kind of output words it. */
const PLACES = [
  {
    city: 'New York',
    region: 'NY',
    country: 'US',
    currency: 'USD',
    min: 180000,
    max: 230000,
    text: '$180,000 - $230,000 per year',
    page: '$180,000 – $230,000 per year (USD)',
    where: 'New York, NY, United States',
  },
  {
    city: 'Austin',
    region: 'TX',
    country: 'US',
    currency: 'USD',
    min: 150000,
    max: 190000,
    text: '$150,000 - $190,000 per year',
    page: '$150,000 – $190,000 per year (USD)',
    where: 'Austin, TX, United States',
  },
  {
    city: 'Toronto',
    region: 'ON',
    country: 'CA',
    currency: 'CAD',
    min: 160000,
    max: 205000,
    text: 'CA$160,000 - CA$205,000 per year',
    page: 'CA$160,000 – CA$205,000 per year (CAD)',
    where: 'Toronto, ON, Canada',
  },
];
const PAY_LINES = PLACES.map((p) => `${p.where}: ${p.text}`);

let b: Built;
beforeAll(async () => {
  b = await build({ [`${ID}.yaml`]: POSTING }, { adapters: defaultAdapters });
});
afterAll(() => b.project.cleanup());

/** The referencenumber (Indeed, ZipRecruiter) or id (Adzuna) of each place, worked out from the posting. */
const refs = (): string[] => {
  const { channels: _, ...fields } = parseYaml(POSTING) as Record<string, unknown>;
  return referenceNumbers(ID, jobPlaces(postingFields.parse(fields)).places);
};

test('the build succeeds without errors, and Google is told why its markup has no baseSalary', () => {
  const errors = b.result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  expect(b.result.diagnostics.filter((d) => d.code === 'GOOGLE_PAY_VARIES').map((d) => [d.severity, d.field])).toEqual([['info', 'locations']]);
});

describe('the job page', () => {
  const doc = () => parseHtml(b.read(`jobs/${ID}/index.html`));

  test('lists each place with its own range under Salary, in source order', () => {
    const facts = elements(doc(), 'dl').find((dl) => attr(dl, 'class') === 'facts')!;
    const salary = elements(facts, 'div').find((d) => collapse(htmlText(elements(d, 'dt')[0]!)) === 'Salary')!;
    expect(elements(salary, 'li').map((li) => collapse(htmlText(li)))).toEqual(PLACES.map((p) => `${p.where}: ${p.page}`));
    expect(attr(elements(salary, 'ul')[0]!, 'aria-label')).toBe('Pay by location');
  });

  test("its JSON-LD has Google's structure: one JobPosting, a jobLocation Place per office with a PostalAddress, no baseSalary, the ranges in the description", () => {
    const ld = JSON.parse(onlyJsonLd(doc())) as Record<string, unknown>;
    expect([ld['@context'], ld['@type']]).toEqual(['https://schema.org', 'JobPosting']);
    const places = ld.jobLocation as { '@type': string; address: Record<string, string> }[];
    expect(Array.isArray(places)).toBe(true);
    expect(places.map((pl) => [pl['@type'], pl.address['@type'], pl.address.addressLocality, pl.address.addressRegion, pl.address.addressCountry])).toEqual(
      PLACES.map((p) => ['Place', 'PostalAddress', p.city, p.region, p.country]),
    );
    // Google's baseSalary is one MonetaryAmount for the posting: no one amount is true at all three.
    expect(ld).not.toHaveProperty('baseSalary');
    const blocks = descriptionBlocks(ld.description as string);
    const at = blocks.indexOf('Pay by location');
    expect(at).toBeGreaterThan(0);
    expect(blocks.slice(at + 1, at + 4)).toEqual(PAY_LINES);
  });
});

/** The `<job>` elements of a board feed, by their id element. */
function boardJobs(path: string, idElement: string): Map<string, XNode> {
  return new Map(kids(mustParse(b.read(path)), 'job').map((j) => [textOf(j, idElement)!, j]));
}

test("the admin's Google preview says the pay differs by place instead of 'not given'", () => {
  const card = googleCard(b.read(`jobs/${ID}/jobposting.json`), true);
  expect(card.fields.find((f) => f.label === 'Salary')?.value).toBe('differs by place: in the description, not in baseSalary');
});

describe.each([
  ['indeed', 'feeds/indeed.xml'],
  ['ziprecruiter', 'feeds/ziprecruiter.xml'],
])('%s', (_name, path) => {
  test("one job per place, each with that place's city and salary", () => {
    const jobs = boardJobs(path, 'referencenumber');
    const ids = refs();
    expect([...jobs.keys()]).toEqual(ids);
    expect(ids[0]).toBe(ID);
    PLACES.forEach((p, i) => {
      const job = jobs.get(ids[i]!)!;
      expect([textOf(job, 'city'), textOf(job, 'state'), textOf(job, 'country'), textOf(job, 'salary')]).toEqual([p.city, p.region, p.country, p.text]);
      expect(textOf(job, 'requisitionid')).toBe('ENG-PLAT-7');
    });
  });
});

test("adzuna: one job per place, each with that place's location, country and structured salary", () => {
  const jobs = boardJobs('feeds/adzuna.xml', 'id');
  expect([...jobs.keys()]).toEqual(refs());
  PLACES.forEach((p, i) => {
    const job = jobs.get(refs()[i]!)!;
    expect(['location', 'country', 'salary', 'salary_min', 'salary_max', 'salary_currency', 'salary_frequency'].map((k) => textOf(job, k))).toEqual([
      p.city,
      p.country,
      p.text,
      String(p.min),
      String(p.max),
      p.currency,
      'year',
    ]);
  });
});

test("linkedin: the job at its first place with that place's pay, and every place's range in the description", () => {
  const jobs = kids(mustParse(b.read('feeds/linkedin.xml')), 'job');
  expect(jobs).toHaveLength(1);
  const job = jobs[0]!;
  expect(textOf(job, 'location')).toBe('New York, NY');
  const salary = kid(kid(job, 'salaries')!, 'salary')!;
  expect([textOf(kid(salary, 'lowEnd')!, 'amount'), textOf(kid(salary, 'highEnd')!, 'amount'), textOf(kid(salary, 'highEnd')!, 'currencyCode')]).toEqual([
    '180000',
    '230000',
    'USD',
  ]);
  const blocks = descriptionBlocks(textOf(job, 'description')!);
  expect(blocks.slice(blocks.indexOf('Pay by location') + 1, blocks.indexOf('Pay by location') + 4)).toEqual(PAY_LINES);
});

test("rss and json-feed carry each location's own salary", () => {
  const item = kid(kid(mustParse(b.read('feeds/jobs.rss')), 'channel')!, 'item')!;
  const located = kids(item, 'job:location').map((l) => {
    const s = kid(l, 'job:salary')!;
    return [textOf(l, 'job:locality'), s.attributes.currency, s.attributes.minValue, s.attributes.maxValue, s.text];
  });
  expect(located).toEqual(PLACES.map((p) => [p.city, p.currency, String(p.min), String(p.max), p.text]));
  const feed = JSON.parse(b.read('feeds/jobs.json')) as {
    items: { _job: { locations: { locality: string; salary: { min: number; max: number; currency: string } }[] } }[];
  };
  expect(feed.items[0]!._job.locations.map((l) => [l.locality, l.salary.currency, l.salary.min, l.salary.max])).toEqual(
    PLACES.map((p) => [p.city, p.currency, p.min, p.max]),
  );
});

test('the email shows every place with its range, in the message a list receives', async () => {
  const mail = await simpleParser(b.read(`jobs/${ID}/email.eml`));
  const lines = mail.text!.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Salary:'));
  expect(lines.slice(at, at + 3)).toEqual([`Salary:      ${PAY_LINES[0]}`, `             ${PAY_LINES[1]}`, `             ${PAY_LINES[2]}`]);
});

describe('validate: pay-transparency per place', () => {
  const variant = POSTING.replace('    salary: { currency: USD, min: 180000, max: 230000, unit: YEAR }\n', '').replace(
    'salary: { currency: CAD, min: 160000, max: 205000, unit: YEAR }',
    'salary: { currency: CAD, min: 100000, max: 170000, unit: YEAR }',
  );

  test("New York without pay warns at its entry (New York's law); Toronto's 70,000-wide range warns at its max (Ontario)", async () => {
    const project = tempProject({ [`${ID}.yaml`]: variant });
    try {
      const { code, diagnostics } = await validateJson(['--config', project.configFile]);
      expect(code).toBe(0);
      const said = diagnostics
        .filter((d) => d.code.startsWith('JC_WARN_PAY') || d.code === 'JC_WARN_NO_SALARY')
        .map((d) => [d.code, d.field, d.line, d.col, d.message.slice(0, 40)]);
      expect(said).toEqual([
        ['JC_WARN_NO_SALARY', 'locations.0', 9, 5, 'no salary for New York, NY, where pay-tr'],
        ['JC_WARN_PAY_RANGE_WIDE', 'locations.2.salary.max', 25, 48, 'the pay range is 70,000 CAD a year wide;'],
      ]);
      expect(diagnostics.find((d) => d.code === 'JC_WARN_NO_SALARY')!.message).toContain('New York Labor Law §194-b');
    } finally {
      project.cleanup();
    }
  });
});
