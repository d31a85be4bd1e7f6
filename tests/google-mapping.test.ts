/** How the model maps onto Google's JobPosting, read back from the built page as a crawler would. */
import { toJsonLd } from '../adapters/google/json-ld';
import { SHIPPED_CONFIG_TEXT, SHIPPED_POSTING_TEXT } from './helpers/project';
import { attr, build, collapse, elements, HYBRID_HOURLY, metaContent, onlyJsonLd, parseHtml, REMOTE_TWO_COUNTRIES, textOf, type Built } from './google-support';

const ldOf = (b: Built, id: string): Record<string, unknown> => JSON.parse(onlyJsonLd(parseHtml(b.read(`jobs/${id}/index.html`))));

let built: Built;
beforeAll(async () => {
  built = await build({ 'warehouse.yaml': HYBRID_HOURLY, 'devrel.yaml': REMOTE_TWO_COUNTRIES, 'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT });
});
afterAll(() => built.project.cleanup());

describe('several locations, hourly pay (hybrid)', () => {
  test('jobLocation is an array of full postal addresses, with no jobLocationType', () => {
    const ld = ldOf(built, 'warehouse');
    expect(ld.jobLocation).toEqual([
      {
        '@type': 'Place',
        address: {
          '@type': 'PostalAddress',
          streetAddress: '1600 Broadway',
          addressLocality: 'Denver',
          addressRegion: 'CO',
          postalCode: '80202',
          addressCountry: 'US',
        },
      },
      {
        '@type': 'Place',
        address: {
          '@type': 'PostalAddress',
          streetAddress: '350 5th Ave',
          addressLocality: 'New York',
          addressRegion: 'NY',
          postalCode: '10118',
          addressCountry: 'US',
        },
      },
    ]);
    expect(ld).not.toHaveProperty('jobLocationType');
    expect(ld).not.toHaveProperty('applicantLocationRequirements');
  });

  test('a single hourly amount is a QuantitativeValue with value and unitText HOUR', () => {
    expect(ldOf(built, 'warehouse').baseSalary).toEqual({
      '@type': 'MonetaryAmount',
      currency: 'USD',
      value: { '@type': 'QuantitativeValue', value: 21.5, unitText: 'HOUR' },
    });
  });

  test('several employment types stay an array; education and "no requirements" experience', () => {
    const ld = ldOf(built, 'warehouse');
    expect(ld.employmentType).toEqual(['PART_TIME', 'TEMPORARY']);
    expect(ld.educationRequirements).toEqual({ '@type': 'EducationalOccupationalCredential', credentialCategory: 'high school' });
    expect(ld.experienceRequirements).toBe('no requirements');
    expect(ld).not.toHaveProperty('experienceInPlaceOfEducation');
  });

  test('without a reference the identifier is the posting id; without apply.direct there is no directApply', () => {
    const ld = ldOf(built, 'warehouse');
    expect(ld.identifier).toEqual({ '@type': 'PropertyValue', name: 'Example Corp', value: 'warehouse' });
    expect(ld).not.toHaveProperty('directApply');
  });

  test('a date-only validThrough is the end of that day in the site time zone', () => {
    expect(ldOf(built, 'warehouse').validThrough).toBe('2027-01-15T23:59:59+00:00');
  });
});

describe('remote for two countries', () => {
  test('TELECOMMUTE always comes with the countries, and there is no jobLocation', () => {
    const ld = ldOf(built, 'devrel');
    expect(ld.jobLocationType).toBe('TELECOMMUTE');
    expect(ld.applicantLocationRequirements).toEqual([
      { '@type': 'Country', name: 'US' },
      { '@type': 'Country', name: 'CA' },
    ]);
    expect(ld).not.toHaveProperty('jobLocation');
  });

  test('a range is minValue/maxValue; one employment type is a plain string', () => {
    const ld = ldOf(built, 'devrel');
    expect(ld.baseSalary).toEqual({
      '@type': 'MonetaryAmount',
      currency: 'USD',
      value: { '@type': 'QuantitativeValue', minValue: 120000, maxValue: 150000, unitText: 'YEAR' },
    });
    expect(ld.employmentType).toBe('FULL_TIME');
  });

  test('education none and experience in months; booleans stay JSON booleans', () => {
    const ld = ldOf(built, 'devrel');
    expect(ld.educationRequirements).toBe('no requirements');
    expect(ld.experienceRequirements).toEqual({ '@type': 'OccupationalExperienceRequirements', monthsOfExperience: 18 });
    expect(ld.experienceInPlaceOfEducation).toBe(false);
    expect(ld.directApply).toBe(false);
    expect(ld.skills).toBe('Writing, TypeScript');
  });

  test('a validThrough date-time keeps its instant, written in the site time zone', () => {
    const v = ldOf(built, 'devrel').validThrough as string;
    expect(v).toBe('2027-03-31T22:00:00+00:00');
    expect(new Date(v).getTime()).toBe(new Date('2027-03-31T17:00:00-05:00').getTime());
  });
});

describe('the shipped role', () => {
  test('maps organization, identifier, url and requirements', () => {
    const ld = ldOf(built, 'ml-infrastructure-engineer');
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'JobPosting',
      title: 'ML Infrastructure Engineer',
      datePosted: '2026-11-28',
      hiringOrganization: {
        '@type': 'Organization',
        name: 'Example Corp',
        sameAs: ['https://www.example.com', 'https://www.linkedin.com/company/example'],
        logo: 'https://www.example.com/logo.png',
      },
      identifier: { '@type': 'PropertyValue', name: 'Example Corp', value: 'ENG-ML-INFRA-001' },
      url: 'http://localhost:3000/jobs/ml-infrastructure-engineer/',
      jobLocationType: 'TELECOMMUTE',
      applicantLocationRequirements: [{ '@type': 'Country', name: 'US' }],
      educationRequirements: { '@type': 'EducationalOccupationalCredential', credentialCategory: 'postgraduate degree' },
      experienceRequirements: { '@type': 'OccupationalExperienceRequirements', monthsOfExperience: 60 },
      experienceInPlaceOfEducation: false,
      occupationalCategory: '15-1252.00',
      industry: 'Software Development',
      directApply: true,
    });
    expect(ld).not.toHaveProperty('validThrough');
    expect(ld).not.toHaveProperty('baseSalary');
  });

  test("jobposting.json is the page's JSON-LD, byte for byte", () => {
    const page = parseHtml(built.read('jobs/ml-infrastructure-engineer/index.html'));
    expect(built.read('jobs/ml-infrastructure-engineer/jobposting.json')).toBe(onlyJsonLd(page).trim() + '\n');
  });
});

