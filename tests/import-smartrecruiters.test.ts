/**
 * The SmartRecruiters importer (importers/smartrecruiters.ts) against two list pages and one detail
 * per posting in the documented shape (tests/fixtures/ats/smartrecruiters/): paging by the count,
 * each posting pending its detail, the job ad's sections, pay, places, and bodies it refuses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { smartrecruiters, type SmartRecruitersOptions } from '../importers/smartrecruiters';
import { isMalformed, type AtsJob, type ImportIssue, type ImportPage, type PendingJob } from '../src/import/importer';

const fixture = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', 'ats', 'smartrecruiters', name), 'utf8');
const OPTIONS: SmartRecruitersOptions = smartrecruiters.options.parse({ company: 'AcmeCorp' });
const API = 'https://api.smartrecruiters.com/v1/companies/AcmeCorp/postings';
const HYBRID = '744000061512345';
const REMOTE = '744000061512399';
const CAFE = '744000061512402';

function listPage(body: string): ImportPage {
  const read = smartrecruiters.parse(body, smartrecruiters.first(OPTIONS), OPTIONS);
  if (isMalformed(read)) throw new Error(read.malformed);
  return read;
}
/** The pending job of a posting, as the first page gave it. */
function pendingOf(id: string): PendingJob {
  const all = [...(listPage(fixture('page-0.json')).pending ?? []), ...(listPage(fixture('page-1.json')).pending ?? [])];
  const found = all.find((p) => p.id === id);
  if (!found) throw new Error(`no pending ${id}`);
  return found;
}
function detailOf(id: string, body: string = fixture(`posting-${id}.json`)): { job: AtsJob; issues: ImportIssue[] } {
  const read = smartrecruiters.parseDetail!(body, pendingOf(id), OPTIONS);
  if (isMalformed(read)) throw new Error(read.malformed);
  return read;
}
/** A fixture body changed, written back. */
const changed = (name: string, change: (o: Record<string, unknown>) => unknown): string =>
  JSON.stringify(change(JSON.parse(fixture(name)) as Record<string, unknown>));

describe('smartrecruiters: the requests', () => {
  it('the first page of the list, a hundred at a time', () => {
    expect(smartrecruiters.first(OPTIONS)).toEqual({ url: `${API}?limit=100&offset=0` });
    expect(smartrecruiters.board(OPTIONS)).toBe('AcmeCorp');
    expect([smartrecruiters.name, smartrecruiters.idPrefix]).toEqual(['smartrecruiters', 'sr']);
  });

  it('options need the company identifier, spelled as one', () => {
    expect(smartrecruiters.options.safeParse({}).success).toBe(false);
    expect(smartrecruiters.options.safeParse({ company: 'Acme/../x' }).success).toBe(false);
    expect(smartrecruiters.options.safeParse({ company: 'AcmeCorp', board: 'x' }).success).toBe(false);
  });
});

describe('smartrecruiters: the list', () => {
  it('page 0: two postings pending, the next page, the count', () => {
    const p = listPage(fixture('page-0.json'));
    expect(p.jobs).toEqual([]);
    expect(p.total).toBe(3);
    expect(p.next).toEqual({ url: `${API}?limit=2&offset=2` });
    expect(p.pending?.map((x) => [x.id, x.request.url])).toEqual([
      [HYBRID, `${API}/${HYBRID}`],
      [REMOTE, `${API}/${REMOTE}`],
    ]);
    expect(p.issues).toEqual([]);
  });

  it('page 1: the last posting, no further page', () => {
    const p = listPage(fixture('page-1.json'));
    expect(p.pending?.map((x) => x.id)).toEqual([CAFE]);
    expect(p.total).toBe(3);
    expect(p.next).toBeUndefined();
  });
});

