/**
 * Issue #16, part 2: one role in English, French and German. The real build with every channel; each
 * page parsed (parse5) with its language, JSON-LD and hreflang set (reciprocal, complete, x-default);
 * the sitemap's alternates (XML parser) the same sets; the per-language feeds parsed (rss-parser,
 * JSON); dates and amounts in each language (Intl); and a publish against fake receivers where
 * editing only the German summary tells only the German page's and feeds' receivers.
 */
import Parser from 'rss-parser';
import { adapters as defaultAdapters } from '../adapters';
import { email, roleEmail } from '../adapters/email';
import { entryOf } from './feeds-support';
import { attr, build, collapse, elements, onlyJsonLd, parseHtml, textOf as htmlText, type Built, type HtmlNode } from './google-support';
import { kid, kids, mustParse, textOf } from './feeds-support';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { BASE_URL, publishEnv, type PublishEnv } from './helpers/publish-env';
import { validateJson } from './helpers/cli';
import { tempProject } from './helpers/project';
import { renderContext } from '../src/pipeline/context';
import { jobPages } from '../adapters/google/urls';
import { postingSchemaFor } from '../src/project';
import { parse as parseYaml } from 'yaml';
import { isolatedConfig } from './google-support';

const ID = 'platform-engineer';
const GERMAN_SUMMARY = 'Sie bauen die Plattform, auf der unsere Teams in Montréal und Berlin ausliefern: Cluster, Pipelines und Werkzeuge.';
export const TRILINGUAL = `title: Platform Engineer
reference: ENG-PLAT-9
status: open
datePosted: 2026-11-20
validThrough: 2027-02-28
employmentType: [FULL_TIME]
workplace: hybrid
locations:
  - { street: 1 Rue Sainte-Catherine O, locality: Montréal, region: QC, postalCode: "H2X 1Y4", country: CA }
salary: { currency: CAD, min: 120000, max: 150000, unit: YEAR }
summary: You build the platform our teams in Montréal and Berlin ship on, from clusters to pipelines and tools.
responsibilities:
  heading: What you will do
  items:
    - Run the clusters our services are deployed to
    - Build the deployment pipeline
benefits:
  - Four weeks of paid vacation
apply:
  url: https://careers.example.com/jobs/platform-engineer/apply
language: en
translations:
  fr:
    title: Ingénieure ou ingénieur plateforme
    summary: Vous construisez la plateforme sur laquelle nos équipes de Montréal et de Berlin livrent, des clusters aux outils.
    responsibilities:
      heading: Vos missions
      items:
        - Exploiter les clusters où nos services sont déployés
        - Construire la chaîne de déploiement
    benefits: [Quatre semaines de congés payés]
  de:
    title: Plattformingenieurin oder Plattformingenieur
    summary: "${GERMAN_SUMMARY}"
    responsibilities:
      heading: Ihre Aufgaben
      items:
        - Die Cluster betreiben, auf denen unsere Dienste laufen
        - Die Deployment-Pipeline bauen
    benefits: [Vier Wochen bezahlter Urlaub]
`;

const PAGES: Record<string, string> = { en: `${BASE_URL}/jobs/${ID}/`, fr: `${BASE_URL}/jobs/${ID}/fr/`, de: `${BASE_URL}/jobs/${ID}/de/` };
const EXPECTED_ALTERNATES = { ...PAGES, 'x-default': PAGES.en };
const CONFIG = `organization: { name: Example Corp, url: https://www.example.com, logo: https://www.example.com/logo.png, email: jobs@example.com }
baseUrl: ${BASE_URL}
schedule: { cron: "*/15 * * * *", timezone: UTC }
`;

let b: Built;
beforeAll(async () => {
  b = await build({ [`${ID}.yaml`]: TRILINGUAL }, { adapters: defaultAdapters, config: CONFIG });
});
afterAll(() => b.project.cleanup());

const pagePath = (lang: string) => (lang === 'en' ? `jobs/${ID}/index.html` : `jobs/${ID}/${lang}/index.html`);
const alternatesOf = (doc: HtmlNode): Record<string, string> =>
  Object.fromEntries(
    elements(doc, 'link')
      .filter((l) => attr(l, 'rel') === 'alternate' && attr(l, 'hreflang'))
      .map((l) => [attr(l, 'hreflang')!, attr(l, 'href')!]),
  );

test('the build has no errors and no translation warnings (every field is translated)', () => {
  // (Channel-level account settings this test's config leaves out are not the role's business.)
  expect(b.result.diagnostics.filter((d) => (d.severity === 'error' && d.code.startsWith('JC_')) || d.code === 'JC_WARN_TRANSLATION_MISSING')).toEqual([]);
});

