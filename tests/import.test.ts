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
import { printImport } from '../src/cli/import-command';
import { scheduledImports } from '../src/import/scheduled';
import { Ledger } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import type { Project } from '../src/project';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { MINIMAL_POSTING, SHIPPED_CONFIG_TEXT, tempProject, type TempProject } from './helpers/project';
import { runCli, validateJson } from './helpers/cli';
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
      for (const board of ['ziprecruiter', 'linkedin']) {
        const listed = kids(mustParse(read(`feeds/${board}.xml`)), 'job').find((j) => collapse(textOf(j, 'title')!) === title);
        expect(htmlBlocks(textOf(listed!, 'description')!)).toContain(opening);
      }
      const feedItem = (JSON.parse(read('feeds/jobs.json')) as { items: { title: string; content_html: string }[] }).items.find(
        (i) => i.title === posting.title,
      );
      expect(htmlBlocks(feedItem!.content_html)).toContain(opening);
      const adzuna = kids(mustParse(read('feeds/adzuna.xml')), 'job').filter((j) => collapse(textOf(j, 'title')!) === title);
      const inAdzunaCountry = diagnostics.every((d) => !(d.code === 'ADZUNA_COUNTRY_UNSUPPORTED' && d.file?.endsWith(`${c.id}.yaml`)));
      expect(adzuna.length > 0).toBe(inAdzunaCountry);
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

/** The Greenhouse board after a week: one role's pay and title changed, one gone, one new. */
function boardNextWeek(): string {
  const board = JSON.parse(fixture('greenhouse', 'board.json')) as { jobs: Record<string, unknown>[]; meta: { total: number } };
  const [first, second, , fourth] = board.jobs as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  const changed = { ...first, title: 'Principal Platform Engineer — Payments', updated_at: '2026-11-27T09:00:00-05:00' };
  const added = {
    ...second,
    id: 4012345077,
    title: 'Data Analyst',
    requisition_id: 'DAT-002',
    content: (second.content as string).replace(/Staff Product Designer/g, 'Data Analyst') + '&lt;p&gt;Analysts work with every team.&lt;/p&gt;',
  };
  board.jobs = [changed, second, fourth, added];
  board.meta.total = 4;
  return JSON.stringify(board);
}

/** Lines of `after` not in `before` and the other way round: the diff a review would show. */
const lineDiff = (before: string, after: string) => {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
};

describe('sync', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env(SOURCES.greenhouse!.config);
    SOURCES.greenhouse!.serve(e.remote);
  });
  afterEach(async () => {
    await e.remote.close();
    e.project.cleanup();
  });

  test('one role changed, one removed, one added: exactly those files change; the removed one is closed; a hand-added field survives', async () => {
    await e.importNow('greenhouse');
    // A recruiter adds skills and a comment to the role that will change.
    const changedFile = 'gh-4012345001.yaml';
    e.project.write(changedFile, e.files()[changedFile]!.replace('apply:', 'skills: [Go, Kafka] # added by hand\napply:'));
    const before = e.files();
    e.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(boardNextWeek()));

    const dry = await e.importNow('greenhouse', true);
    expect(dry.plan!.changes.map((c) => `${c.kind} ${c.id} ${c.fields.join(',')}`)).toEqual([
      'changed gh-4012345001 title,source',
      'new gh-4012345077 ',
      'closed gh-4012345003 status',
    ]);
    expect(e.files()).toEqual(before);

    await e.importNow('greenhouse');
    const after = e.files();
    const touched = Object.keys(after).filter((f) => after[f] !== before[f]);
    expect(touched.sort()).toEqual(['gh-4012345001.yaml', 'gh-4012345003.yaml', 'gh-4012345077.yaml']);
    expect(lineDiff(before[changedFile]!, after[changedFile]!)).toEqual({
      removed: ['title: Senior Platform Engineer — Payments', expect.stringMatching(/^ {2}updated: /)],
      added: ['title: Principal Platform Engineer — Payments', '  updated: 2026-11-27T09:00:00-05:00'],
    });
    expect(after[changedFile]).toContain('skills: [Go, Kafka] # added by hand');
    expect(lineDiff(before['gh-4012345003.yaml']!, after['gh-4012345003.yaml']!)).toEqual({ removed: ['status: open'], added: ['status: closed'] });
    const { diagnostics } = await validateJson(['--config', e.project.configFile]);
    expect(diagnostics.filter((d) => d.severity === 'error' && d.code.startsWith('JC_'))).toEqual([]);
  });

  test('a role that comes back to the board is opened again', async () => {
    await e.importNow('greenhouse');
    e.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(boardNextWeek()));
    await e.importNow('greenhouse');
    e.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(fixture('greenhouse', 'board.json')));
    const back = await e.importNow('greenhouse');
    expect(back.plan!.changes.filter((c) => c.id === 'gh-4012345003').map((c) => [c.kind, c.fields])).toEqual([['changed', ['status']]]);
    expect(parseYaml(e.files()['gh-4012345003.yaml']!)).toMatchObject({ status: 'open' });
  });
});

