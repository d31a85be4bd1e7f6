/**
 * Many roles, one broken file: every other role's edit is built and told, the broken role stays live
 * at its last good version and nobody is told anything about it. The suite runs it with 1,000 roles;
 * `JOBCAST_SCALE_ROLES=10000 npx jest tests/publish-scale.test.ts` runs the 10,000.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { runCli } from './helpers/cli';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { BOARD_SECRET } from './helpers/publish-env';

const N = Number(process.env.JOBCAST_SCALE_ROLES ?? 1000);
const role = (i: number, max = 90000) => MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${i}`).replace('max: 90000', `max: ${max}`);
const id = (i: number) => `role-${String(i).padStart(5, '0')}`;

let remote: FakeRemote;
let tp: TempProject;
afterEach(async () => {
  tp?.cleanup();
  await remote?.close();
});

const config = (url: string) => `organization:
  name: Example Corp
  url: https://www.example.com
  logo: https://www.example.com/logo.png
baseUrl: https://jobs.example.com
notify:
  webhooks:
    - { name: board, url: "${url}/webhook", secretEnv: BOARD_SECRET }
`;

it(`publishes the edits of ${N} roles while one file is broken, and keeps that role live at its last good version`, async () => {
  remote = await startFakeRemote();
  tp = tempProject(Object.fromEntries(Array.from({ length: N }, (_, i) => [`${id(i)}.yaml`, role(i)])), config(remote.url));
  const flags = ['--config', tp.configFile, '--state', path.join(tp.dir, 'state.db')];
  const env = { BOARD_SECRET };
  // The world already knows every role: build once and adopt that output (no N webhooks to wait for).
  expect((await runCli(['build', ...flags, '--now', '2026-11-28T12:00:00Z'], env)).code).toBe(0);
  expect((await runCli(['state', 'adopt', ...flags, '--now', '2026-11-28T12:00:00Z'], env)).code).toBe(0);
  const broken = id(7);
  const brokenPage = readFileSync(path.join(tp.outDir, 'jobs', broken, 'index.html'), 'utf8');

  tp.write(`${broken}.yaml`, role(7, 99000).replace('status: open', 'status: opne'));
  const edited = [1, 2, 3, N - 1].map(id);
  for (const e of edited) tp.write(`${e}.yaml`, role(Number(e.slice(5)), 95000));
  const run = await runCli(['publish', ...flags, '--now', '2026-11-28T12:15:00Z'], env);

  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(new RegExp(`${broken}\\.yaml:2:\\d+ status: error: .*\\[JC_FIELD_ENUM\\]`));
  expect(run.stdout).toMatch(/1 source file has errors \(1 keeps its last good version\); every other role was built/);
  expect(run.stdout).toMatch(/notifications: 4 queued, 4 sent/);
  const told = remote.to('/webhook').map((r) => JSON.parse(r.body) as { event: string; posting: { id: string } });
  expect(told.map((b) => `${b.event} ${b.posting.id}`).sort()).toEqual(edited.map((e) => `posting.updated ${e}`).sort());
  for (const e of edited) expect(readFileSync(path.join(tp.outDir, 'jobs', e, 'index.html'), 'utf8')).toContain('95,000');
  expect(readFileSync(path.join(tp.outDir, 'jobs', broken, 'index.html'), 'utf8')).toBe(brokenPage);
  const feed = JSON.parse(readFileSync(path.join(tp.outDir, 'feeds', 'jobs.json'), 'utf8')) as { items: { id: string; url: string }[] };
  expect(feed.items).toHaveLength(N);
  expect(feed.items.some((item) => item.url === `https://jobs.example.com/jobs/${broken}/`)).toBe(true);
}, 600_000);
