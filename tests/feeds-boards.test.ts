/**
 * Each board's rules and field mapping (docs/channels.md): per-board diagnostics that drop a posting
 * from that board only, Indeed's per-location reference numbers, the Indeed-shaped profile for
 * ZipRecruiter, LinkedIn's fields, Adzuna's countries, and streaming of large feeds.
 */
import { renderAll } from '../src/adapter';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ADZUNA_CODES } from '../adapters/adzuna';
import { INDEED_CODES } from '../adapters/indeed';
import { createIndeedShapedAdapter, jobPlaces, referenceNumbers } from '../adapters/shared/indeed-shape';
import { linkedin, LINKEDIN_CODES, PARTNER_JOB_ID_MAX } from '../adapters/linkedin';
import { ID_MAX } from '../src/model/posting';
import { ZIPRECRUITER_CODES } from '../adapters/ziprecruiter';
import type { PostingEntry } from '../src/adapter';
import { buildProject } from '../src/pipeline/build';
import { renderContext } from '../src/pipeline/context';
import { validateProject } from '../src/pipeline/validate';
import type { Posting } from '../src/model/posting';
import { siteLinks, type Project } from '../src/project';
import { descriptionHtml } from '../src/compose/description';
import { cdata, el } from '../src/xml/writer';
import {
  adapterNamed,
  bodyText,
  entryOf,
  FEED_PATHS,
  jobNodes,
  kid,
  kids,
  listedIds,
  mustParse,
  NOW,
  runChannel,
  shippedProject,
  textOf,
  validPosting,
  withSite,
  type FeedChannel,
  type XNode,
} from './feeds-support';
import { MINIMAL_POSTING, tempProject } from './helpers/project';

let project: Project;
beforeAll(async () => {
  project = await shippedProject();
});

const SUMMARY = 'We build the backend of a job syndication service and need one more engineer who likes correctness.';

