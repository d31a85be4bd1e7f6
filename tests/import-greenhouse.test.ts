/**
 * The Greenhouse importer (importers/greenhouse.ts) read against a board in the Job Board API's
 * documented shape (tests/fixtures/ats/greenhouse/board.json): every field it maps, the bodies it
 * refuses as malformed, and the places and pay it reports instead of guessing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { greenhouse } from '../importers/greenhouse';
import { isMalformed, type AtsJob, type ImportPage } from '../src/import/importer';

const BOARD = path.join(__dirname, 'fixtures', 'ats', 'greenhouse', 'board.json');
const OPTIONS = greenhouse.options.parse({ board: 'acme' });

/** The fields of a fixture job the tests change. */
interface FixtureJob {
  id?: unknown;
  content?: string;
  absolute_url?: string;
  location?: { name: string };
  offices?: unknown[];
  pay_input_ranges: { currency_type: string }[];
}

const fixture = (): { jobs: FixtureJob[]; meta: { total: number } } => JSON.parse(readFileSync(BOARD, 'utf8'));

function parse(body: string): ReturnType<typeof greenhouse.parse> {
  return greenhouse.parse(body, greenhouse.first(OPTIONS), OPTIONS);
}

function pageOf(body: string): ImportPage {
  const page = parse(body);
  if (isMalformed(page)) throw new Error(`unexpectedly malformed: ${page.malformed}`);
  return page;
}

/** The fixture with its jobs changed by `edit`, as a body. */
function edited(edit: (jobs: FixtureJob[]) => void): string {
  const board = fixture();
  edit(board.jobs);
  return JSON.stringify(board);
}

const byId = (page: ImportPage, id: string): AtsJob => {
  const job = page.jobs.find((j) => j.id === id);
  if (!job) throw new Error(`no job ${id}`);
  return job;
};

describe('greenhouse options and request', () => {
  it('reads the board token and defaults to the US host', () => {
    expect(OPTIONS).toEqual({ board: 'acme', region: 'us' });
    expect(greenhouse.first(OPTIONS)).toEqual({ url: 'https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true&pay_transparency=true' });
    expect(greenhouse.board(OPTIONS)).toBe('acme');
  });

  it('asks the EU host for an EU board', () => {
    const eu = greenhouse.options.parse({ board: 'acme', region: 'eu' });
    expect(greenhouse.first(eu).url).toBe('https://boards-api.eu.greenhouse.io/v1/boards/acme/jobs?content=true&pay_transparency=true');
  });

  it('rejects a missing board, an unknown key, an unknown region and a token that is not one', () => {
    expect(greenhouse.options.safeParse({}).success).toBe(false);
    expect(greenhouse.options.safeParse({ region: 'us' }).success).toBe(false);
    expect(greenhouse.options.safeParse({ board: 'acme', boards: 'typo' }).success).toBe(false);
    expect(greenhouse.options.safeParse({ board: 'acme', region: 'apac' }).success).toBe(false);
    expect(greenhouse.options.safeParse({ board: 'acme/../other' }).success).toBe(false);
  });

  it('names itself and its id prefix', () => {
    expect(greenhouse.name).toBe('greenhouse');
    expect(greenhouse.idPrefix).toBe('gh');
  });
});

describe('greenhouse board → the board and a remote job', () => {
  const page = pageOf(readFileSync(BOARD, 'utf8'));

  it("reads every job, the board's total, and nothing to report", () => {
    expect(page.jobs.map((j) => j.id)).toEqual(['4012345001', '4012345002', '4012345003', '4012345004']);
    expect(page.total).toBe(4);
    expect(page.next).toBeUndefined();
    expect(page.issues).toEqual([]);
  });

  it('maps a remote job with one pay range to its salary and applicant country', () => {
    const { descriptionHtml, ...job } = byId(page, '4012345001');
    expect(job).toEqual({
      id: '4012345001',
      title: 'Senior Platform Engineer — Payments',
      applyUrl: 'https://boards.greenhouse.io/acme/jobs/4012345001',
      url: 'https://boards.greenhouse.io/acme/jobs/4012345001',
      updatedAt: '2025-02-03T14:02:11-05:00',
      datePosted: '2025-01-06',
      requisitionId: 'ENG-204',
      department: 'Engineering',
      workplace: 'remote',
      locations: [],
      applicantCountries: ['US'],
      salary: { currency: 'USD', min: 150000, max: 190000, unit: 'YEAR' },
      language: 'en',
    });
    expect(descriptionHtml.length).toBeGreaterThan(150);
  });

  it('decodes the entity-escaped content back to HTML, once', () => {
    const html = byId(page, '4012345001').descriptionHtml;
    expect(html).toMatch(/^<div class="content-intro"><p>Acme moves money/);
    expect(html).toContain('<h2>What you’ll do</h2>');
    expect(html).toContain('<li>Design and run the services that settle card payments in under two seconds.</li>');
    expect(html).toContain('<li>Work with R&amp;D and Finance on the next generation of payouts.</li>');
    expect(html).toContain('with a&nbsp;team');
    expect(html).toContain('“boring”');
    expect(html).not.toContain('&lt;');
  });
});

