/**
 * The Lever importer (importers/lever.ts) read against a site in the Postings API's documented shape
 * (tests/fixtures/ats/lever/postings.json): every field it maps, the bodies it refuses as malformed,
 * and the places, types and pay it reports instead of guessing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lever } from '../importers/lever';
import { isMalformed, type AtsJob, type ImportPage } from '../src/import/importer';

const POSTINGS = path.join(__dirname, 'fixtures', 'ats', 'lever', 'postings.json');
const OPTIONS = lever.options.parse({ site: 'acme' });

const REMOTE = '3f6c1e2a-8b47-4d0e-9a15-2c7b9e4d1a01';
const HYBRID = '8d2a4b6c-1e3f-4a5b-9c7d-0e1f2a3b4c02';
const INTERN = 'c4e5f6a7-2b3c-4d5e-8f9a-1b2c3d4e5f03';

/** The fields of a fixture posting the tests change. */
interface FixturePosting {
  id?: string;
  applyUrl?: string;
  lists?: unknown;
  workplaceType?: string;
  country?: string | null;
  categories: { allLocations?: string[]; commitment?: string };
  salaryRange: { interval: string };
}

const fixture = (): FixturePosting[] => JSON.parse(readFileSync(POSTINGS, 'utf8'));

function parse(body: string): ReturnType<typeof lever.parse> {
  return lever.parse(body, lever.first(OPTIONS), OPTIONS);
}

function pageOf(body: string): ImportPage {
  const page = parse(body);
  if (isMalformed(page)) throw new Error(`unexpectedly malformed: ${page.malformed}`);
  return page;
}

/** The fixture with its postings changed by `edit`, as a body. */
function edited(edit: (postings: FixturePosting[]) => void): string {
  const postings = fixture();
  edit(postings);
  return JSON.stringify(postings);
}

const byId = (page: ImportPage, id: string): AtsJob => {
  const job = page.jobs.find((j) => j.id === id);
  if (!job) throw new Error(`no job ${id}`);
  return job;
};

describe('lever options and request', () => {
  it('reads the site and defaults to the global instance', () => {
    expect(OPTIONS).toEqual({ site: 'acme', region: 'us' });
    expect(lever.first(OPTIONS)).toEqual({ url: 'https://api.lever.co/v0/postings/acme?mode=json' });
    expect(lever.board(OPTIONS)).toBe('acme');
  });

  it('asks the EU instance for an EU site', () => {
    expect(lever.first(lever.options.parse({ site: 'acme', region: 'eu' })).url).toBe('https://api.eu.lever.co/v0/postings/acme?mode=json');
  });

  it('rejects a missing site, an unknown key and a site that is not one', () => {
    expect(lever.options.safeParse({}).success).toBe(false);
    expect(lever.options.safeParse({ region: 'eu' }).success).toBe(false);
    expect(lever.options.safeParse({ site: 'acme', board: 'acme' }).success).toBe(false);
    expect(lever.options.safeParse({ site: 'acme?mode=html' }).success).toBe(false);
  });

  it('names itself and its id prefix', () => {
    expect(lever.name).toBe('lever');
    expect(lever.idPrefix).toBe('lv');
  });
});

describe('lever postings → the site and a remote posting', () => {
  const page = pageOf(readFileSync(POSTINGS, 'utf8'));

  it('reads every posting, with no total (Lever gives none) and nothing to report', () => {
    expect(page.jobs.map((j) => j.id)).toEqual([REMOTE, HYBRID, INTERN]);
    expect(page.total).toBeUndefined();
    expect(page.next).toBeUndefined();
    expect(page.issues).toEqual([]);
  });

  it('maps a remote posting with a yearly range', () => {
    const { descriptionHtml, ...job } = byId(page, REMOTE);
    expect(job).toEqual({
      id: REMOTE,
      title: 'Senior Site Reliability Engineer',
      applyUrl: `https://jobs.lever.co/acme/${REMOTE}/apply`,
      url: `https://jobs.lever.co/acme/${REMOTE}`,
      datePosted: '2025-01-20',
      department: 'R&D',
      employmentType: ['FULL_TIME'],
      workplace: 'remote',
      locations: [],
      applicantCountries: ['US'],
      salary: { currency: 'USD', min: 160000, max: 205000, unit: 'YEAR' },
    });
    expect(descriptionHtml.length).toBeGreaterThan(150);
  });

  it('joins description, lists and closing in that order, each list under its heading', () => {
    const html = byId(page, REMOTE).descriptionHtml;
    const order = [
      '<div><b>Acme</b> keeps the lights on',
      '<h3>What you’ll do</h3><ul><li>Run and improve',
      '<h3>What you bring</h3><ul>',
      '<div>Acme is an equal-opportunity employer.',
    ];
    const at = order.map((part) => html.indexOf(part));
    expect(at).not.toContain(-1);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(html).toContain('<li>Lead incident response and the reviews that follow.</li></ul>');
    expect(html).toContain('“golden paths”');
  });
});