describe('smartrecruiters: the details', () => {
  it('a hybrid posting: the sections in order under their titles, pay without a period read as yearly', () => {
    const { job, issues } = detailOf(HYBRID);
    expect(job).toMatchObject({
      id: HYBRID,
      title: 'Senior Data Engineer (m/w/d)',
      applyUrl: `https://jobs.smartrecruiters.com/AcmeCorp/${HYBRID}-apply`,
      url: `https://jobs.smartrecruiters.com/AcmeCorp/${HYBRID}`,
      workplace: 'hybrid',
      locations: [{ locality: 'München', region: 'Bavaria', country: 'DE' }],
      salary: { currency: 'EUR', min: 72000, max: 90000, unit: 'YEAR' },
      employmentType: ['FULL_TIME'],
      department: 'Data Platform',
      requisitionId: 'REQ-2026-014',
      datePosted: '2026-03-03',
      language: 'de',
    });
    expect(job.applicantCountries).toBeUndefined();
    const html = job.descriptionHtml;
    const order = ['<h3>Company Description</h3>', '<h3>Deine Aufgaben</h3>', '<h3>Dein Profil</h3>', '<h3>Zusätzliche Informationen</h3>'].map((h) =>
      html.indexOf(h),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBe(0);
    expect(html).toContain('<li>Batch- und Streaming-Pipelines in Python und Spark entwickeln</li>');
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', job: HYBRID, field: 'compensation' })]);
  });

  it('a remote posting without pay: open to its country', () => {
    const { job, issues } = detailOf(REMOTE);
    expect(job).toMatchObject({
      title: 'Remote Support Specialist — EMEA',
      workplace: 'remote',
      locations: [{ locality: 'Lisboa', region: 'Lisboa', country: 'PT' }],
      applicantCountries: ['PT'],
      language: 'en',
    });
    expect(job.salary).toBeUndefined();
    expect(job.descriptionHtml).toContain('<li>Answer tickets and calls in English and one more European language</li>');
    expect(issues).toEqual([]);
  });

  it('an on-site part-time posting paid by the month', () => {
    const { job, issues } = detailOf(CAFE);
    expect(job).toMatchObject({
      title: 'Chef de Cuisine (m/w/d)',
      workplace: 'onsite',
      employmentType: ['PART_TIME'],
      locations: [{ locality: 'Zürich', region: 'ZH', country: 'CH' }],
      salary: { currency: 'CHF', min: 5200, max: 6100, unit: 'MONTH' },
    });
    expect(job.descriptionHtml).toContain('<li>Lieferant:innen aus der Region auswählen</li>');
    expect(issues).toEqual([]);
  });

  it('what the detail leaves out, the list entry gives', () => {
    const body = changed(`posting-${CAFE}.json`, ({ location: _l, department: _d, ...d }) => d);
    const { job } = detailOf(CAFE, body);
    expect(job.locations).toEqual([{ locality: 'Zürich', region: 'ZH', country: 'CH' }]);
    expect(job.department).toBe('Hospitality');
  });
});

describe('smartrecruiters: what it reports', () => {
  it('a place it cannot tell, with the job and the field', () => {
    const body = changed(`posting-${CAFE}.json`, (d) => ({ ...d, location: { city: 'Atlantis', country: 'xx', remote: false } }));
    const pending = { ...pendingOf(CAFE), partial: undefined };
    const read = smartrecruiters.parseDetail!(body, pending, OPTIONS);
    if (isMalformed(read)) throw new Error(read.malformed);
    expect(read.job.locations).toEqual([]);
    expect(read.issues).toEqual([expect.objectContaining({ severity: 'warning', job: CAFE, field: 'location.country' })]);
  });

  it('pay it cannot carry, and a type of employment it does not know', () => {
    const body = changed(`posting-${CAFE}.json`, (d) => ({
      ...d,
      compensation: { min: 5200, max: 6100, currency: 'CHF', period: 'FORTNIGHT' },
      typeOfEmployment: { label: 'Saisonstelle' },
    }));
    const { job, issues } = detailOf(CAFE, body);
    expect(job.salary).toBeUndefined();
    expect(job.employmentType).toBeUndefined();
    expect(issues.map((i) => `${i.job} ${i.field}`).sort()).toEqual([`${CAFE} compensation.period`, `${CAFE} typeOfEmployment.label`]);
  });
});

describe('smartrecruiters: bodies it refuses', () => {
  const malformedList = (body: string): string => {
    const read = smartrecruiters.parse(body, smartrecruiters.first(OPTIONS), OPTIONS);
    if (!isMalformed(read)) throw new Error('read as a list');
    return read.malformed;
  };
  const malformedDetail = (id: string, body: string): string => {
    const read = smartrecruiters.parseDetail!(body, pendingOf(id), OPTIONS);
    if (!isMalformed(read)) throw new Error('read as a detail');
    return read.malformed;
  };

  it('not JSON', () => {
    expect(malformedList(fixture('page-0.json').slice(0, 300))).toMatch(/^the body is not JSON \(/);
    expect(malformedDetail(CAFE, '')).toMatch(/^the body is not JSON \(/);
  });

  it('a list without its count, or not a list', () => {
    expect(malformedList(changed('page-0.json', ({ totalFound: _t, ...p }) => p))).toMatch(/^totalFound: /);
    expect(malformedList(JSON.stringify({ postings: [] }))).toMatch(/^offset: /);
    expect(malformedList(changed('page-0.json', (p) => ({ ...p, limit: 0 })))).toMatch(/^limit: /);
  });

  it('a listed posting without an id', () => {
    const body = changed('page-0.json', (p) => ({ ...p, content: (p.content as Record<string, unknown>[]).map(({ id: _id, ...e }) => e) }));
    expect(malformedList(body)).toMatch(/^content\[0\]\.id: /);
  });

  it('a detail without its job ad, of another posting, or with nowhere to apply', () => {
    expect(
      malformedDetail(
        CAFE,
        changed(`posting-${CAFE}.json`, ({ jobAd: _j, ...d }) => d),
      ),
    ).toMatch(/^jobAd: /);
    expect(malformedDetail(CAFE, fixture(`posting-${REMOTE}.json`))).toBe(`id: the detail is of posting ${REMOTE}, not ${CAFE}`);
    const nowhere = changed(`posting-${CAFE}.json`, ({ applyUrl: _a, postingUrl: _p, ...d }) => d);
    expect(malformedDetail(CAFE, nowhere)).toBe('applyUrl: missing, and no postingUrl either');
    const http = changed(`posting-${CAFE}.json`, (d) => ({ ...d, applyUrl: 'http://jobs.smartrecruiters.com/AcmeCorp/x' }));
    expect(malformedDetail(CAFE, http)).toBe('applyUrl: must be an https URL');
  });
});