describe('greenhouse board → jobs in places, with and without pay', () => {
  const page = pageOf(readFileSync(BOARD, 'utf8'));

  it('maps a job in two places to both places and a pay zone for each', () => {
    const job = byId(page, '4012345002');
    expect(job.workplace).toBe('onsite');
    expect(job.locations).toEqual([
      { locality: 'New York', region: 'NY', country: 'US' },
      { locality: 'Toronto', region: 'ON', country: 'CA' },
    ]);
    expect(job.payZones).toEqual([
      { title: 'New York', salary: { currency: 'USD', min: 175000, max: 210000, unit: 'YEAR' } },
      { title: 'Toronto', salary: { currency: 'CAD', min: 160000, max: 195000, unit: 'YEAR' } },
    ]);
    expect(job.salary).toBeUndefined();
    expect(job.applicantCountries).toBeUndefined();
    expect(job.datePosted).toBe('2025-02-01');
    expect(job.descriptionHtml).toContain(
      '<h3>Responsibilities</h3>\n<ul>\n<li>Lead the end-to-end design of reporting, from research to shipped pixels.</li>',
    );
    expect(job.descriptionHtml).toContain('<p><strong>Benefits</strong></p>');
  });

  it('maps a hybrid job without pay, date or requisition, in French', () => {
    const job = byId(page, '4012345003');
    expect(job).toMatchObject({ title: 'Ingénieur·e support client', workplace: 'hybrid', department: 'Service à la clientèle', language: 'fr' });
    expect(job.locations).toEqual([{ locality: 'Montréal', region: 'QC', country: 'CA' }]);
    expect(job).not.toHaveProperty('salary');
    expect(job).not.toHaveProperty('payZones');
    expect(job).not.toHaveProperty('datePosted');
    expect(job).not.toHaveProperty('requisitionId');
    expect(job.descriptionHtml).toContain('<li>Documenter les solutions dans notre base de connaissances « Aide Acme ».</li>');
    expect(job.descriptionHtml).toContain('complexes&nbsp;?');
  });

  it('reads a range whose title says hourly as pay per hour, in francs', () => {
    const job = byId(page, '4012345004');
    expect(job.salary).toEqual({ currency: 'CHF', min: 32, max: 38, unit: 'HOUR' });
    expect(job.locations).toEqual([{ locality: 'Zürich', country: 'CH' }]);
    expect(job.datePosted).toBe('2025-02-14');
  });
});

describe('greenhouse bodies that are not a board', () => {
  it.each([
    ['not JSON', '{'],
    ['a list', '[]'],
    ['jobs that are not a list', JSON.stringify({ jobs: 3 })],
    ['a total that is not a number', JSON.stringify({ ...fixture(), meta: { total: 'four' } })],
  ])('%s is malformed', (_what, body) => {
    const page = parse(body);
    expect(isMalformed(page)).toBe(true);
  });

  it('names the job and field when a job has no id', () => {
    const page = parse(edited((jobs) => delete jobs[1]!.id));
    expect(page).toEqual({ malformed: expect.stringContaining('jobs[1].id') });
  });

  it('is malformed when an id is text or the content is missing', () => {
    expect(isMalformed(parse(edited((jobs) => (jobs[0]!.id = '4012345001'))))).toBe(true);
    expect(parse(edited((jobs) => delete jobs[2]!.content))).toEqual({ malformed: expect.stringContaining('jobs[2].content') });
  });

  it('says why in words, without a stack', () => {
    const page = parse('{');
    if (!isMalformed(page)) throw new Error('expected malformed');
    expect(page.malformed).toMatch(/^the body is not JSON/);
    expect(page.malformed).not.toMatch(/\n\s+at /);
  });
});

describe('greenhouse jobs it cannot fully carry', () => {
  it('reports a place it cannot resolve with the job id and field', () => {
    const page = pageOf(
      edited((jobs) => {
        jobs[1]!.location = { name: 'Atlantis' };
        jobs[1]!.offices = [];
      }),
    );
    expect(byId(page, '4012345002').locations).toEqual([]);
    expect(page.issues).toEqual([{ severity: 'warning', job: '4012345002', field: 'location.name', message: expect.stringContaining('Atlantis') }]);
  });

  it('takes the place from the offices when the location is a nickname', () => {
    const page = pageOf(edited((jobs) => (jobs[1]!.location = { name: 'NYC' })));
    expect(byId(page, '4012345002').locations.map((l) => l.locality)).toEqual(['New York', 'Toronto']);
    expect(page.issues).toEqual([]);
  });

  it('leaves out a range in an unknown currency and says so', () => {
    const page = pageOf(
      edited((jobs) => {
        jobs[0]!.pay_input_ranges[0]!.currency_type = 'Dollars';
      }),
    );
    expect(byId(page, '4012345001')).not.toHaveProperty('salary');
    expect(page.issues).toEqual([{ severity: 'warning', job: '4012345001', field: 'pay_input_ranges[0].currency_type', message: expect.any(String) }]);
  });

  it('reports a job page that is not https', () => {
    const page = pageOf(edited((jobs) => (jobs[3]!.absolute_url = 'http://careers.example.com/jobs?gh_jid=4012345004')));
    expect(page.issues).toEqual([{ severity: 'error', job: '4012345004', field: 'absolute_url', message: expect.stringContaining('not https') }]);
  });

  it('keeps content that is already HTML as it is', () => {
    const page = pageOf(edited((jobs) => (jobs[0]!.content = '<p>Fish &amp; chips</p>')));
    expect(byId(page, '4012345001').descriptionHtml).toBe('<p>Fish &amp; chips</p>');
  });

  it('reads a plain "Remote" job with a country office as hiring in that country', () => {
    const page = pageOf(edited((jobs) => (jobs[0]!.location = { name: 'Remote' })));
    expect(byId(page, '4012345001')).toMatchObject({ workplace: 'remote', applicantCountries: ['US'] });
  });
});
