/**
 * The Ashby importer (importers/ashby.ts) against a board in the documented shape
 * (tests/fixtures/ats/ashby/board.json): listed jobs only, places, pay tiers, and bodies it refuses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ashby, type AshbyOptions } from '../importers/ashby';
import { isMalformed, type AtsJob, type ImportPage } from '../src/import/importer';

const BODY = readFileSync(path.join(__dirname, 'fixtures', 'ats', 'ashby', 'board.json'), 'utf8');
const OPTIONS: AshbyOptions = ashby.options.parse({ board: 'acme' });
const REQUEST = ashby.first(OPTIONS);

function page(body: string = BODY): ImportPage {
  const read = ashby.parse(body, REQUEST, OPTIONS);
  if (isMalformed(read)) throw new Error(read.malformed);
  return read;
}
const jobOf = (p: ImportPage, id: string): AtsJob => {
  const found = p.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
};
/** The fixture with its jobs changed, written back as the body. */
const withJobs = (change: (jobs: Record<string, unknown>[]) => unknown[]): string => {
  const board = JSON.parse(BODY) as { jobs: Record<string, unknown>[] };
  return JSON.stringify({ ...board, jobs: change(board.jobs) });
};

const REMOTE = '1d6c3a51-7f0e-4d6a-9b8e-2f4c5a7b9e01';
const MULTI = '7b2e9f40-3c1a-4e8d-a5f6-0d9c8b7a6e52';
const UNPAID = 'c4f1e2d3-5a6b-4c7d-8e9f-a0b1c2d3e4f5';
const INTERN = 'e8a7b6c5-d4e3-4f2a-9b1c-0d9e8f7a6b5c';

describe('ashby: the request', () => {
  it('reads the whole board with compensation', () => {
    expect(REQUEST).toEqual({ url: 'https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true' });
    expect(ashby.board(OPTIONS)).toBe('acme');
    expect([ashby.name, ashby.idPrefix]).toEqual(['ashby', 'ab']);
  });

  it('options need a board name and nothing else', () => {
    expect(ashby.options.safeParse({}).success).toBe(false);
    expect(ashby.options.safeParse({ board: '  ' }).success).toBe(false);
    expect(ashby.options.safeParse({ board: 'acme', company: 'acme' }).success).toBe(false);
  });
});

describe('ashby: the board', () => {
  const p = page();

  it('maps the listed jobs and leaves out the unlisted one', () => {
    expect(p.jobs.map((j) => j.id)).toEqual([REMOTE, MULTI, UNPAID, INTERN]);
    expect(p.issues).toEqual([]);
    expect(p.next).toBeUndefined();
    expect(p.pending).toBeUndefined();
  });

  it('a remote job: applicant countries from its places, a yearly salary, no pay zones for one tier', () => {
    const j = jobOf(p, REMOTE);
    expect(j).toMatchObject({
      title: 'Senior Platform Engineer — Payments',
      workplace: 'remote',
      locations: [],
      applicantCountries: ['DE', 'AT'],
      salary: { currency: 'EUR', min: 85000, max: 110000, unit: 'YEAR' },
      employmentType: ['FULL_TIME'],
      department: 'Engineering',
      datePosted: '2026-03-02',
      url: `https://jobs.ashbyhq.com/acme/${REMOTE}`,
      applyUrl: `https://jobs.ashbyhq.com/acme/${REMOTE}/application`,
    });
    expect(j.payZones).toBeUndefined();
    expect(j.descriptionHtml).toContain('<li>Design and run the settlement pipeline in Kotlin and PostgreSQL</li>');
    expect(j.descriptionHtml).toContain('from a café in Graz');
  });

  it('pay the employer chose not to show on its postings is not imported', () => {
    const board = JSON.parse(BODY) as { jobs: Record<string, unknown>[] };
    board.jobs = board.jobs.map((j) => (j.id === REMOTE ? { ...j, shouldDisplayCompensationOnJobPostings: false } : j));
    const read = ashby.parse(JSON.stringify(board), REQUEST, OPTIONS);
    if (isMalformed(read)) throw new Error(read.malformed);
    expect([jobOf(read, REMOTE).salary, jobOf(read, REMOTE).payZones]).toEqual([undefined, undefined]);
  });

  it('a multi-location job: each address a place, each tier a pay zone titled by its place', () => {
    const j = jobOf(p, MULTI);
    expect(j.workplace).toBe('hybrid');
    expect(j.locations).toEqual([
      { locality: 'Zürich', region: 'Zürich', country: 'CH' },
      { locality: 'München', region: 'Bavaria', country: 'DE' },
      { locality: 'New York', region: 'New York', country: 'US' },
    ]);
    expect(j.payZones).toEqual([
      { title: 'Zürich', salary: { currency: 'CHF', min: 120000, max: 145000, unit: 'YEAR' } },
      { title: 'München', salary: { currency: 'EUR', min: 78000, max: 95000, unit: 'YEAR' } },
      { title: 'New York', salary: { currency: 'USD', min: 135000, max: 160000, unit: 'YEAR' } },
    ]);
    expect(j.salary).toBeUndefined();
    expect(j.applicantCountries).toBeUndefined();
    expect(j.descriptionHtml).toContain('<li>Keep our design system accessible (WCAG 2.2 AA)</li>');
  });

  it('a job without pay, in German, part-time on site', () => {
    const j = jobOf(p, UNPAID);
    expect(j).toMatchObject({
      title: 'Frontend-Entwickler:in (Teilzeit)',
      workplace: 'onsite',
      employmentType: ['PART_TIME'],
      locations: [{ locality: 'Berlin', region: 'Berlin', country: 'DE' }],
      datePosted: '2026-03-09',
    });
    expect(j.salary).toBeUndefined();
    expect(j.payZones).toBeUndefined();
    expect(j.descriptionHtml).toContain('<li>Neue Funktionen in React und TypeScript umsetzen</li>');
    expect(j.descriptionHtml).toContain('Geschwindigkeit — ohne Kompromisse');
  });

  it('an hourly internship, its country written USA', () => {
    const j = jobOf(p, INTERN);
    expect(j).toMatchObject({
      employmentType: ['INTERN'],
      salary: { currency: 'USD', min: 28, max: 34, unit: 'HOUR' },
      locations: [{ locality: 'Austin', region: 'Texas', country: 'US' }],
    });
  });
});