function raw(over: Record<string, unknown> = {}) {
  return {
    title: 'Backend Engineer',
    status: 'open',
    datePosted: '2026-11-01',
    employmentType: ['FULL_TIME'],
    workplace: 'onsite',
    locations: [{ locality: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US', street: '1 Market St' }],
    summary: SUMMARY,
    responsibilities: ['Build and run services'],
    apply: { url: 'https://careers.example.com/jobs/backend-engineer/apply' },
    ...over,
  };
}

const posting = (over: Record<string, unknown> = {}, p = project): Posting => validPosting(p, raw(over));
const entry = (id: string, over: Record<string, unknown> = {}, p = project): PostingEntry => entryOf(id, posting(over, p), p.config);
const jobs = (channel: Exclude<FeedChannel, 'json-feed'>, text: string): XNode[] => jobNodes(channel, mustParse(text));
const codes = (run: { diagnostics: { code: string; severity: string }[] }) => run.diagnostics.map((d) => `${d.severity} ${d.code}`).sort();

describe('a board rule drops the posting from that board only', () => {
  it('an Adzuna-unsupported country: gone from adzuna with an error at file:line:col, still on every other feed', async () => {
    const tokyo = MINIMAL_POSTING.replace('Backend Engineer', 'Platform Engineer').replace(
      '{ locality: Berlin, postalCode: "10115", country: DE, street: Invalidenstraße 1 }',
      '{ locality: Tokyo, region: Tokyo, postalCode: "100-0005", country: JP }',
    );
    expect(tokyo).not.toBe(MINIMAL_POSTING);
    const tmp = tempProject({ 'platform-engineer.yaml': tokyo, 'backend-engineer.yaml': MINIMAL_POSTING });
    try {
      const opened = await tmp.open();
      const result = await buildProject(opened, { now: NOW });
      const read = (c: FeedChannel) => readFileSync(path.join(tmp.outDir, FEED_PATHS[c]), 'utf8');
      expect(listedIds('adzuna', read('adzuna'))).toEqual(['backend-engineer']);
      for (const c of ['rss', 'json-feed', 'linkedin', 'indeed', 'ziprecruiter'] as const)
        expect(listedIds(c, read(c)).sort()).toEqual(['backend-engineer', 'platform-engineer']);
      const d = result.diagnostics.find((x) => x.code === ADZUNA_CODES.COUNTRY_UNSUPPORTED)!;
      expect(d).toMatchObject({
        severity: 'error',
        channel: 'adzuna',
        posting: 'platform-engineer',
        field: 'locations.0.country',
        file: expect.stringMatching(/platform-engineer\.yaml$/),
        line: 7,
        col: expect.any(Number),
      });
      expect(d.message).toMatch(/AU, AT, BR, CA, FR, DE, IN, IT, NL, NZ, PL, RU, SG, ZA, UK, US/);
      expect(d.fix).toMatch(/exclude: \[adzuna\]/);
      // validate reports the same, and says where the posting was dropped.
      const v = await validateProject(opened, { now: NOW, checkAllStates: true });
      expect(v.channels.filter((c) => c.dropped.length).map((c) => [c.adapter.name, c.dropped])).toEqual([['adzuna', ['platform-engineer']]]);
    } finally {
      tmp.cleanup();
    }
  });

  it('LinkedIn: a description under 100 characters is an error for LinkedIn (and Adzuna), not for Indeed', async () => {
    const short = entry('short-role', { summary: 'Write code.', responsibilities: undefined });
    const linkedin = await runChannel(project, 'linkedin', [short]);
    expect(linkedin.dropped).toEqual(['short-role']);
    const d = linkedin.diagnostics.find((x) => x.code === LINKEDIN_CODES.DESCRIPTION_TOO_SHORT)!;
    expect(d).toMatchObject({ severity: 'error', field: 'summary', posting: 'short-role' });
    expect(d.message).toBe('LinkedIn requires a description of at least 100 characters; this one has 11');
    expect(d.fix).toMatch(/longer summary/);
    expect((await runChannel(project, 'adzuna', [short])).dropped).toEqual(['short-role']);
    expect((await runChannel(project, 'indeed', [short])).listed).toEqual(['short-role']);
    // Headings and bullets count: the same summary with a list is long enough.
    expect(
      (
        await runChannel(project, 'linkedin', [
          entry('ok', { summary: 'Write code.', responsibilities: ['Design, build and operate the services that move job postings to every board'] }),
        ])
      ).listed,
    ).toEqual(['ok']);
  });

  it('a decorated title is an error on Indeed, ZipRecruiter and Adzuna, a warning on LinkedIn', async () => {
    const e = entry('decorated', { title: 'Senior Engineer - Remote ($150k)' });
    for (const [channel, code] of [
      ['indeed', INDEED_CODES.TITLE_DECORATED],
      ['ziprecruiter', ZIPRECRUITER_CODES.TITLE_DECORATED],
      ['adzuna', ADZUNA_CODES.TITLE_DECORATED],
    ] as const) {
      const run = await runChannel(project, channel, [e]);
      expect(run.dropped).toEqual(['decorated']);
      expect(run.diagnostics.find((d) => d.code === code)).toMatchObject({
        severity: 'error',
        field: 'title',
        fix: expect.stringContaining('Senior Engineer'),
      });
    }
    const li = await runChannel(project, 'linkedin', [e]);
    expect(li.listed).toEqual(['decorated']);
    expect(codes(li)).toEqual([`warning ${LINKEDIN_CODES.TITLE_DECORATED}`]);
  });

  it.each(['ML Engineer (Remote)', 'Nurse - San Francisco', 'Engineer $120,000', 'URGENT Welder', 'Driver!', 'Part-time Barista', 'Analyst (REQ-12345)'])(
    'calls "%s" decorated',
    async (title) => {
      expect(codes(await runChannel(project, 'indeed', [entry('x', { title })]))).toContain(`error ${INDEED_CODES.TITLE_DECORATED}`);
    },
  );

  it.each(['Remote Sensing Scientist', 'C++ Engineer', 'Site Reliability Engineer, Platform', 'Head of Data / AI', 'Engineer II'])(
    'accepts "%s" as a plain title',
    async (title) => {
      expect(codes(await runChannel(project, 'indeed', [entry('x', { title })]))).toEqual([]);
    },
  );

  it('missing account details in the config are errors that name the setting to add', async () => {
    const bare = withSite(project, (s) => ({ ...s, organization: { name: s.organization.name, url: s.organization.url } }));
    const e = entry('backend-engineer', {}, bare);
    expect(codes(await runChannel(bare, 'linkedin', [e]))).toEqual([
      `error ${LINKEDIN_CODES.COMPANY_ID_MISSING}`,
      `error ${LINKEDIN_CODES.POSTER_EMAIL_MISSING}`,
    ]);
    const indeed = await runChannel(bare, 'indeed', [e]);
    expect(codes(indeed)).toEqual([`error ${INDEED_CODES.EMAIL_MISSING}`]);
    expect(indeed.diagnostics[0]!.fix).toMatch(/organization\.email/);
    // ZipRecruiter does not require the email: the same posting is listed there.
    expect((await runChannel(bare, 'ziprecruiter', [e])).listed).toEqual(['backend-engineer']);
  });
});

describe('indeed', () => {
  const three = [
    { locality: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US', street: '1 Market St' },
    { locality: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
    { locality: 'Toronto', region: 'ON', country: 'CA' },
  ];

  it('writes one job per location with unique referencenumbers and a shared requisitionid', async () => {
    const run = await runChannel(project, 'indeed', [entry('backend-engineer', { reference: 'ENG-42', locations: three })]);
    const list = jobs('indeed', run.text);
    const refs = list.map((j) => textOf(j, 'referencenumber')!);
    expect(refs[0]).toBe('backend-engineer');
    expect(refs.slice(1)).toEqual([expect.stringMatching(/^backend-engineer-[0-9a-f]{8}$/), expect.stringMatching(/^backend-engineer-[0-9a-f]{8}$/)]);
    expect(new Set(refs).size).toBe(3);
    expect(list.map((j) => textOf(j, 'requisitionid'))).toEqual(['ENG-42', 'ENG-42', 'ENG-42']);
    expect(list.map((j) => [textOf(j, 'city'), textOf(j, 'state'), textOf(j, 'country'), textOf(j, 'postalcode')])).toEqual([
      ['San Francisco', 'CA', 'US', '94105'],
      ['Austin', 'TX', 'US', '78701'],
      ['Toronto', 'ON', 'CA', undefined],
    ]);
  });

  it('keeps every referencenumber when other locations are reordered, edited or added', () => {
    const refsOf = (locations: unknown[]) => {
      const { places } = jobPlaces(posting({ locations }));
      return Object.fromEntries(places.map((pl, i) => [pl.city, referenceNumbers('backend-engineer', places)[i]]));
    };
    const before = refsOf(three);
    const after = refsOf([
      three[0],
      { ...three[2], postalCode: 'M5H 2N2' },
      { locality: 'Denver', region: 'CO', country: 'US' },
      { ...three[1], street: '500 Congress Ave' },
    ]);
    expect(after).toMatchObject(before);
    expect(Object.keys(after)).toHaveLength(4);
    // Pinned values: a change to the scheme would re-key every live job on Indeed.
    expect(before).toEqual({ 'San Francisco': 'backend-engineer', Austin: 'backend-engineer-fd8715ff', Toronto: 'backend-engineer-de74ae7a' });
  });

  it('lists a repeated location once, with a warning', async () => {
    const run = await runChannel(project, 'indeed', [
      entry('dup', { locations: [three[0], { ...three[0], locality: ' san  francisco ', street: '2 Main St' }] }),
    ]);
    expect(jobs('indeed', run.text)).toHaveLength(1);
    expect(run.diagnostics).toEqual([expect.objectContaining({ code: INDEED_CODES.DUPLICATE_LOCATION, severity: 'warning', field: 'locations.1' })]);
  });

  it('remote roles: one job per applicant country, city Remote, empty state and postalcode present', async () => {
    const run = await runChannel(project, 'indeed', [entry('remote-role', { workplace: 'remote', locations: undefined, applicantLocations: ['US', 'CA'] })]);
    const list = jobs('indeed', run.text);
    expect(
      list.map((j) => [
        textOf(j, 'referencenumber')?.startsWith('remote-role'),
        textOf(j, 'city'),
        textOf(j, 'state'),
        textOf(j, 'postalcode'),
        textOf(j, 'country'),
        textOf(j, 'remotetype'),
      ]),
    ).toEqual([
      [true, 'Remote', '', '', 'US', 'Fully remote'],
      [true, 'Remote', '', '', 'CA', 'Fully remote'],
    ]);
    expect(list.every((j) => kid(j, 'state') && kid(j, 'postalcode'))).toBe(true);
  });

  it('maps salary, job type, education, experience, category, dates with zones and tracking', async () => {
    const ny = withSite(project, (s) => ({ ...s, schedule: { ...s.schedule, timezone: 'America/New_York' } }));
    const p = posting(
      {
        workplace: 'hybrid',
        validThrough: '2027-02-28',
        employmentType: ['FULL_TIME', 'CONTRACTOR'],
        salary: { currency: 'USD', min: 185000, max: 245000, unit: 'YEAR' },
        education: { credential: 'bachelor degree' },
        experience: { months: 60 },
        department: 'Engineering',
        channels: { indeed: { category: 'Software Development' } },
      },
      ny,
    );
    const run = await runChannel(ny, 'indeed', [entryOf('backend-engineer', p, ny.config)]);
    const j = jobs('indeed', run.text)[0]!;
    expect({
      salary: textOf(j, 'salary'),
      jobtype: textOf(j, 'jobtype'),
      education: textOf(j, 'education'),
      experience: textOf(j, 'experience'),
      category: textOf(j, 'category'),
      date: textOf(j, 'date'),
      expirationdate: textOf(j, 'expirationdate'),
      remotetype: textOf(j, 'remotetype'),
      url: textOf(j, 'url'),
      email: textOf(j, 'email'),
      company: textOf(j, 'company'),
      sourcename: textOf(j, 'sourcename'),
      street: textOf(j, 'streetaddress'),
    }).toEqual({
      salary: '$185,000 - $245,000 per year',
      jobtype: 'fulltime, contract',
      education: "Bachelor's degree",
      experience: '5+ years',
      // The page's datePosted day at the site's midnight (EDT, the day DST ends), and the whole last day (EST).
      category: 'Software Development',
      date: '2026-11-01T00:00:00-04:00',
      expirationdate: '2027-02-28T23:59:59-05:00',
      remotetype: 'Hybrid remote',
      url: 'http://localhost:3000/jobs/backend-engineer/?utm_source=indeed',
      email: 'jobs@example.com',
      company: 'Example Corp',
      sourcename: 'Example Corp',
      street: '1 Market St',
    });
    const root = mustParse(run.text);
    expect([textOf(root, 'publisher'), textOf(root, 'publisherurl'), textOf(root, 'lastBuildDate')]).toEqual([
      'Example Corp',
      'https://www.example.com',
      'Sun, 01 Nov 2026 04:00:00 GMT',
    ]);
  });

  it('a US location without a state is an error on Indeed, while ZipRecruiter lists it without city', async () => {
    const e = entry('no-state', { locations: [{ locality: 'Springfield', postalCode: '62701', country: 'US' }] });
    const indeed = await runChannel(project, 'indeed', [e]);
    expect(indeed.dropped).toEqual(['no-state']);
    expect(indeed.diagnostics).toEqual([
      expect.objectContaining({ code: INDEED_CODES.STATE_MISSING, severity: 'error', field: 'locations.0.region', fix: expect.stringMatching(/region: CA/) }),
    ]);
    const zip = await runChannel(project, 'ziprecruiter', [e]);
    expect(zip.listed).toEqual(['no-state']);
    expect(codes(zip)).toEqual([`warning ${ZIPRECRUITER_CODES.CITY_WITHOUT_STATE}`]);
    const j = jobs('ziprecruiter', zip.text)[0]!;
    expect([kid(j, 'city'), kid(j, 'state'), textOf(j, 'postalcode'), textOf(j, 'country')]).toEqual([undefined, undefined, '62701', 'US']);
  });
});

describe('ziprecruiter is a profile of the Indeed shape', () => {
  it('same elements as Indeed, its own date format and remote convention', async () => {
    const e = entry('remote-role', { workplace: 'remote', locations: undefined, applicantLocations: ['US'], validThrough: '2027-02-28' });
    const zip = jobs('ziprecruiter', (await runChannel(project, 'ziprecruiter', [e])).text)[0]!;
    const indeed = jobs('indeed', (await runChannel(project, 'indeed', [e])).text)[0]!;
    expect(textOf(zip, 'date')).toBe('Sun, 01 Nov 2026 00:00:00 GMT');
    expect(textOf(zip, 'expirationdate')).toBe('Sun, 28 Feb 2027 23:59:59 GMT');
    expect([kid(zip, 'city'), kid(zip, 'state'), kid(zip, 'postalcode')]).toEqual([undefined, undefined, undefined]);
    expect(textOf(zip, 'url')).toBe('http://localhost:3000/jobs/remote-role/?utm_source=ziprecruiter');
    const names = (j: XNode) => j.children.map((c) => c.name).filter((n) => !['city', 'state', 'postalcode'].includes(n));
    expect(names(zip)).toEqual(names(indeed));
  });

  it('a further Indeed-shaped board is one profile: its root, date format, rules and extra elements', async () => {
    const jobrapido = createIndeedShapedAdapter({
      name: 'jobrapido',
      description: 'test board',
      path: 'feeds/jobrapido.xml',
      board: 'Jobrapido',
      root: 'jobs',
      codes: {
        TITLE_EMPTY: 'JR_TITLE_EMPTY',
        TITLE_DECORATED: 'JR_TITLE_DECORATED',
        DESCRIPTION_EMPTY: 'JR_DESCRIPTION_EMPTY',
        DUPLICATE_LOCATION: 'JR_DUPLICATE_LOCATION',
      },
      formatDate: (at) => at.toISOString().slice(0, 10).split('-').reverse().join('/'),
      remote: 'indeed',
      cityWithoutState: 'keep',
      rules: [({ entry: e }) => (e.posting.salary ? [] : [{ code: 'JR_NO_SALARY', severity: 'error', field: 'salary', message: 'Jobrapido wants pay' }])],
      extraElements: (e) => el('reference_id', cdata(e.id)),
    });
    const ctx = renderContext(jobrapido, project.config, NOW, siteLinks(project));
    expect(jobrapido.check!(entry('unpaid'), ctx)).toEqual([expect.objectContaining({ code: 'JR_NO_SALARY' })]);
    const paid = entry('paid', { salary: { currency: 'USD', value: 30, unit: 'HOUR' } });
    const root = mustParse(await bodyText(renderAll(jobrapido, [paid], ctx).artifacts[0]!.body));
    expect(root.name).toBe('jobs');
    const j = kids(root, 'job')[0]!;
    expect([textOf(j, 'date'), textOf(j, 'salary'), textOf(j, 'reference_id'), j.children.at(-1)!.name]).toEqual([
      '01/11/2026',
      '$30 per hour',
      'paid',
      'reference_id',
    ]);
  });

  it('rejects a vague company name and asks for the real employer', async () => {
    const vague = withSite(project, (s) => ({ ...s, organization: { ...s.organization, name: 'Confidential' } }));
    const run = await runChannel(vague, 'ziprecruiter', [entry('backend-engineer', {}, vague)]);
    expect(run.dropped).toEqual(['backend-engineer']);
    expect(run.diagnostics[0]).toMatchObject({
      code: ZIPRECRUITER_CODES.COMPANY_VAGUE,
      severity: 'error',
      fix: expect.stringMatching(/channels\.ziprecruiter\.company/),
    });
  });

  it('prefers a postal code, with a warning when a location has none', async () => {
    const run = await runChannel(project, 'ziprecruiter', [entry('x', { locations: [{ locality: 'Austin', region: 'TX', country: 'US' }] })]);
    expect(run.listed).toEqual(['x']);
    expect(codes(run)).toEqual([`warning ${ZIPRECRUITER_CODES.POSTALCODE_MISSING}`]);
  });
});

describe('linkedin', () => {
  it('writes location, workplace, job type, salary (integers), dates and the posting’s LinkedIn options', async () => {
    const ny = withSite(project, (s) => ({ ...s, schedule: { ...s.schedule, timezone: 'America/New_York' } }));
    const p = posting(
      {
        workplace: 'hybrid',
        employmentType: ['CONTRACTOR'],
        validThrough: '2027-02-28T12:00:00Z',
        salary: { currency: 'USD', min: 22.5, max: 30.25, unit: 'HOUR' },
        skills: ['Go', 'SQL'],
        channels: { linkedin: { jobFunctions: ['eng', 'it'], industryCodes: [4, 6], experienceLevel: 'MID_SENIOR_LEVEL' } },
      },
      ny,
    );
    const run = await runChannel(ny, 'linkedin', [entryOf('backend-engineer', p, ny.config)]);
    expect(codes(run)).toEqual([`warning ${LINKEDIN_CODES.SALARY_ROUNDED}`]);
    const j = jobs('linkedin', run.text)[0]!;
    const salary = kid(kid(j, 'salaries')!, 'salary')!;
    expect({
      location: textOf(j, 'location'),
      city: textOf(j, 'city'),
      state: textOf(j, 'state'),
      country: textOf(j, 'country'),
      postalCode: textOf(j, 'postalCode'),
      workplaceTypes: textOf(j, 'workplaceTypes'),
      jobtype: textOf(j, 'jobtype'),
      experienceLevel: textOf(j, 'experienceLevel'),
      industryCodes: kids(kid(j, 'industryCodes')!, 'industryCode').map((x) => x.text),
      jobFunctions: kids(kid(j, 'jobFunctions')!, 'jobFunction').map((x) => x.text),
      skills: kids(kid(j, 'skills')!, 'skill').map((x) => x.text),
      low: [textOf(kid(salary, 'lowEnd')!, 'amount'), textOf(kid(salary, 'lowEnd')!, 'currencyCode')],
      high: [textOf(kid(salary, 'highEnd')!, 'amount'), textOf(kid(salary, 'highEnd')!, 'currencyCode')],
      period: textOf(salary, 'period'),
      type: textOf(salary, 'type'),
      listDate: textOf(j, 'listDate'),
      expirationDate: textOf(j, 'expirationDate'),
      applyUrl: textOf(j, 'applyUrl'),
      companyId: textOf(j, 'companyId'),
      posterEmail: textOf(j, 'posterEmail'),
    }).toEqual({
      // LinkedIn's table: city, state, country and postalCode only without location, which is mandatory.
      location: 'San Francisco, CA',
      city: undefined,
      state: undefined,
      country: undefined,
      postalCode: undefined,
      workplaceTypes: 'Hybrid',
      jobtype: 'CONTRACT',
      experienceLevel: 'MID_SENIOR_LEVEL',
      industryCodes: ['4', '6'],
      jobFunctions: ['eng', 'it'],
      skills: ['Go', 'SQL'],
      low: ['22', 'USD'],
      high: ['31', 'USD'],
      period: 'HOURLY',
      type: 'BASE_SALARY',
      listDate: '11/01/2026',
      expirationDate: '02/28/2027',
      // The shipped config sends apply links through the counting redirect.
      applyUrl: 'http://localhost:3000/apply/backend-engineer/linkedin',
      companyId: '1234567',
      posterEmail: 'jobs@example.com',
    });
  });

  it('writes "City, Country" outside the US, and a city for every remote role: its office, else remoteLocation, else the country with a warning', async () => {
    const roles = (site: typeof project) => [
      entry('berlin', { locations: [{ locality: 'Berlin', postalCode: '10115', country: 'DE' }] }, site),
      entry('remote', { workplace: 'remote', locations: undefined, applicantLocations: ['GB', 'IE'] }, site),
      entry('office', { workplace: 'remote', locations: [{ locality: 'Dublin', country: 'IE' }], applicantLocations: ['GB', 'IE'] }, site),
    ];
    const placed = (text: string) =>
      Object.fromEntries(
        jobs('linkedin', text).map((j) => [textOf(j, 'partnerJobId'), [textOf(j, 'location'), textOf(j, 'country'), textOf(j, 'workplaceTypes')]]),
      );
    const withCity = withSite(project, (s) => ({
      ...s,
      channels: { ...s.channels, linkedin: { ...(s.channels.linkedin as object), remoteLocation: 'London, United Kingdom' } },
    }));
    const run = await runChannel(withCity, 'linkedin', roles(withCity));
    expect(placed(run.text)).toEqual({
      berlin: ['Berlin, Germany', undefined, 'On-site'],
      remote: ['London, United Kingdom', undefined, 'Remote'],
      office: ['Dublin, Ireland', undefined, 'Remote'],
    });
    expect(run.diagnostics).toEqual([]);

    const without = withSite(project, (s) => ({ ...s, channels: { ...s.channels, linkedin: {} } }));
    const bare = await runChannel(without, 'linkedin', roles(without));
    expect(placed(bare.text).remote).toEqual(['United Kingdom', undefined, 'Remote']);
    expect(bare.diagnostics.map((d) => [d.posting, d.severity, d.code])).toEqual([
      ['remote', 'warning', LINKEDIN_CODES.REMOTE_CITY_MISSING],
      ['remote', 'info', LINKEDIN_CODES.ONE_LOCATION],
    ]);
    expect(bare.diagnostics[0]!.fix).toContain('channels.linkedin.remoteLocation');
  });

  it("every posting id fits LinkedIn's partnerJobId, so no LinkedIn rule needs to check it", () => {
    expect(ID_MAX).toBeLessThanOrEqual(PARTNER_JOB_ID_MAX);
  });

  it('remoteLocation must be "City, ST" or "City, Country"', () => {
    for (const bad of ['San Francisco', 'a, b, c', '', 'Paris,\nFrance']) expect(linkedin.options!.safeParse({ remoteLocation: bad }).success).toBe(false);
    for (const good of ['San Francisco, CA', 'London, United Kingdom']) expect(linkedin.options!.safeParse({ remoteLocation: good }).success).toBe(true);
  });

  it('the LinkedIn options in a posting file are checked like any other field', () => {
    const bad = project.postingSchema.safeParse(raw({ channels: { linkedin: { experienceLevel: 'SENIOR', industryCodes: ['four'] } } }));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['channels.linkedin.experienceLevel', 'channels.linkedin.industryCodes.0']);
  });
});

describe('adzuna', () => {
  it('writes GB as UK, the city as location, salary fields and contract type/time', async () => {
    const e = entry('london', {
      employmentType: ['PART_TIME'],
      locations: [{ locality: 'London', postalCode: 'SW1A 1AA', country: 'GB' }],
      salary: { currency: 'GBP', min: 40000, max: 50000, unit: 'YEAR' },
      channels: { adzuna: { category: 'IT Jobs' } },
    });
    const j = jobs('adzuna', (await runChannel(project, 'adzuna', [e])).text)[0]!;
    expect(Object.fromEntries(j.children.filter((c) => c.name !== 'description').map((c) => [c.name, c.text]))).toEqual({
      id: 'london',
      title: 'Backend Engineer',
      url: 'http://localhost:3000/jobs/london/?utm_source=adzuna',
      location: 'London',
      postcode: 'SW1A 1AA',
      country: 'UK',
      salary: '£40,000 - £50,000 per year',
      salary_min: '40000',
      salary_max: '50000',
      salary_currency: 'GBP',
      salary_frequency: 'year',
      contract_type: 'permanent',
      contract_time: 'part_time',
      category: 'IT Jobs',
      date: '2026-11-01T00:00:00+00:00',
      company: 'Example Corp',
    });
    // Indeed keeps the ISO code.
    expect(textOf(jobs('indeed', (await runChannel(project, 'indeed', [e])).text)[0]!, 'country')).toBe('GB');
  });

  it('lists one job per place in a supported country (the first keeps the id), and says which place is left out', async () => {
    const run = await runChannel(project, 'adzuna', [
      entry('two', {
        locations: [
          { locality: 'Tokyo', country: 'JP' },
          { locality: 'Sydney', country: 'AU' },
          { locality: 'London', country: 'GB' },
        ],
      }),
    ]);
    const listed = jobs('adzuna', run.text).map((j) => [textOf(j, 'id'), textOf(j, 'location'), textOf(j, 'country')]);
    expect(listed).toEqual([
      ['two', 'Sydney', 'AU'],
      [expect.stringMatching(/^two-[0-9a-f]{8}$/), 'London', 'UK'],
    ]);
    expect(codes(run)).toEqual([`info ${ADZUNA_CODES.PLACE_LEFT_OUT}`]);
    expect(run.diagnostics.find((d) => d.code === ADZUNA_CODES.PLACE_LEFT_OUT)?.field).toBe('locations.0.country');
  });

  it('has no weekly frequency: only the salary text is sent, with a warning', async () => {
    const run = await runChannel(project, 'adzuna', [entry('weekly', { salary: { currency: 'USD', value: 1500, unit: 'WEEK' } })]);
    const j = jobs('adzuna', run.text)[0]!;
    expect([textOf(j, 'salary'), kid(j, 'salary_min'), kid(j, 'salary_frequency')]).toEqual(['$1,500 per week', undefined, undefined]);
    expect(codes(run)).toEqual([`warning ${ADZUNA_CODES.SALARY_FREQUENCY}`]);
  });
});

describe('board feeds stream', () => {
  const boards = ['linkedin', 'indeed', 'ziprecruiter', 'adzuna'] as const;

  it.each(boards)('%s: the body is a lazy iterable of chunks, one per posting, not one string', (channel) => {
    const adapter = adapterNamed(channel);
    const entries = Array.from({ length: 25 }, (_, i) => entry(`role-${i}`));
    const body = renderAll(adapter, entries, renderContext(adapter, project.config, NOW, siteLinks(project))).artifacts[0]!.body;
    expect(typeof body).not.toBe('string');
    expect(body).not.toBeInstanceOf(Uint8Array);
    const chunks = [...(body as Iterable<string>)];
    expect(chunks).toHaveLength(25 + 2);
    expect(chunks.slice(1, -1).every((c) => c.trimStart().startsWith('<job>') && c.trimEnd().endsWith('</job>'))).toBe(true);
  });

  it.each(boards)('%s: 2,000 postings stream into a feed a strict parser reads in full', async (channel) => {
    const p = posting();
    const entries = Array.from({ length: 2000 }, (_, i) => entryOf(`role-${i}`, p, project.config));
    const run = await runChannel(project, channel, entries);
    const list = jobs(channel, run.text);
    expect(list).toHaveLength(2000);
    expect(new Set(listedIds(channel, run.text)).size).toBe(2000);
  });
});

describe('description HTML in feeds', () => {
  it('escapes only & < > in text, so quotes reach boards as typed', () => {
    const html = descriptionHtml({ summary: `Master's "degree" & R<D>`, responsibilities: ["It's"] } as Posting);
    expect(html).toBe('<p>Master\'s "degree" &amp; R&lt;D&gt;</p>\n<p><strong>Responsibilities</strong></p>\n<ul><li>It\'s</li></ul>');
  });
});

describe('per-channel options in a posting file (docs/postings.md)', () => {
  it('accepts the documented channels block and each board uses its part', async () => {
    const yaml = `${MINIMAL_POSTING}channels:
  linkedin: { jobFunctions: [eng, it], industryCodes: [4], experienceLevel: MID_SENIOR_LEVEL }
  indeed: { category: Engineering }
  exclude: [adzuna]
`;
    const tmp = tempProject({ 'backend-engineer.yaml': yaml });
    try {
      const result = await buildProject(await tmp.open(), { now: NOW });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const read = (c: FeedChannel) => readFileSync(path.join(tmp.outDir, FEED_PATHS[c]), 'utf8');
      const li = jobs('linkedin', read('linkedin'))[0]!;
      expect([
        kids(kid(li, 'jobFunctions')!, 'jobFunction').map((x) => x.text),
        kids(kid(li, 'industryCodes')!, 'industryCode').map((x) => x.text),
        textOf(li, 'experienceLevel'),
      ]).toEqual([['eng', 'it'], ['4'], 'MID_SENIOR_LEVEL']);
      expect(textOf(jobs('indeed', read('indeed'))[0]!, 'category')).toBe('Engineering');
      expect(listedIds('adzuna', read('adzuna'))).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });
});
