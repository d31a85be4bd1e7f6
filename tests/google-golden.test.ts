/**
 * The shipped role through the real build, compared byte for byte with reviewed output.
 * After an intended change: UPDATE_GOLDEN=1 npx jest tests/google-golden, then review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SHIPPED_POSTING_TEXT } from './helpers/project';
import { build, type Built } from './google-support';

const GOLDEN_DIR = path.join(__dirname, 'golden', 'google');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const ID = 'ml-infrastructure-engineer';

const GOLDEN_FILES: Record<string, string> = {
  'index.html': `jobs/${ID}/index.html`,
  'jobposting.json': `jobs/${ID}/jobposting.json`,
  'jobs-index.html': 'jobs/index.html',
  'sitemap.xml': 'sitemap.xml',
  'robots.txt': 'robots.txt',
};

let built: Built;
beforeAll(async () => {
  built = await build({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT });
});
afterAll(() => built.project.cleanup());

describe.each(Object.entries(GOLDEN_FILES))('golden %s', (golden, artifact) => {
  test(`${artifact} matches tests/golden/google/${golden}`, () => {
    const actual = built.read(artifact);
    const file = path.join(GOLDEN_DIR, golden);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`missing golden ${file}; run with UPDATE_GOLDEN=1 and review it`);
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, actual);
    }
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});

test('the artifacts carry the right content types and statuses', () => {
  const a = built.result.manifest.artifacts;
  expect(a[`jobs/${ID}/index.html`]).toMatchObject({ contentType: 'text/html; charset=utf-8', status: 200, channel: 'google', posting: ID });
  expect(a[`jobs/${ID}/jobposting.json`]).toMatchObject({ contentType: 'application/ld+json; charset=utf-8', status: 200, posting: ID });
  expect(a['jobs/index.html']).toMatchObject({ contentType: 'text/html; charset=utf-8', status: 200 });
  expect(a['sitemap.xml']).toMatchObject({ contentType: 'application/xml; charset=utf-8' });
  expect(a['robots.txt']).toMatchObject({ contentType: 'text/plain; charset=utf-8' });
});

test('a second build of the same sources at a later instant writes identical bytes', async () => {
  const again = await build({ [`${ID}.yaml`]: SHIPPED_POSTING_TEXT }, { now: new Date('2026-12-01T08:30:00Z') });
  try {
    for (const artifact of Object.values(GOLDEN_FILES)) expect(again.read(artifact)).toBe(built.read(artifact));
  } finally {
    again.project.cleanup();
  }
});