describe('ashby: what it reports', () => {
  it('a place it cannot tell, with the job and the field', () => {
    const body = withJobs((jobs) =>
      jobs.map((j) => (j.id === UNPAID ? { ...j, location: 'Atlantis', address: null, secondaryLocations: [{ location: 'Springfield', address: null }] } : j)),
    );
    const p = page(body);
    expect(jobOf(p, UNPAID).locations).toEqual([]);
    expect(p.issues).toEqual([
      expect.objectContaining({ severity: 'warning', job: UNPAID, field: 'location' }),
      expect.objectContaining({ severity: 'warning', job: UNPAID, field: 'secondaryLocations[0].location' }),
    ]);
  });

  it('a remote job that names no country', () => {
    const body = withJobs((jobs) => jobs.map((j) => (j.id === REMOTE ? { ...j, location: 'Remote — Europe', address: null, secondaryLocations: [] } : j)));
    const p = page(body);
    expect(jobOf(p, REMOTE).applicantCountries).toBeUndefined();
    expect(p.issues).toEqual([expect.objectContaining({ job: REMOTE, field: 'location' })]);
  });

  it('pay it cannot carry: an interval without a unit, a currency that is none, an unknown employment type', () => {
    const body = withJobs((jobs) =>
      jobs.map((j) => {
        if (j.id !== INTERN) return j;
        const [salary] = (j.compensation as { summaryComponents: Record<string, unknown>[] }).summaryComponents;
        const summaryComponents = [{ ...salary, interval: '2 WEEK' }];
        return { ...j, employmentType: 'Seasonal', compensation: { compensationTiers: [], summaryComponents } };
      }),
    );
    const p = page(body);
    expect(jobOf(p, INTERN).salary).toBeUndefined();
    expect(p.issues.map((i) => `${i.job} ${i.field}`).sort()).toEqual([`${INTERN} compensation.summaryComponents[0].interval`, `${INTERN} employmentType`]);
    const euro = withJobs((jobs) =>
      jobs.map((j) =>
        j.id === REMOTE
          ? { ...j, compensation: { summaryComponents: [{ compensationType: 'Salary', interval: '1 YEAR', currencyCode: 'EURO', minValue: 1, maxValue: 2 }] } }
          : j,
      ),
    );
    expect(page(euro).issues).toEqual([expect.objectContaining({ job: REMOTE, field: 'compensation.summaryComponents[0].currencyCode' })]);
  });
});

describe('ashby: bodies it refuses', () => {
  const malformed = (body: string): string => {
    const read = ashby.parse(body, REQUEST, OPTIONS);
    if (!isMalformed(read)) throw new Error('read as a board');
    return read.malformed;
  };

  it('not JSON', () => {
    expect(malformed(BODY.slice(0, 200))).toMatch(/^the body is not JSON \(/);
    expect(malformed('<html><body>Not found</body></html>')).toMatch(/^the body is not JSON \(/);
  });

  it('not a job board', () => {
    expect(malformed(JSON.stringify({ apiVersion: '1', postings: [] }))).toMatch(/^jobs: /);
    expect(malformed(JSON.stringify([]))).toMatch(/^the body: /);
  });

  it('a job without an id, a job with an http apply link', () => {
    const noId = withJobs((jobs) => jobs.map(({ id: _id, ...j }, i) => (i === 1 ? j : { id: _id, ...j })));
    expect(malformed(noId)).toMatch(/^jobs\[1\]\.id: /);
    const http = withJobs((jobs) => jobs.map((j, i) => (i === 2 ? { ...j, applyUrl: 'http://jobs.ashbyhq.com/acme/x' } : j)));
    expect(malformed(http)).toBe('jobs[2].applyUrl: must be an https URL');
  });
});