describe('lever postings → jobs in places, with and without pay', () => {
  const page = pageOf(readFileSync(POSTINGS, 'utf8'));

  it('maps a hybrid posting in two places with an hourly range', () => {
    const job = byId(page, HYBRID);
    expect(job).toMatchObject({ title: 'Ingénieur·e de données', workplace: 'hybrid', employmentType: ['PART_TIME'], datePosted: '2025-02-03' });
    expect(job.locations).toEqual([
      { locality: 'Montréal', region: 'Quebec', country: 'CA' },
      { locality: 'Toronto', region: 'ON', country: 'CA' },
    ]);
    expect(job.salary).toEqual({ currency: 'CAD', min: 42, max: 55, unit: 'HOUR' });
    expect(job.applicantCountries).toBeUndefined();
    expect(job.descriptionHtml).toContain('<h3>Votre profil</h3><ul><li>Trois ans d’expérience en ingénierie des données.</li>');
  });

  it("maps an on-site internship without pay, placing a bare city in the posting's country", () => {
    const job = byId(page, INTERN);
    expect(job).toMatchObject({ title: 'Praktikant:in Produktmarketing', workplace: 'onsite', employmentType: ['INTERN'], department: 'Marketing' });
    expect(job.locations).toEqual([{ locality: 'Zürich', country: 'CH' }]);
    expect(job).not.toHaveProperty('salary');
    expect(job.descriptionHtml).toContain('<h3>Was du mitbringst</h3><ul><li>Ein laufendes Studium');
    expect(job.descriptionHtml.endsWith('</ul>')).toBe(true);
  });
});

describe('lever bodies that are not a list of postings', () => {
  it.each([
    ['not JSON', '{'],
    ['an object', '{}'],
    ['a wrapped list', JSON.stringify({ postings: fixture() })],
  ])('%s is malformed', (_what, body) => {
    expect(isMalformed(parse(body))).toBe(true);
  });

  it('names the posting and field when a posting has no id', () => {
    expect(parse(edited((p) => delete p[2]!.id))).toEqual({ malformed: expect.stringContaining('[2].id') });
  });

  it('is malformed when lists is not a list or the apply URL is missing', () => {
    expect(parse(edited((p) => (p[0]!.lists = 'none')))).toEqual({ malformed: expect.stringContaining('[0].lists') });
    expect(parse(edited((p) => delete p[1]!.applyUrl))).toEqual({ malformed: expect.stringContaining('[1].applyUrl') });
  });
});

describe('lever postings it cannot fully carry', () => {
  it('reports a place it cannot resolve with the posting id and field', () => {
    const page = pageOf(
      edited((p) => {
        p[2]!.categories.allLocations = ['Atlantis'];
        p[2]!.country = null;
      }),
    );
    expect(byId(page, INTERN).locations).toEqual([]);
    expect(page.issues).toEqual([{ severity: 'warning', job: INTERN, field: 'categories.allLocations[0]', message: expect.stringContaining('Atlantis') }]);
  });

  it('reads the workplace from the location when Lever leaves it unspecified', () => {
    const page = pageOf(
      edited((p) => {
        p[0]!.workplaceType = 'unspecified';
        p[0]!.categories.allLocations = ['Remote (Canada)'];
        p[0]!.categories.commitment = 'Contract';
      }),
    );
    expect(byId(page, REMOTE)).toMatchObject({ workplace: 'remote', applicantCountries: ['CA'], employmentType: ['CONTRACTOR'] });
  });

  it('falls back to the only location field on postings without allLocations', () => {
    const page = pageOf(edited((p) => delete p[1]!.categories.allLocations));
    expect(byId(page, HYBRID).locations).toEqual([{ locality: 'Montréal', region: 'Quebec', country: 'CA' }]);
  });

  it('leaves out pay with no period it knows, and a commitment it cannot type, and says so', () => {
    const page = pageOf(
      edited((p) => {
        p[0]!.salaryRange.interval = 'one-time';
        p[0]!.categories.commitment = 'Flexible';
      }),
    );
    const job = byId(page, REMOTE);
    expect(job).not.toHaveProperty('salary');
    expect(job).not.toHaveProperty('employmentType');
    expect(page.issues.map((i) => [i.job, i.field])).toEqual([
      [REMOTE, 'salaryRange.interval'],
      [REMOTE, 'categories.commitment'],
    ]);
  });

  it('reports an apply URL that is not https', () => {
    const page = pageOf(edited((p) => (p[1]!.applyUrl = `http://jobs.lever.co/acme/${HYBRID}/apply`)));
    expect(page.issues).toEqual([{ severity: 'error', job: HYBRID, field: 'applyUrl', message: expect.stringContaining('not https') }]);
  });
});
