/**
 * Lifecycle through the real build: open roles get a page with markup; closed and expired ones a 410
 * page without it; drafts and scheduled roles nothing. The listing, sitemap and robots.txt follow.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { buildProject } from '../src/pipeline/build';
import { MINIMAL_POSTING, tempProject } from './helpers/project';
import { attr, bodyOf, build, collapse, elements, ISOLATED_ADAPTERS, metaContent, parseHtml, textOf, visibleText, type Built } from './google-support';

const titled = (title: string, extra = '') => MINIMAL_POSTING.replace('title: Backend Engineer', `title: ${title}`) + extra;
const POSTINGS = {
  'open-role.yaml': titled('Open Role Engineer'),
  'closed-role.yaml': titled('Closed Role Engineer').replace('status: open', 'status: closed'),
  'expired-role.yaml': titled('Expired Role Engineer', 'validThrough: 2026-11-15\n'),
  'draft-role.yaml': titled('Draft Role Engineer').replace('status: open', 'status: draft'),
  'scheduled-role.yaml': titled('Scheduled Role Engineer').replace('datePosted: 2026-11-01', 'datePosted: 2026-12-15'),
};

let built: Built;
beforeAll(async () => {
  built = await build(POSTINGS);
});
afterAll(() => built.project.cleanup());

test('each fixture is in the state its name says', () => {
  const states = Object.fromEntries(built.result.validation.entries.map((e) => [e.id, e.state]));
  expect(states).toEqual({ 'open-role': 'open', 'closed-role': 'closed', 'expired-role': 'expired', 'draft-role': 'draft', 'scheduled-role': 'scheduled' });
});

describe.each(['closed-role', 'expired-role'])('%s', (id) => {
  const page = () => parseHtml(built.read(`jobs/${id}/index.html`));

  test('has a 410 page that says it is no longer accepting applications', () => {
    expect(built.result.manifest.artifacts[`jobs/${id}/index.html`]).toMatchObject({
      status: 410,
      contentType: 'text/html; charset=utf-8',
      channel: 'google',
      posting: id,
    });
    expect(collapse(visibleText(bodyOf(page())))).toContain('no longer accepting applications');
  });

  test('carries noindex, no JSON-LD, no script and no apply link', () => {
    const doc = page();
    expect(metaContent(doc, 'robots')).toBe('noindex');
    expect(elements(doc, 'script')).toHaveLength(0);
    const hrefs = elements(doc, 'a').map((a) => attr(a, 'href') ?? '');
    expect(hrefs.filter((h) => h.includes('careers.example.com'))).toEqual([]);
    expect(built.read(`jobs/${id}/index.html`)).not.toContain('JobPosting');
  });

  test('its jobposting.json answers 410 without markup, and it is in neither the listing nor the sitemap', () => {
    expect(built.result.manifest.artifacts[`jobs/${id}/jobposting.json`]!.status).toBe(410);
    expect(built.read(`jobs/${id}/jobposting.json`)).not.toContain('JobPosting');
    expect(built.read('jobs/index.html')).not.toContain(`jobs/${id}/`);
    expect(built.read('sitemap.xml')).not.toContain(`jobs/${id}/`);
  });
});

test('an expired page says when applications closed', () => {
  expect(collapse(visibleText(bodyOf(parseHtml(built.read('jobs/expired-role/index.html')))))).toContain('Applications closed on November 15, 2026.');
});

test.each(['draft-role', 'scheduled-role'])('%s produces nothing at all', (id) => {
  expect(Object.keys(built.result.manifest.artifacts).filter((p) => p.includes(id))).toEqual([]);
  for (const file of ['jobs/index.html', 'sitemap.xml']) expect(built.read(file)).not.toContain(id);
});

test('the listing links the open role only, with its facts, and carries no JobPosting markup', () => {
  const doc = parseHtml(built.read('jobs/index.html'));
  expect(elements(doc, 'script')).toHaveLength(0);
  const jobLinks = elements(doc, 'a')
    .map((a) => attr(a, 'href'))
    .filter((h) => /\/jobs\/[a-z0-9-]+\/$/.test(h ?? ''));
  expect(jobLinks).toEqual(['http://localhost:3000/jobs/open-role/']);
  const visible = collapse(visibleText(bodyOf(doc)));
  expect(visible).toContain('Open Role Engineer');
  expect(visible).toContain('Berlin, Germany · Full-time');
  for (const hidden of ['Closed Role', 'Expired Role', 'Draft Role', 'Scheduled Role']) expect(visible).not.toContain(hidden);
});

/** Every JSON-LD block in every HTML file of the output, by file, as an independent reader finds them. */
function jsonLdByFile(dir: string): Map<string, unknown[]> {
  const found = new Map<string, unknown[]>();
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (name.endsWith('.html')) {
        const doc = parseHtml(readFileSync(full, 'utf8'));
        const blocks = elements(doc, 'script')
          .filter((s) => attr(s, 'type') === 'application/ld+json')
          .map((s) => JSON.parse(textOf(s)));
        found.set(path.relative(dir, full), blocks);
      }
    }
  };
  visit(dir);
  return found;
}

test('across the whole output, only the open job page carries a JobPosting, exactly one', () => {
  const found = jsonLdByFile(built.project.outDir);
  expect([...found.keys()].sort()).toEqual(['jobs/closed-role/index.html', 'jobs/expired-role/index.html', 'jobs/index.html', 'jobs/open-role/index.html']);
  for (const [file, blocks] of found) {
    if (file === 'jobs/open-role/index.html') {
      expect(blocks).toHaveLength(1);
      expect(blocks[0]).toMatchObject({ '@context': 'https://schema.org', '@type': 'JobPosting', title: 'Open Role Engineer' });
    } else {
      expect(blocks).toEqual([]);
    }
  }
});

