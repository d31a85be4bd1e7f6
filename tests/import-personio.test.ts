/**
 * The Personio importer (importers/personio.ts) against a feed in the documented shape
 * (tests/fixtures/ats/personio/feed.xml): offices placed with the company's country, the
 * description blocks under their names, contract kinds and schedules, and feeds it refuses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { personio, type PersonioOptions } from '../importers/personio';
import { isMalformed, type AtsJob, type ImportPage } from '../src/import/importer';

const FEED = readFileSync(path.join(__dirname, 'fixtures', 'ats', 'personio', 'feed.xml'), 'utf8');
const OPTIONS: PersonioOptions = personio.options.parse({ company: 'acme', country: 'DE' });

function page(body: string = FEED, options: PersonioOptions = OPTIONS): ImportPage {
  const read = personio.parse(body, personio.first(options), options);
  if (isMalformed(read)) throw new Error(read.malformed);
  return read;
}
const jobOf = (p: ImportPage, id: string): AtsJob => {
  const found = p.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
};
const malformed = (body: string): string => {
  const read = personio.parse(body, personio.first(OPTIONS), OPTIONS);
  if (!isMalformed(read)) throw new Error('read as a feed');
  return read.malformed;
};

describe('personio: the request', () => {
  it('the feed of the company job site, on either domain, in a language when asked', () => {
    expect(personio.first(OPTIONS)).toEqual({ url: 'https://acme.jobs.personio.de/xml' });
    const english = personio.options.parse({ company: 'Acme', host: 'com', language: 'en' });
    expect(personio.first(english)).toEqual({ url: 'https://acme.jobs.personio.com/xml?language=en' });
    expect(personio.board(english)).toBe('acme');
    expect([personio.name, personio.idPrefix]).toEqual(['personio', 'ps']);
  });

  it('options need a company that is a host name, and take a country only as an ISO code', () => {
    expect(personio.options.safeParse({}).success).toBe(false);
    expect(personio.options.safeParse({ company: 'acme.example/x' }).success).toBe(false);
    expect(personio.options.safeParse({ company: 'acme', host: 'ch' }).success).toBe(false);
    expect(personio.options.safeParse({ company: 'acme', country: 'Germany' }).success).toBe(false);
    expect(personio.options.safeParse({ company: 'acme', language: 'english' }).success).toBe(false);
    expect(personio.options.parse({ company: 'acme', country: 'de' })).toEqual({ company: 'acme', host: 'de', country: 'DE' });
  });
});

describe('personio: the feed', () => {
  const p = page();

  it('maps every position, with no issues', () => {
    expect(p.jobs.map((j) => j.id)).toEqual(['1834171', '1834188', '1834202']);
    expect(p.issues).toEqual([]);
    expect(p.next).toBeUndefined();
    expect(p.pending).toBeUndefined();
  });

  it('a position in three offices, its blocks under their names, in order', () => {
    const j = jobOf(p, '1834171');
    expect(j).toMatchObject({
      title: 'Senior Backend-Entwickler:in (m/w/d)',
      applyUrl: 'https://acme.jobs.personio.de/job/1834171',
      url: 'https://acme.jobs.personio.de/job/1834171',
      department: 'Engineering',
      employmentType: ['FULL_TIME'],
      datePosted: '2026-02-24',
      locations: [
        { locality: 'München', country: 'DE' },
        { locality: 'Berlin', country: 'DE' },
        { locality: 'Hamburg', country: 'DE' },
      ],
    });
    expect(j.workplace).toBeUndefined();
    expect(j.salary).toBeUndefined();
    const html = j.descriptionHtml;
    expect(html.startsWith('<h3>Deine Aufgaben</h3><p>Unser Abrechnungssystem')).toBe(true);
    expect(html.indexOf('<h3>Dein Profil</h3>')).toBeGreaterThan(html.indexOf('<h3>Deine Aufgaben</h3>'));
    expect(html.indexOf('<h3>Was wir bieten</h3>')).toBeGreaterThan(html.indexOf('<h3>Dein Profil</h3>'));
    expect(html).toContain('<li>Mindestens fünf Jahre Erfahrung mit verteilten Backend-Systemen</li>');
    expect(html).toContain('verbuchen — in München, Berlin oder Hamburg');
  });

  it('a remote position, open to the company country, full- or part-time', () => {
    const j = jobOf(p, '1834188');
    expect(j).toMatchObject({ title: 'Customer Success Manager — DACH', workplace: 'remote', locations: [], applicantCountries: ['DE'] });
    expect(j.employmentType).toEqual(['FULL_TIME', 'PART_TIME']);
    expect(j.descriptionHtml).toContain('<li>Onboarding-Workshops per Video leiten</li>');
    expect(j.descriptionHtml).toContain('Café am Zürichsee');
  });

  it('an office that names its country, a working student', () => {
    const j = jobOf(p, '1834202');
    expect(j.locations).toEqual([{ locality: 'Wien', country: 'AT' }]);
    expect(j.employmentType).toEqual(['PART_TIME']);
    expect(j.datePosted).toBe('2026-03-11');
  });

  it('the language it was asked for', () => {
    const english = personio.options.parse({ company: 'acme', language: 'en', country: 'DE' });
    expect(page(FEED, english).jobs.every((j) => j.language === 'en')).toBe(true);
    expect(p.jobs.every((j) => j.language === undefined)).toBe(true);
  });
});

describe('personio: what it reports', () => {
  it('offices it cannot place without the company country, with the job and the field', () => {
    const p = page(FEED, personio.options.parse({ company: 'acme' }));
    expect(jobOf(p, '1834202').locations).toEqual([{ locality: 'Wien', country: 'AT' }]);
    expect(p.issues.map((i) => [i.severity, i.job, i.field])).toEqual([
      ['warning', '1834171', 'office'],
      ['warning', '1834171', 'additionalOffices.office[0]'],
      ['warning', '1834171', 'additionalOffices.office[1]'],
      ['warning', '1834188', 'office'],
    ]);
    expect(p.issues[0]?.message).toContain('München');
  });

  it('contract kinds and schedules it does not know', () => {
    const body = FEED.replace('<employmentType>working_student</employmentType>', '<employmentType>minijob</employmentType>').replace(
      '<schedule>part-time</schedule>',
      '<schedule>shifts</schedule>',
    );
    const p = page(body);
    expect(jobOf(p, '1834202').employmentType).toBeUndefined();
    expect(p.issues.map((i) => `${i.job} ${i.field}`)).toEqual(['1834202 employmentType', '1834202 schedule']);
  });
});

describe('personio: feeds it refuses', () => {
  it('not XML, or not a whole document', () => {
    expect(malformed(FEED.slice(0, 400))).toMatch(/^not well-formed XML: /);
    expect(malformed('<workzag-jobs><position><id>1</id></workzag-jobs>')).toMatch(/^not well-formed XML: /);
    expect(malformed('')).toMatch(/^not well-formed XML: .*root element/);
  });

  it('another root: the page Personio answers for a company it does not know', () => {
    expect(malformed('<html><body><h1>Page not found</h1></body></html>')).toBe('the root element is <html>, not <workzag-jobs>');
  });

  it('a position without an id, or without a name', () => {
    expect(malformed(FEED.replace('<id>1834188</id>', ''))).toBe('position[1].id: missing');
    expect(malformed(FEED.replace('<id>1834188</id>', '<id>CS-7</id>'))).toBe('position[1].id: must be the position number');
    expect(malformed(FEED.replace('<name>Werkstudent:in Marketing (20 Std./Woche)</name>', ''))).toBe('position[2].name: missing');
  });

  it('an empty feed is a board with no positions', () => {
    expect(page('<?xml version="1.0" encoding="UTF-8"?>\n<workzag-jobs/>').jobs).toEqual([]);
  });
});
