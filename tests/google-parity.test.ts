/**
 * Google's page-parity rule: everything the JSON-LD states is visible on the page. Every leaf of the
 * markup is checked; a field added to the markup later is covered by the default (its text must show).
 */
import { EMPLOYMENT_LABELS, money, UNIT_WORDS } from '../src/compose/facts';
import type { EmploymentType, SalaryUnit } from '../src/model/posting';
import { SHIPPED_POSTING_TEXT, seedPieces } from './helpers/project';
import {
  attr,
  bodyOf,
  build,
  collapse,
  descriptionBlocks,
  elements,
  HYBRID_HOURLY,
  leaves,
  metaContent,
  onlyJsonLd,
  pageDescriptionBlocks,
  parseHtml,
  REMOTE_TWO_COUNTRIES,
  shown,
  times,
  visibleText,
  type Built,
  type HtmlNode,
} from './google-support';

/** Keys whose values are identifiers for machines, not content: checked as links below instead. */
const NOT_CONTENT = new Set(['@context', '@type', 'url', 'sameAs', 'logo', 'description']);

interface Page {
  doc: HtmlNode;
  visible: string;
  ld: Record<string, unknown> & { baseSalary?: { currency: string } };
}

function pageOf(b: Built, id: string): Page {
  const doc = parseHtml(b.read(`jobs/${id}/index.html`));
  return { doc, visible: collapse(visibleText(bodyOf(doc))), ld: JSON.parse(onlyJsonLd(doc)) };
}

/** The words a reader must see for one JSON-LD value (enums and numbers are shown as people write them). */
function expectedText(path: string, key: string, value: string | number, page: Page): string {
  if (path.startsWith('baseSalary.value.') && typeof value === 'number') return money(value, page.ld.baseSalary!.currency);
  if (path === 'baseSalary.currency') return `(${value})`;
  switch (key) {
    case 'employmentType':
      return EMPLOYMENT_LABELS[value as EmploymentType];
    case 'unitText':
      return `per ${UNIT_WORDS[value as SalaryUnit]}`;
    case 'jobLocationType':
      return 'Remote';
    case 'monthsOfExperience':
      return `${value} months`;
    default:
      return shown(String(value));
  }
}

let built: Built;
beforeAll(async () => {
  built = await build({ 'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT, 'warehouse.yaml': HYBRID_HOURLY, 'devrel.yaml': REMOTE_TWO_COUNTRIES });
});
afterAll(() => built.project.cleanup());

describe.each(['ml-infrastructure-engineer', 'warehouse', 'devrel'])('%s', (id) => {
  test('every value in the JSON-LD is visible on the page', () => {
    const page = pageOf(built, id);
    const checked: string[] = [];
    for (const leaf of leaves(page.ld)) {
      if (NOT_CONTENT.has(leaf.key) || typeof leaf.value === 'boolean') continue;
      if (leaf.key === 'datePosted' || leaf.key === 'validThrough') {
        const shownAs = times(page.doc).find((t) => t.datetime === leaf.value);
        expect(shownAs?.text).toBeTruthy();
        expect(page.visible).toContain(shownAs!.text);
      } else {
        expect({ path: leaf.path, visible: page.visible.toLowerCase().includes(expectedText(leaf.path, leaf.key, leaf.value, page).toLowerCase()) }).toEqual({
          path: leaf.path,
          visible: true,
        });
      }
      checked.push(leaf.path);
    }
    expect(checked).toEqual(expect.arrayContaining(['title', 'datePosted', 'hiringOrganization.name', 'identifier.value']));
  });

  test('the description shows on the page block for block, in the same words', () => {
    const page = pageOf(built, id);
    const blocks = descriptionBlocks(page.ld.description as string);
    expect(blocks.length).toBeGreaterThan(1);
    expect(pageDescriptionBlocks(page.doc)).toEqual(blocks);
  });

  test('the machine-readable links point where the markup says', () => {
    const page = pageOf(built, id);
    const canonical = elements(page.doc, 'link').filter((l) => attr(l, 'rel') === 'canonical');
    expect(canonical.map((l) => attr(l, 'href'))).toEqual([page.ld.url]);
    expect(metaContent(page.doc, 'og:url')).toBe(page.ld.url);
    expect(metaContent(page.doc, 'og:image')).toBe((page.ld.hiringOrganization as { logo: string }).logo);
  });
});

test('the salary range, with its unit and currency, is written out on the page', () => {
  expect(pageOf(built, 'devrel').visible).toContain('$120,000 – $150,000 per year (USD)');
  expect(pageOf(built, 'warehouse').visible).toContain('$21.50 per hour (USD)');
});

test('remote and hybrid status are said in words', () => {
  expect(pageOf(built, 'devrel').visible).toContain('Remote — applicants in United States, Canada');
  expect(pageOf(built, 'warehouse').visible).toContain('Denver, CO, United States; New York, NY, United States (hybrid)');
});

test("the seed role's whole text (opening paragraph, headings, lead-ins, bullets) is in the JSON-LD description and on the page", () => {
  const { opening, bullets, lines } = seedPieces();
  expect(bullets.length).toBeGreaterThan(20);
  expect(lines).toHaveLength(8);
  const page = pageOf(built, 'ml-infrastructure-engineer');
  const blocks = descriptionBlocks(page.ld.description as string);
  for (const piece of [opening, ...lines, ...bullets]) {
    expect(blocks).toContain(collapse(piece));
    expect(page.visible).toContain(collapse(piece));
  }
});
