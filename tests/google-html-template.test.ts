/** The shared HTML template module and the rules the google templates follow. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { htmlTemplateNames, renderHtml } from '../src/compose/html-template';
import { TEMPLATES_DIR } from '../src/util/package-root';
import { attr, bodyOf, collapse, elements, parseHtml, textOf, visibleText } from './google-support';

const allTemplates = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.html.hbs'));
/** Public pages (the admin is a separate, authenticated surface with its own rules below). */
const htmlTemplates = allTemplates.filter((f) => !f.startsWith('admin-'));

test('every page template of this channel is compiled and available', () => {
  expect(htmlTemplateNames()).toEqual(expect.arrayContaining(['job-page', 'job-gone', 'jobs-index']));
});

test('the only raw (triple-stash) output in any HTML template is the JSON-LD script body', () => {
  const raw = htmlTemplates.flatMap((f) => {
    const source = readFileSync(path.join(TEMPLATES_DIR, f), 'utf8');
    return [...source.matchAll(/\{\{\{[^}]*\}\}\}|\{\{&[^}]*\}\}/g)].map((m) => `${f}: ${m[0]}`);
  });
  expect(raw).toEqual(['job-page.html.hbs: {{{ld}}}']);
  const page = readFileSync(path.join(TEMPLATES_DIR, 'job-page.html.hbs'), 'utf8');
  expect(page).toContain('<script type="application/ld+json">\n{{{ld}}}\n</script>');
});

test("admin templates: the layout's page body is the only raw output, and nothing loads from another origin", () => {
  const admin = allTemplates.filter((f) => f.startsWith('admin-'));
  expect(admin.length).toBeGreaterThan(0);
  const raw = admin.flatMap((f) =>
    [...readFileSync(path.join(TEMPLATES_DIR, f), 'utf8').matchAll(/\{\{\{[^}]*\}\}\}|\{\{&[^}]*\}\}/g)].map((m) => `${f}: ${m[0]}`),
  );
  expect(raw).toEqual(['admin-layout.html.hbs: {{{content}}}']);
  for (const f of admin) {
    const source = readFileSync(path.join(TEMPLATES_DIR, f), 'utf8');
    expect({ f, external: /<script|(?:src|href)="(?:https?:)?\/\/|@import|url\(/i.test(source) }).toEqual({ f, external: false });
  }
});

test('no public page template loads anything from elsewhere: no external script, stylesheet, font or image', () => {
  for (const f of htmlTemplates) {
    const source = readFileSync(path.join(TEMPLATES_DIR, f), 'utf8');
    expect({ f, external: /<script[^>]*\ssrc=|<link[^>]*rel="?stylesheet|<img|@import|url\(/i.test(source) }).toEqual({ f, external: false });
  }
});

const GONE = {
  lang: 'en',
  siteName: 'S',
  orgName: 'O',
  listingUrl: 'https://x.example/jobs/',
  pageTitle: 'T',
  title: 'T',
  where: 'W',
  closedOn: '',
  w: { skipToContent: 'Skip', allOpenRoles: 'All', noLongerOpen: 'This role is no longer accepting applications.', seeAllRoles: 'See all' },
};

test('strict mode: a missing variable throws instead of rendering an empty gap', () => {
  const { where: _dropped, ...missing } = GONE;
  expect(() => renderHtml('job-gone', missing)).toThrow(/"where" not defined/);
});

test('an unknown template name throws', () => {
  expect(() => renderHtml('no-such-page', {})).toThrow(/no HTML template no-such-page/);
});

test('values are escaped and stripped of characters HTML cannot carry', () => {
  const hostile = '</h1><script>alert(1)</script>\u0000\u0001 "q" & \'a\'';
  const html = renderHtml('job-gone', { ...GONE, title: hostile, listingUrl: 'https://x.example/?a=1&b="2"' });
  const doc = parseHtml(html);
  expect(elements(doc, 'script')).toHaveLength(0);
  expect(collapse(textOf(elements(doc, 'h1')[0]!))).toBe('</h1><script>alert(1)</script> "q" & \'a\'');
  expect(elements(doc, 'a').map((a) => attr(a, 'href'))).toContain('https://x.example/?a=1&b="2"');
  expect(html).not.toMatch(/[\u0000\u0001]/);
  expect(collapse(visibleText(bodyOf(doc)))).toContain('no longer accepting applications');
});