describe.each(['en', 'fr', 'de'])('the %s page', (lang) => {
  const doc = () => parseHtml(b.read(pagePath(lang)));

  test('parses, says its language, and its JSON-LD is the role in that language at that URL', () => {
    const d = doc();
    expect(attr(elements(d, 'html')[0]!, 'lang')).toBe(lang);
    const ld = JSON.parse(onlyJsonLd(d)) as Record<string, unknown>;
    expect(ld['@type']).toBe('JobPosting');
    expect(ld.url).toBe(PAGES[lang]);
    const title = collapse(htmlText(elements(d, 'h1')[0]!));
    expect(ld.title).toBe(title);
    expect(title).toBe({ en: 'Platform Engineer', fr: 'Ingénieure ou ingénieur plateforme', de: 'Plattformingenieurin oder Plattformingenieur' }[lang]);
    // One role: the same reference in every language.
    expect((ld.identifier as { value: string }).value).toBe('ENG-PLAT-9');
    expect(
      attr(
        elements(d, 'link').find((l) => attr(l, 'rel') === 'canonical')!,
        'href',
      ),
    ).toBe(PAGES[lang]);
  });

  test('lists the complete, reciprocal hreflang set with x-default, itself included', () => {
    expect(alternatesOf(doc())).toEqual(EXPECTED_ALTERNATES);
  });

  test('writes dates and amounts the way its language does', () => {
    const facts = collapse(htmlText(elements(doc(), 'dl').find((dl) => attr(dl, 'class') === 'facts')!));
    const expected = {
      en: ['CA$120,000 – CA$150,000 per year (CAD)', 'November 20, 2026'],
      fr: ['120 000 $CA – 150 000 $CA par an (CAD)', '20 novembre 2026'],
      de: ['120.000 CA$ – 150.000 CA$ pro Jahr (CAD)', '20. November 2026'],
    }[lang]!;
    // Intl puts (narrow) no-break spaces between groups and before the currency: compare as plain spaces.
    const plain = facts.replace(/[\u00a0\u202f]/g, ' ');
    for (const text of expected) expect(plain).toContain(text);
  });
});

test('the sitemap lists each language page with the same alternates as the pages', () => {
  const root = mustParse(b.read('sitemap.xml'));
  const urls = kids(root, 'url').filter((u) => textOf(u, 'loc')!.includes(`/jobs/${ID}/`));
  expect(urls.map((u) => textOf(u, 'loc'))).toEqual([PAGES.en, PAGES.de, PAGES.fr]);
  for (const u of urls) {
    const links = u.children.filter((c) => c.name === 'xhtml:link');
    expect(links.every((l) => l.uri === 'http://www.w3.org/1999/xhtml' && l.attributes.rel === 'alternate')).toBe(true);
    expect(Object.fromEntries(links.map((l) => [l.attributes.hreflang, l.attributes.href]))).toEqual(EXPECTED_ALTERNATES);
  }
});

describe.each(['fr', 'de'])('the %s feeds', (lang) => {
  test('RSS parses, says its language, and its item is the role in that language linking to that page', async () => {
    const feed = await new Parser().parseString(b.read(`feeds/${lang}/jobs.rss`));
    expect(kid(kid(mustParse(b.read(`feeds/${lang}/jobs.rss`)), 'channel')!, 'language')!.text).toBe(lang);
    expect(feed.items.map((i) => [i.title, i.link])).toEqual([
      [lang === 'fr' ? 'Ingénieure ou ingénieur plateforme' : 'Plattformingenieurin oder Plattformingenieur', PAGES[lang]],
    ]);
    expect(feed.items[0]!.content).toContain(lang === 'fr' ? 'Vos missions' : 'Ihre Aufgaben');
  });

  test('JSON Feed parses, says its language, and links to that page', () => {
    const feed = JSON.parse(b.read(`feeds/${lang}/jobs.json`)) as { language: string; items: { url: string; content_html: string }[] };
    expect(feed.language).toBe(lang);
    expect(feed.items.map((i) => i.url)).toEqual([PAGES[lang]]);
  });
});

test('the default feeds keep the role in its own language, at its own page', async () => {
  const feed = await new Parser().parseString(b.read('feeds/jobs.rss'));
  expect(feed.items.map((i) => [i.title, i.link])).toEqual([['Platform Engineer', PAGES.en]]);
  expect(b.has('feeds/en/jobs.rss')).toBe(true);
});

test("a closed role's pages answer 410 in every language, each saying so in its language", async () => {
  const closed = await build({ [`${ID}.yaml`]: TRILINGUAL.replace('status: open', 'status: closed') }, { adapters: defaultAdapters, config: CONFIG });
  try {
    const artifacts = closed.result.manifest.artifacts;
    expect(['en', 'fr', 'de'].map((lang) => artifacts[pagePath(lang)]?.status)).toEqual([410, 410, 410]);
    const notice = (lang: string) => collapse(htmlText(elements(parseHtml(closed.read(pagePath(lang))), 'main')[0]!));
    expect(notice('de')).toContain('Für diese Stelle werden keine Bewerbungen mehr angenommen.');
    expect(notice('fr')).toContain('Ce poste n’accepte plus de candidatures.');
    expect(notice('en')).toContain('This role is no longer accepting applications.');
  } finally {
    closed.project.cleanup();
  }
});

