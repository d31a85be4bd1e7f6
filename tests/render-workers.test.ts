/**
 * Postings' own files rendered on worker threads (src/pipeline/render-pool.ts), in real processes
 * running the compiled build (`npm run build` first): the same bytes as on the main thread through
 * a sequence of builds, and a channel that throws or names an unsafe path in a worker fails the
 * build with its code, keeping the served output and writing nothing outside the generation.
 * Retired generations have no grace here, so the workers also write into recycled trees.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editSalary, generatePosting } from '../bench/generate';
import { REPO, SHIPPED_CONFIG_TEXT } from './helpers/project';
import { tree } from './helpers/tree';

const NOW = '2026-12-01T12:00:00.000Z';
const REGISTRIES = path.join(REPO, 'build', 'src', 'cli', 'registries.js');

/** A Node script that builds the project in `cwd` with the plugins module given, printing the outcome as JSON. */
const DRIVER = `
const path = require('node:path');
const { openProject } = require(${JSON.stringify(path.join(REPO, 'build', 'src', 'project.js'))});
const { buildProject } = require(${JSON.stringify(path.join(REPO, 'build', 'src', 'pipeline', 'build.js'))});
const plugins = process.argv[1];
const { adapters, notifiers } = require(plugins);
(async () => {
  const project = await openProject({ config: 'jobcast.config.yaml', adapters, notifiers, plugins, state: 'state.db' });
  try {
    // What the build said of its progress: the last count of each phase, and the feeds in the order named.
    const progress = { validate: [], render: [], feeds: [] };
    const onProgress = (p) => {
      progress[p.phase] = [p.done, p.total];
      if (p.shared && progress.feeds[progress.feeds.length - 1] !== p.shared) progress.feeds.push(p.shared);
    };
    const r = await buildProject(project, { now: new Date(process.argv[2]), onProgress });
    console.log(JSON.stringify({ ok: true, workers: r.workers, generation: r.generation, progress }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
  }
})();
`;

interface Outcome {
  ok: boolean;
  workers?: number;
  generation?: string;
  code?: string;
  message?: string;
  progress?: { validate: number[]; render: number[]; feeds: string[] };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(postings: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-workers-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'jobcast.config.yaml'), SHIPPED_CONFIG_TEXT);
  mkdirSync(path.join(dir, 'postings'));
  for (let i = 0; i < postings; i++) {
    const g = generatePosting(i);
    writeFileSync(path.join(dir, 'postings', `${g.id}.yaml`), g.yaml);
  }
  return dir;
}