test('a date-only validThrough ends at 23:59:59 in the configured zone, with its offset', async () => {
  const config = SHIPPED_CONFIG_TEXT.replace('timezone: UTC', 'timezone: America/New_York');
  expect(config).not.toBe(SHIPPED_CONFIG_TEXT);
  const ny = await build({ 'warehouse.yaml': HYBRID_HOURLY.replace('validThrough: 2027-01-15', 'validThrough: 2027-02-28') }, { config });
  try {
    expect(ldOf(ny, 'warehouse').validThrough).toBe('2027-02-28T23:59:59-05:00');
  } finally {
    ny.project.cleanup();
  }
});

describe('apply links', () => {
  test('the page links through the counting redirect (the shipped tracking.redirect); JSON-LD url is the page', () => {
    const doc = parseHtml(built.read('jobs/warehouse/index.html'));
    const applyLinks = elements(doc, 'a')
      .filter((a) => attr(a, 'class') === 'apply')
      .map((a) => attr(a, 'href'));
    expect(applyLinks.length).toBeGreaterThan(0);
    for (const href of applyLinks) expect(href).toBe('http://localhost:3000/apply/warehouse/google');
    expect(elements(doc, 'a').map((a) => attr(a, 'href'))).toContain('mailto:ops@example.com');
    expect(ldOf(built, 'warehouse').url).toBe('http://localhost:3000/jobs/warehouse/');
  });

  test('without the redirect, the page links to the apply URL with the configurable source value, keeping its own query', async () => {
    const config = SHIPPED_CONFIG_TEXT.replace('  values: {}', '  values: { google: google_jobs }').replace(/redirect: true/, 'redirect: false');
    expect(config).not.toBe(SHIPPED_CONFIG_TEXT);
    const b = await build({ 'devrel.yaml': REMOTE_TWO_COUNTRIES }, { config });
    try {
      const hrefs = elements(parseHtml(b.read('jobs/devrel/index.html')), 'a')
        .filter((a) => attr(a, 'class') === 'apply')
        .map((a) => attr(a, 'href'));
      expect(new Set(hrefs)).toEqual(new Set(['https://careers.example.com/jobs/devrel/apply?utm_source=google_jobs']));
    } finally {
      b.project.cleanup();
    }
  });
});

describe('toJsonLd', () => {
  test('escapes < > & U+2028 U+2029 as \\uXXXX and round-trips exactly', () => {
    const value = { a: '</script><!-- ]]> & "q" \u2028\u2029 😀', n: [1, 2.5], b: true };
    const out = toJsonLd(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain('\\u003c/script\\u003e\\u003c!-- ]]\\u003e \\u0026');
    expect(out).toContain('\\u2028\\u2029');
    expect(JSON.parse(out)).toEqual(value);
  });
});

describe('channel options (channels.google in the site config)', () => {
  const withOptions = (flow: string) =>
    SHIPPED_CONFIG_TEXT.includes('\nchannels:\n')
      ? SHIPPED_CONFIG_TEXT.replace('\nchannels:\n', `\nchannels:\n  google: ${flow}\n`)
      : `${SHIPPED_CONFIG_TEXT}\nchannels:\n  google: ${flow}\n`;

  test('siteName and locale set the header, og:site_name, lang and how dates are written', async () => {
    const b = await build({ 'devrel.yaml': REMOTE_TWO_COUNTRIES }, { config: withOptions('{ siteName: Karriere bei Example, locale: de }') });
    try {
      const doc = parseHtml(b.read('jobs/devrel/index.html'));
      expect(attr(elements(doc, 'html')[0]!, 'lang')).toBe('de');
      expect(elements(doc, 'time').map((t) => textOf(t))).toContain('1. November 2026');
      expect(collapse(textOf(elements(doc, 'header')[0]!))).toBe('Karriere bei Example');
      expect(metaContent(doc, 'og:site_name')).toBe('Karriere bei Example');
    } finally {
      b.project.cleanup();
    }
  });

  test('an invalid locale is a config error, not a broken page', async () => {
    await expect(build({}, { config: withOptions('{ locale: "en US" }') })).rejects.toThrow(/locale/);
  });
});