function sitemapEntries(xml: string): { loc: string; lastmod?: string }[] {
  const urls: { loc: string; lastmod?: string }[] = [];
  let field: 'loc' | 'lastmod' | undefined;
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (t) => {
    if (t.local === 'url') {
      expect(t.uri).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
      urls.push({ loc: '' });
    }
    field = t.local === 'loc' || t.local === 'lastmod' ? t.local : undefined;
  });
  parser.on('text', (text) => {
    if (field) urls[urls.length - 1]![field] = text;
  });
  parser.on('closetag', () => (field = undefined));
  parser.write(xml).close();
  return urls;
}

test('robots.txt allows crawling and names the absolute sitemap URL', () => {
  const robots = built.read('robots.txt');
  expect(robots.split('\n')).toEqual(['User-agent: *', 'Allow: /', '', 'Sitemap: http://localhost:3000/sitemap.xml', '']);
});

describe('sitemap lastmod follows content changes, never the build time', () => {
  test('over several builds: edits, a closing, and a build with no change', async () => {
    const project = tempProject({ 'alpha.yaml': titled('Alpha Engineer'), 'beta.yaml': titled('Beta Engineer') });
    try {
      const opened = await project.open(ISOLATED_ADAPTERS);
      const sitemapAt = async (iso: string) => {
        await buildProject(opened, { now: new Date(iso) });
        return sitemapEntries(readFileSync(path.join(project.outDir, 'sitemap.xml'), 'utf8'));
      };
      const url = (p: string) => `http://localhost:3000/${p}`;

      // First sight: each page took its form when the role went public (datePosted 2026-11-01).
      expect(await sitemapAt('2026-11-28T12:00:00Z')).toEqual([
        { loc: url('jobs/'), lastmod: '2026-11-01T00:00:00Z' },
        { loc: url('jobs/alpha/'), lastmod: '2026-11-01T00:00:00Z' },
        { loc: url('jobs/beta/'), lastmod: '2026-11-01T00:00:00Z' },
      ]);

      project.write('beta.yaml', titled('Beta Engineer').replace('Build and run services', 'Build, run and observe services'));
      expect(await sitemapAt('2026-11-29T09:15:00Z')).toEqual([
        { loc: url('jobs/'), lastmod: '2026-11-29T09:15:00Z' },
        { loc: url('jobs/alpha/'), lastmod: '2026-11-01T00:00:00Z' },
        { loc: url('jobs/beta/'), lastmod: '2026-11-29T09:15:00Z' },
      ]);

      // Nothing changed: nothing moves, whatever the clock says.
      expect(await sitemapAt('2026-11-30T10:00:00Z')).toEqual([
        { loc: url('jobs/'), lastmod: '2026-11-29T09:15:00Z' },
        { loc: url('jobs/alpha/'), lastmod: '2026-11-01T00:00:00Z' },
        { loc: url('jobs/beta/'), lastmod: '2026-11-29T09:15:00Z' },
      ]);

      // Alpha closes: it leaves the sitemap, and the listing changed when it left.
      project.write('alpha.yaml', titled('Alpha Engineer').replace('status: open', 'status: closed'));
      expect(await sitemapAt('2026-12-01T08:00:00Z')).toEqual([
        { loc: url('jobs/'), lastmod: '2026-12-01T08:00:00Z' },
        { loc: url('jobs/beta/'), lastmod: '2026-11-29T09:15:00Z' },
      ]);
    } finally {
      project.cleanup();
    }
  });

  test('with no open role the listing is still there, dated by the last role that left it', async () => {
    const b = await build({ 'gone.yaml': titled('Gone Engineer').replace('status: open', 'status: closed') });
    try {
      expect(sitemapEntries(b.read('sitemap.xml'))).toEqual([{ loc: 'http://localhost:3000/jobs/', lastmod: '2026-11-01T00:00:00Z' }]);
      expect(collapse(visibleText(bodyOf(parseHtml(b.read('jobs/index.html')))))).toContain('There are no open roles right now.');
    } finally {
      b.project.cleanup();
    }
  });

  test('with no role at all the listing has no lastmod', async () => {
    const b = await build({});
    try {
      expect(sitemapEntries(b.read('sitemap.xml'))).toEqual([{ loc: 'http://localhost:3000/jobs/' }]);
    } finally {
      b.project.cleanup();
    }
  });
});

test('URLs in the sitemap are escaped XML: an & in the base URL stays one URL', async () => {
  const b = await build(
    { 'open-role.yaml': titled('Open Role Engineer') },
    { config: readFileSync(built.project.configFile, 'utf8').replace('baseUrl: http://localhost:3000', 'baseUrl: https://jobs.example.com/a&b') },
  );
  try {
    expect(b.read('sitemap.xml')).toContain('<loc>https://jobs.example.com/a&amp;b/jobs/open-role/</loc>');
    expect(sitemapEntries(b.read('sitemap.xml')).map((u) => u.loc)).toEqual([
      'https://jobs.example.com/a&b/jobs/',
      'https://jobs.example.com/a&b/jobs/open-role/',
    ]);
  } finally {
    b.project.cleanup();
  }
});