function build(dir: string, minForWorkers: number, plugins = REGISTRIES): Outcome {
  const run = spawnSync(process.execPath, ['-e', DRIVER, plugins, NOW], {
    cwd: dir,
    encoding: 'utf8',
    // No grace for retired generations: from the third build on, each build recycles a retired tree.
    // The same threshold for the link workers (src/pipeline/link-files.ts): carried-over files are linked there too.
    env: {
      ...process.env,
      JOBCAST_RENDER_WORKERS_MIN: String(minForWorkers),
      JOBCAST_LINK_WORKER_MIN: String(minForWorkers),
      JOBCAST_GENERATION_GRACE_MS: '0',
    },
    timeout: 90_000,
  });
  if (run.status !== 0) throw new Error(`driver exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Outcome;
}

/** The manifest of the generation served, without the ledger (each project has its own). */
function manifest(dir: string): unknown {
  const m = JSON.parse(readFileSync(path.join(realpathSync(path.join(dir, 'dist')), '..', 'manifest.json'), 'utf8')) as Record<string, unknown>;
  delete m.ledger;
  return m;
}

const postingFiles = (dir: string) => readdirSync(path.join(dir, 'postings')).sort();

beforeAll(() => {
  if (!existsSync(REGISTRIES)) throw new Error('run `npm run build` first: this test runs the compiled build');
});

it('renders and links, in workers, the bytes the main thread makes, through edits, a close, a removal, a damaged file and an unchanged rebuild', () => {
  const [inWorkers, inline] = [project(30), project(30)];
  const files = postingFiles(inWorkers);
  const steps: [string, (dir: string) => void][] = [
    ['first build', () => {}],
    ['one salary edited', (d) => writeFileSync(path.join(d, 'postings', files[3]!), editSalary(readFileSync(path.join(d, 'postings', files[3]!), 'utf8')))],
    [
      'one role closed',
      (d) => {
        const f = path.join(d, 'postings', files[7]!);
        writeFileSync(f, readFileSync(f, 'utf8').replace(/^status: \w+$/m, 'status: closed'));
      },
    ],
    ['one role removed', (d) => rmSync(path.join(d, 'postings', files[11]!))],
    // A served file cut short: the link worker finds it is not the size the manifest says, and the role's page is rendered again.
    ['a served page cut short', (d) => writeFileSync(path.join(d, 'dist', 'jobs', files[5]!.replace(/\.yaml$/, ''), 'index.html'), 'cut')],
    ['nothing changed', () => {}],
  ];
  const sites: number[] = [];
  for (const [step, change] of steps) {
    change(inWorkers);
    change(inline);
    const a = build(inWorkers, 1);
    const b = build(inline, 1_000_000);
    expect({ step, ok: a.ok, message: a.message }).toEqual({ step, ok: true, message: undefined });
    expect(b.ok).toBe(true);
    expect(b.workers).toBe(0);
    // The first build renders every posting, so workers ran; later steps render few or none.
    if (step === 'first build') expect(a.workers).toBeGreaterThanOrEqual(2);
    expect({ step, files: tree(path.join(inWorkers, 'dist')) }).toEqual({ step, files: tree(path.join(inline, 'dist')) });
    expect({ step, manifest: manifest(inWorkers) }).toEqual({ step, manifest: manifest(inline) });
    // Progress counts every source file, and every role rendered, whichever thread rendered it.
    expect({ step, progress: a.progress }).toEqual({ step, progress: b.progress });
    expect(a.progress!.validate).toEqual([postingFiles(inWorkers).length, postingFiles(inWorkers).length]);
    if (a.progress!.render.length) expect(a.progress!.render[0]).toBe(a.progress!.render[1]);
    if (step === 'first build')
      expect(a.progress).toMatchObject({ render: [30, 30], feeds: ['google', 'rss', 'json-feed', 'linkedin', 'indeed', 'ziprecruiter', 'adzuna'] });
    if (step === 'a served page cut short')
      expect(readFileSync(path.join(inWorkers, 'dist', 'jobs', files[5]!.replace(/\.yaml$/, ''), 'index.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    sites.push(statSync(path.join(inWorkers, 'dist', '.')).ino);
  }
  // The third build wrote into the first one's recycled tree (its workers unlinking before writing).
  expect(sites[2]).toBe(sites[0]);
}, 240_000);

/** A plugins module: the registries, with one channel's renderPosting replaced for the posting `id`. */
function pluginsWith(dir: string, channel: string, id: string, replacement: string): string {
  const file = path.join(dir, 'plugins.js');
  writeFileSync(
    file,
    `const r = require(${JSON.stringify(REGISTRIES)});
module.exports = {
  notifiers: r.notifiers,
  adapters: r.adapters.map((a) => a.name !== ${JSON.stringify(channel)} ? a : { ...a, renderPosting(e, ctx) {
    if (e.id === ${JSON.stringify(id)}) { ${replacement} }
    return a.renderPosting(e, ctx);
  } }),
};`,
  );
  return file;
}

describe('a channel failing in a worker', () => {
  it.each([
    ['throws', 'throw new Error("kaboom")', 'JC_BUILD_CHANNEL_CRASHED', /email.*kaboom/],
    ['names a path outside the output', 'return [{ path: "../escaped.html", contentType: "text/html", body: "x" }]', 'JC_CHANNEL_FAILED', /unsafe output path/],
  ])(
    'that %s fails the build with its code; the served output and its generation stay as they were',
    (_what, replacement, code, message) => {
      const dir = project(12);
      const first = build(dir, 1);
      expect(first).toMatchObject({ ok: true });
      const served = tree(path.join(dir, 'dist'));
      const generations = readdirSync(path.join(dir, '.dist.generations'));
      const victim = postingFiles(dir)[5]!.replace(/\.yaml$/, '');
      // Edit every role so every posting is rendered again, the victim among them, in the workers.
      for (const f of postingFiles(dir)) writeFileSync(path.join(dir, 'postings', f), editSalary(readFileSync(path.join(dir, 'postings', f), 'utf8')));
      const failed = build(dir, 1, pluginsWith(dir, 'email', victim, replacement));
      expect(failed.ok).toBe(false);
      expect(failed.code).toBe(code);
      expect(failed.message).toMatch(message);
      expect(tree(path.join(dir, 'dist'))).toEqual(served);
      expect(readdirSync(path.join(dir, '.dist.generations'))).toEqual(generations);
      expect(existsSync(path.join(dir, '.dist.generations', 'escaped.html'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.endsWith('.html'))).toEqual([]);
    },
    120_000,
  );
});