describe('validate: a translation that leaves fields out', () => {
  test('warns once per missing field, at the translation (or its list) in the file', async () => {
    const text = TRILINGUAL.replace(/ {4}summary: Vous construisez[^\n]*\n/, '').replace('      heading: Ihre Aufgaben\n', '');
    const project = tempProject({ [`${ID}.yaml`]: text });
    try {
      const { code, diagnostics } = await validateJson(['--config', project.configFile]);
      expect(code).toBe(0);
      const said = diagnostics.filter((d) => d.code === 'JC_WARN_TRANSLATION_MISSING').map((d) => [d.field, d.line, d.col, d.message]);
      expect(said).toEqual([
        ['translations.fr', 24, 5, 'the fr translation has no summary: the fr page shows it in en'],
        ['translations.de.responsibilities', 35, 7, 'the de translation has no responsibilities.heading: the de page shows it in en'],
      ]);
    } finally {
      project.cleanup();
    }
  });
});

describe('a list in a language', () => {
  test("gets the role's translation into it, with that page's link; each list's fingerprint follows only its language", async () => {
    const site = await isolatedConfig();
    const lists = {
      ...site.channels,
      email: { lists: { de: { address: 'de@lists.example.com', language: 'de' }, en: { address: 'en@lists.example.com' } } },
    };
    const config = { ...site, baseUrl: BASE_URL, channels: lists } as typeof site;
    const ctx = renderContext(email, config, new Date('2026-11-28T12:00:00Z'), { pages: jobPages });
    const schema = postingSchemaFor(defaultAdapters);
    const raw = (text: string) => schema.parse({ ...(parseYaml(text) as object), channels: { email: { lists: ['de', 'en'] } } });
    const entry = (text: string) => entryOf(ID, raw(text) as never, config);
    const de = roleEmail(entry(TRILINGUAL), ctx, 'de');
    expect(de.spec.subject).toContain('Plattformingenieurin oder Plattformingenieur');
    expect(de.text).toContain(`${PAGES.de}\n`);
    expect(de.text).toContain('Gehalt:');
    const before = email.audience!(entry(TRILINGUAL), ctx);
    const after = email.audience!(entry(TRILINGUAL.replace('Die Deployment-Pipeline bauen', 'Die Pipeline bauen')), ctx);
    const fp = (a: typeof before) => Object.fromEntries(a.map((x) => [x.receiver, x.fingerprint]));
    expect(fp(after)['email:en']).toBe(fp(before)['email:en']);
  });
});

describe('publishing', () => {
  let remote: FakeRemote;
  let env: PublishEnv;
  beforeEach(async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, { [`${ID}.yaml`]: TRILINGUAL });
  });
  afterEach(async () => {
    await env.cleanup();
    await remote.close();
  });

  async function step(now: string): Promise<Recorded[]> {
    const before = remote.requests.length;
    const result = await env.run(now);
    expect(result.ok).toBe(true);
    return remote.requests.slice(before);
  }
  const byPath = (reqs: Recorded[], p: string) => reqs.filter((r) => r.path === p);
  const indexing = (reqs: Recorded[]) => byPath(reqs, '/indexing').map((r) => (JSON.parse(r.body) as { url: string }).url);
  const indexnow = (reqs: Recorded[]) => byPath(reqs, '/indexnow').flatMap((r) => (JSON.parse(r.body) as { urlList: string[] }).urlList);
  const hubs = (reqs: Recorded[]) =>
    byPath(reqs, '/hub')
      .map((r) => new URLSearchParams(r.body).get('hub.url'))
      .sort();

  test('each language page is told as its own URL; editing only the German summary tells only the German page and feeds', async () => {
    const first = await step('2026-11-28T12:00:00Z');
    expect(indexing(first).sort()).toEqual(Object.values(PAGES).sort());
    expect(indexnow(first).sort()).toEqual(Object.values(PAGES).sort());

    env.project.write(`${ID}.yaml`, TRILINGUAL.replace(GERMAN_SUMMARY, `${GERMAN_SUMMARY} Willkommen!`));
    const edit = await step('2026-11-28T13:00:00Z');
    expect(indexing(edit)).toEqual([PAGES.de]);
    expect(indexnow(edit)).toEqual([PAGES.de]);
    expect(hubs(edit)).toEqual([`${BASE_URL}/feeds/de/jobs.json`, `${BASE_URL}/feeds/de/jobs.rss`]);
    // Told once: the next run has nothing to say.
    expect(await step('2026-11-28T13:15:00Z')).toEqual([]);
  });
});