describe('faults: nothing is written or closed, and the report says why', () => {
  const PATH = '/boards-api.greenhouse.io/v1/boards/acme/jobs';
  let e: Env;
  let before: Record<string, string>;
  beforeEach(async () => {
    e = await env(SOURCES.greenhouse!.config);
    SOURCES.greenhouse!.serve(e.remote);
    await e.importNow('greenhouse');
    before = e.files();
  });
  afterEach(async () => {
    await e.remote.close();
    e.project.cleanup();
  });

  test.each([
    ['a timeout', { hang: true } as const, /timed out/],
    ['a 500', { status: 500, body: 'oops' }, /HTTP 500/],
    ['truncated JSON', json(fixture('greenhouse', 'board.json').slice(0, 900)), /not what greenhouse documents/],
    ['an empty list with a 200', json(JSON.stringify({ jobs: [], meta: { total: 0 } })), /answered with no jobs for acme; nothing is changed or closed/],
    [
      'fewer jobs than the board counts',
      json(JSON.stringify({ ...JSON.parse(fixture('greenhouse', 'board.json')), meta: { total: 9 } })),
      /says it has 9 jobs but answered with 4/,
    ],
  ])('%s', async (_what, reply, said) => {
    e.remote.otherwise(PATH, reply);
    const run = await e.importNow('greenhouse');
    expect(run.failed).toMatch(said);
    expect(run.plan).toBeUndefined();
    expect(e.files()).toEqual(before);
    const out: string[] = [];
    printImport(run, { write: (s: string) => void out.push(s) }, { write: (s: string) => void out.push(s) });
    expect(out.join('')).toMatch(/^jobcast import greenhouse \(acme\): .*; no file was changed \[JC_IMPORT_FAILED\]\n$/);
  });
});

test('the same requisition posted twice is reported, and imported without the shared reference', async () => {
  const e = await env(SOURCES.greenhouse!.config);
  try {
    const board = JSON.parse(fixture('greenhouse', 'board.json')) as { jobs: Record<string, unknown>[]; meta: { total: number } };
    board.jobs.push({ ...board.jobs[0]!, id: 4012345099 });
    board.meta.total = 5;
    e.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(JSON.stringify(board)));
    const run = await e.importNow('greenhouse');
    expect(run.issues.filter((i) => i.job === '4012345099' && i.field !== 'employment type').map((i) => `${i.field}: ${i.message}`)).toEqual([
      'requisition: requisition ENG-204 is posted twice (also job 4012345001); imported without the reference',
      'description: the same description as job 4012345001: the same role posted twice?',
    ]);
    expect(parseYaml(e.files()['gh-4012345099.yaml']!)).not.toHaveProperty('reference');
    const { diagnostics } = await validateJson(['--config', e.project.configFile]);
    expect(diagnostics.filter((d) => d.code === 'JC_RULE_DUPLICATE_REFERENCE')).toEqual([]);
  } finally {
    await e.remote.close();
    e.project.cleanup();
  }
});

test("the README's dry run is what the command prints for the Greenhouse board a week after the first import", async () => {
  const e = await env(SOURCES.greenhouse!.config);
  try {
    SOURCES.greenhouse!.serve(e.remote);
    await e.importNow('greenhouse');
    e.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(boardNextWeek()));
    const run = await e.importNow('greenhouse', true);
    const out: string[] = [];
    const w = { write: (s: string) => void out.push(s) };
    printImport(run, w, w);
    const printed = `$ jobcast import greenhouse --dry-run\n${out.join('').replace(new RegExp(`${e.project.dir}/`, 'g'), '')}`;
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const block = /<!-- import-dry-run -->\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    if (process.env.UPDATE_README === '1') console.log(printed);
    expect(block).toBe(printed);
  } finally {
    await e.remote.close();
    e.project.cleanup();
  }
});

test('a page missing from a paged board (SmartRecruiters page 2 answers 404) fails the whole import', async () => {
  const e = await env(SOURCES.smartrecruiters!.config);
  try {
    SOURCES.smartrecruiters!.serve(e.remote);
    const base = '/api.smartrecruiters.com/v1/companies/acme/postings';
    e.remote.otherwise(base, (req) =>
      new URL(req.path, 'http://x').searchParams.get('offset') === '0' ? json(fixture('smartrecruiters', 'page-0.json')) : { status: 404, body: 'not found' },
    );
    const run = await e.importNow('smartrecruiters');
    expect(run.failed).toMatch(/offset=2.*HTTP 404/);
    expect(e.files()).toEqual({});
  } finally {
    await e.remote.close();
    e.project.cleanup();
  }
});

describe('the command line and the schedule', () => {
  test('names the sources when the source is unknown, and the config key when it is not configured (exit 2)', async () => {
    const project = tempProject();
    try {
      const unknown = await runCli(['import', 'workday', '--config', project.configFile]);
      expect([unknown.code, unknown.stderr]).toEqual([
        2,
        expect.stringContaining('"workday" is not a source; the sources are: greenhouse, lever, ashby, personio, smartrecruiters'),
      ]);
      const unset = await runCli(['import', 'lever', '--config', project.configFile]);
      expect([unset.code, unset.stderr]).toEqual([2, expect.stringContaining('add import.lever to')]);
      expect(unset.stderr).not.toMatch(/\n\s+at /);
    } finally {
      project.cleanup();
    }
  });

  test('import.schedule: true imports before each scheduled publish, under the writer lease', async () => {
    const e = await env(SOURCES.lever!.config, '  schedule: true');
    try {
      SOURCES.lever!.serve(e.remote);
      const project = await e.open();
      const ledger = await Ledger.open(project.statePath);
      try {
        await scheduledImports(project, ledger, NOW, silentLogger(), { rebase: rebaseTo(e.remote) });
      } finally {
        await ledger.close();
      }
      expect(Object.keys(e.files())).toHaveLength(3);
    } finally {
      await e.remote.close();
      e.project.cleanup();
    }
  });
});

test('a hand-written file that holds an imported id is never overwritten: that job is left out and said so', async () => {
  const e = await env(SOURCES.greenhouse!.config);
  try {
    SOURCES.greenhouse!.serve(e.remote);
    const mine = MINIMAL_POSTING.replace('Backend Engineer', 'Our own role');
    e.project.write('gh-4012345002.yaml', mine);
    const run = await e.importNow('greenhouse');
    expect(run.issues.filter((i) => i.severity === 'error').map((i) => `${i.job} ${i.field}: ${i.message}`)).toEqual([
      '4012345002 id: left out: gh-4012345002.yaml exists and was not imported from greenhouse acme; it is left as it is',
    ]);
    expect(e.files()['gh-4012345002.yaml']).toBe(mine);
    expect(Object.keys(e.files())).toHaveLength(4);
  } finally {
    await e.remote.close();
    e.project.cleanup();
  }
});

test('an import stopped after any number of its files (a crash) is finished by the next one: the same files as one clean import', async () => {
  const clean = await env(SOURCES.greenhouse!.config);
  SOURCES.greenhouse!.serve(clean.remote);
  await clean.importNow('greenhouse');
  clean.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(boardNextWeek()));
  await clean.importNow('greenhouse');
  const expected = clean.files();
  await clean.remote.close();
  clean.project.cleanup();
  for (let written = 0; written <= 3; written++) {
    const e = await env(SOURCES.greenhouse!.config);
    try {
      SOURCES.greenhouse!.serve(e.remote);
      await e.importNow('greenhouse');
      e.remote.otherwise('/boards-api.greenhouse.io/v1/boards/acme/jobs', json(boardNextWeek()));
      // The crash: only the first `written` planned files reached the disk (each whole: files are renamed into place).
      const plan = (await e.importNow('greenhouse', true)).plan!;
      plan.changes.slice(0, written).forEach((c) => e.project.write(path.basename(c.file), c.text));
      await e.importNow('greenhouse');
      expect([written, e.files()]).toEqual([written, expected]);
      expect((await e.importNow('greenhouse')).plan!.changes).toEqual([]);
    } finally {
      await e.remote.close();
      e.project.cleanup();
    }
  }
});
