/**
 * The server serves what was built: whoever builds (a `jobcast build` or `jobcast publish` process,
 * two builds racing, the server itself), the running service follows the output link, never serves
 * a missing or pruned generation, and a broken posting file keeps its role's last good version
 * (docs/publication.md, "One writer" and "A broken file never freezes the others").
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildProject, type BuildResult } from '../src/pipeline/build';
import { Ledger } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import type { Project } from '../src/project';
import { startService, type Service } from '../src/daemon/service';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { jobcastChild, killChildren, statePath, until, type CliProject } from './helpers/follow-cli';
import { createLedgerElsewhere } from './helpers/follow-ledger';
import { ageRetiredMarkers, currentGeneration, generationsDir, generationsOnDisk, isRetired, outputProblems, readManifestOf } from './helpers/follow-output';
import { request, type HttpResponse } from './helpers/http';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

const OPEN = 'backend-engineer';
const OTHER = 'data-engineer';
const PAGE = `/jobs/${OPEN}/`;
const OTHER_PAGE = `/jobs/${OTHER}/`;
const FEED = '/feeds/jobs.rss';
const T0 = Date.parse('2026-12-01T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** The minimal posting with a revision marker in its summary, so its page and every feed change. */
const posting = (revision: number) => MINIMAL_POSTING.replace('likes correctness.', `likes correctness. Revision ${revision}.`);
const OTHER_TEXT = MINIMAL_POSTING.replace('Backend Engineer', 'Data Engineer').replace('jobs/backend-engineer/apply', 'jobs/data-engineer/apply');

const sha40 = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 40);
const decoded = (res: HttpResponse): Buffer => {
  const enc = res.headers['content-encoding'];
  return enc === 'gzip' ? zlib.gunzipSync(res.body) : enc === 'br' ? zlib.brotliDecompressSync(res.body) : res.body;
};
const revisionOf = (res: HttpResponse): number | undefined => {
  const m = /Revision (\d+)\./.exec(decoded(res).toString('utf8'));
  return m ? Number(m[1]) : undefined;
};

interface Health {
  status: string;
  output: { builtFor: string; generation: string; files: number; told: boolean | null; run: number | null } | null;
  brokenFiles: { file: string; line: number | null; col: number | null; code: string; message: string; servingLastGood: boolean }[];
  ledger: { id: string; run: number };
}
/** /healthz once it has compared the served output with the ledger (`told` is null until then). */
const toldSettled = (svc: Service) =>
  until(
    '/healthz to say whether the served output was told',
    async () => {
      const h = await health(svc);
      return typeof h.output?.told === 'boolean' ? h.output : undefined;
    },
    { deadline: Date.now() + 10_000 },
  );
const health = async (svc: Service): Promise<Health> => JSON.parse((await request(svc.url, '/healthz')).body.toString('utf8')) as Health;

let remote: FakeRemote;
let env: PublishEnv;
let project: Project;
const services = new Set<Service>();

beforeEach(async () => {
  remote = await startFakeRemote();
  env = await publishEnv(remote, { [`${OPEN}.yaml`]: posting(0), [`${OTHER}.yaml`]: OTHER_TEXT });
  // Every writer here (children, builds, the service) opens the ledger itself.
  await env.ledger.close();
  project = await env.project.open();
  await buildProject(project, { now: at(0) });
});

afterEach(async () => {
  await killChildren();
  for (const s of services) await s.close();
  services.clear();
  await env.cleanup();
  await remote.close();
});

async function start(): Promise<Service> {
  const svc = await startService({ project, port: 0, host: '127.0.0.1', log: silentLogger(), env: env.env, schedule: false });
  services.add(svc);
  return svc;
}

async function stop(svc: Service): Promise<void> {
  services.delete(svc);
  await svc.close();
}

/**
 * After a child exited at `exitedAt`: within one second the service serves `revision` on the job page
 * and in the feed, and /healthz names the generation the output link points at now.
 */
async function servedWithinOneSecond(svc: Service, revision: number, exitedAt: number): Promise<Health> {
  const generation = path.basename(currentGeneration(env.project));
  let seen = 'nothing yet';
  // Polled past the deadline only to say how late it was (or that it never came) when it fails.
  const { h, at: servedAt } = await until(
    `revision ${revision} served from ${generation}`,
    async () => {
      const [page, feed, h] = await Promise.all([request(svc.url, PAGE), request(svc.url, FEED), health(svc)]);
      seen = `page ${page.status} revision ${revisionOf(page)}, feed ${feed.status} revision ${revisionOf(feed)}, /healthz generation ${h.output?.generation}`;
      return page.status === 200 && feed.status === 200 && revisionOf(page) === revision && revisionOf(feed) === revision && h.output?.generation === generation
        ? { h, at: Date.now() }
        : undefined;
    },
    { deadline: exitedAt + 10_000, everyMs: 10 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last seen: ${seen}`);
  });
  expect({ servedMsAfterExit: servedAt - exitedAt, withinOneSecond: servedAt - exitedAt <= 1000 }).toEqual({
    servedMsAfterExit: servedAt - exitedAt,
    withinOneSecond: true,
  });
  return h;
}

describe('the running service follows builds by other processes', () => {
  it('serves a `jobcast build` run in another process within a second of its exit', async () => {
    const svc = await start();
    const before = await request(svc.url, PAGE);
    expect(revisionOf(before)).toBe(0);
    const generationBefore = (await health(svc)).output!.generation;

    env.project.write(`${OPEN}.yaml`, posting(1));
    const done = await jobcastChild(env.project, ['build'], ['--now', at(5).toISOString()]).exited;
    expect({ code: done.code, out: done.out }).toEqual({ code: 0, out: expect.stringContaining('built ') });

    const h = await servedWithinOneSecond(svc, 1, done.at);
    expect(h.output!.generation).not.toBe(generationBefore);
    expect(h.output).toMatchObject({ builtFor: at(5).toISOString() });
    expect(h.status).toBe('ok');
    // Built, not yet told (docs/publication.md, "What ops see").
    expect((await toldSettled(svc)).told).toBe(false);
    // The role that did not change is served as before.
    expect((await request(svc.url, OTHER_PAGE)).status).toBe(200);
  });

  it('serves a `jobcast publish` run in another process within a second of its exit', async () => {
    const svc = await start();
    expect(revisionOf(await request(svc.url, FEED))).toBe(0);

    env.project.write(`${OPEN}.yaml`, posting(2));
    const done = await jobcastChild(env.project, ['publish'], ['--now', at(5).toISOString()], env.env).exited;
    expect({ code: done.code, out: done.out }).toEqual({ code: 0, out: expect.stringContaining('notifications:') });
    // It really published: both roles were told to the board.
    expect(
      remote
        .to('/webhook')
        .map((r) => (JSON.parse(r.body) as { posting: { id: string } }).posting.id)
        .sort(),
    ).toEqual([OPEN, OTHER]);

    const h = await servedWithinOneSecond(svc, 2, done.at);
    expect(h.output).toMatchObject({ builtFor: at(5).toISOString(), run: 1 });
    expect(h.ledger.run).toBe(1);
    expect((await toldSettled(svc)).told).toBe(true);
  });
});

describe('concurrent builds', () => {
  /**
   * The checks after each pair of builds: the link names a complete generation, neither generation
   * the pair made was pruned, everything else is marked retired, and both the running service and a
   * freshly started one answer the job page with the pair's revision.
   */
  async function checkAfterPair(svc: Service, label: string, revision: number, made: string[]): Promise<void> {
    expect({ label, problems: outputProblems(env.project) }).toEqual({ label, problems: [] });
    const current = currentGeneration(env.project);
    const names = generationsOnDisk(env.project);
    // The pair made two generations; the second replaced the first; pruning kept both.
    expect({ label, made: made.length }).toEqual({ label, made: 2 });
    expect({ label, currentIsNew: made.includes(path.basename(current)) }).toEqual({ label, currentIsNew: true });
    for (const g of made) expect({ label, g, onDisk: names.includes(g) }).toEqual({ label, g, onDisk: true });
    for (const g of names) {
      if (g !== path.basename(current))
        expect({ label, g, retired: isRetired(path.join(generationsDir(env.project), g)) }).toEqual({ label, g, retired: true });
    }
    expect({ label, current: isRetired(current) }).toEqual({ label, current: false });

    const res = await request(svc.url, PAGE);
    expect({ label, status: res.status }).toEqual({ label, status: 200 });
    const fresh = await start();
    try {
      const first = await request(fresh.url, PAGE);
      expect({ label, status: first.status, revision: revisionOf(first) }).toEqual({ label, status: 200, revision });
    } finally {
      await stop(fresh);
    }
    // Before the grace period may be skipped, the running service must have moved to this output.
    await until(
      `${label}: the running service serves ${path.basename(current)}`,
      async () => {
        const [h, page] = await Promise.all([health(svc), request(svc.url, PAGE)]);
        return h.output?.generation === path.basename(current) && page.status === 200 && revisionOf(page) === revision ? true : undefined;
      },
      { deadline: Date.now() + 10_000 },
    );
  }

  it('50 pairs of builds in this process and 5 pairs of `jobcast build` processes never leave the output pointing at a missing generation', async () => {
    const svc = await start();
    const pruned = new Set<string>();
    const seen = new Set(generationsOnDisk(env.project));
    const notePruned = () => {
      const now = new Set(generationsOnDisk(env.project));
      for (const g of seen) if (!now.has(g)) pruned.add(g);
      for (const g of now) seen.add(g);
    };

    // The two builds of a pair differ in the employer's name, so each makes output of its own and
    // swaps it in (a build whose output is already the served one keeps it: src/pipeline/unchanged-output.ts).
    const org = project.config.organization;
    const variant: Project = { ...project, config: { ...project.config, organization: { ...org, name: `${org.name} Group` } } };
    const altConfig: CliProject = { ...env.project, configFile: path.join(env.project.dir, 'jobcast.alt.yaml') };
    writeFileSync(altConfig.configFile, readFileSync(env.project.configFile, 'utf8').replace(`name: ${org.name}`, `name: ${org.name} Group`));

    for (let i = 1; i <= 50; i++) {
      env.project.write(`${OPEN}.yaml`, posting(i));
      const before = new Set(generationsOnDisk(env.project));
      // One with a ledger of its own, one opening the project's: they serialize on the writer lease.
      const own = await Ledger.open(statePath(env.project));
      let results: BuildResult[];
      try {
        results = await Promise.all([buildProject(project, { now: at(i), ledger: own }), buildProject(variant, { now: at(i) })]);
      } finally {
        await own.close();
      }
      const made = results.map((r) => path.basename(r.generation));
      expect(
        generationsOnDisk(env.project)
          .filter((g) => !before.has(g))
          .sort(),
      ).toEqual([...made].sort());
      // They took turns: the one that swapped last started from the other's output, not from the one before.
      const second = results.find((r) => r.generation === currentGeneration(env.project));
      const first = results.find((r) => r !== second);
      expect({ pair: i, second: Boolean(second), first: Boolean(first) }).toEqual({ pair: i, second: true, first: true });
      const pageSha = (m: BuildResult['manifest'] | undefined) => m?.artifacts[`jobs/${OPEN}/index.html`]?.sha256;
      expect({ pair: i, secondStartedFrom: pageSha(second!.previous) }).toEqual({ pair: i, secondStartedFrom: pageSha(first!.manifest) });
      expect({ pair: i, firstStartedFromOlder: pageSha(first!.previous) !== pageSha(first!.manifest) }).toEqual({ pair: i, firstStartedFromOlder: true });
      notePruned();
      await checkAfterPair(svc, `in-process pair ${i}`, i, made);
      // As if the 30 s grace had passed for every retired generation: the next pair prunes them.
      ageRetiredMarkers(env.project, 60_000);
    }

    for (let i = 51; i <= 55; i++) {
      env.project.write(`${OPEN}.yaml`, posting(i));
      const before = new Set(generationsOnDisk(env.project));
      const runs = [env.project, altConfig].map((p) => jobcastChild(p, ['build'], ['--now', at(i).toISOString()]));
      const done = await Promise.all(runs.map((r) => r.exited));
      for (const d of done) expect({ pair: i, code: d.code, out: d.out }).toEqual({ pair: i, code: 0, out: expect.stringContaining('built ') });
      const made = generationsOnDisk(env.project).filter((g) => !before.has(g));
      notePruned();
      await checkAfterPair(svc, `process pair ${i}`, i, made);
      ageRetiredMarkers(env.project, 60_000);
    }

    // Pruning really ran all along (so the checks above were about it): old generations went, and
    // what is left is the current one, the one it replaced and the one retired by this last pair.
    expect(pruned.size).toBeGreaterThan(100);
    expect(generationsOnDisk(env.project).length).toBeLessThanOrEqual(3);
    // A guard against a hang, not a measure: 110 builds take 25 s on a quiet machine and more than 60 on a busy one.
  }, 180_000);

  it('a build that opens the state database while another process is still creating it waits, then builds', async () => {
    // Two `jobcast build` processes started together on a project without a state database yet:
    // the second opens the file while the first is inside its schema migration.
    const fresh: Project = { ...project, statePath: path.join(env.project.dir, 'fresh', 'state.db') };
    mkdirSync(path.dirname(fresh.statePath));
    const creator = await createLedgerElsewhere(fresh.statePath, 500);
    try {
      await creator.ready;
      env.project.write(`${OPEN}.yaml`, posting(3));
      const result = await buildProject(fresh, { now: at(3) });
      expect(path.basename(result.generation)).toBe(path.basename(currentGeneration(env.project)));
      expect(await creator.exited).toBe(0);
      const ledger = await Ledger.open(fresh.statePath);
      try {
        // A fresh ledger, not one mistaken for a first-version ledger to adopt.
        expect(await ledger.adoptPending()).toBeUndefined();
      } finally {
        await ledger.close();
      }
    } finally {
      creator.kill();
      await creator.exited;
    }
  });

  it('never serves bytes of a pruned generation while builds swap and prune under load', async () => {
    const svc = await start();
    /** path → sha40 → generations whose manifest has those bytes at that path. */
    const origins = new Map<string, Map<string, Set<string>>>();
    const prunedAt = new Map<string, number>();
    const record = (generation: string) => {
      const m = readManifestOf(generation);
      for (const [p, e] of Object.entries(m.artifacts)) {
        const bySha = origins.get(p) ?? new Map<string, Set<string>>();
        origins.set(p, bySha);
        const gens = bySha.get(e.sha256.slice(0, 40)) ?? new Set<string>();
        bySha.set(e.sha256.slice(0, 40), gens);
        gens.add(path.basename(generation));
      }
    };
    const notePruned = () => {
      const onDisk = new Set(generationsOnDisk(env.project));
      for (const bySha of origins.values())
        for (const gens of bySha.values()) for (const g of gens) if (!onDisk.has(g) && !prunedAt.has(g)) prunedAt.set(g, Date.now());
    };
    record(currentGeneration(env.project));

    const targets: { url: string; file: string; headers: Record<string, string> }[] = [
      { url: PAGE, file: `jobs/${OPEN}/index.html`, headers: {} },
      { url: PAGE, file: `jobs/${OPEN}/index.html`, headers: { 'Accept-Encoding': 'gzip' } },
      { url: FEED, file: 'feeds/jobs.rss', headers: {} },
      { url: '/feeds/jobs.json', file: 'feeds/jobs.json', headers: { 'Accept-Encoding': 'br' } },
      { url: `/jobs/${OPEN}/jobposting.json`, file: `jobs/${OPEN}/jobposting.json`, headers: {} },
      { url: OTHER_PAGE, file: `jobs/${OTHER}/index.html`, headers: {} },
    ];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const failures: string[] = [];
    let answered = 0;
    let stop = false;
    const loopDeadline = Date.now() + 40_000;
    const loop = async (i: number) => {
      for (let n = 0; !stop && Date.now() < loopDeadline; n++) {
        const t = targets[(i + n) % targets.length]!;
        const sentAt = Date.now();
        try {
          const res = await request(svc.url, t.url, { headers: t.headers, agent });
          answered++;
          if (res.status !== 200) {
            failures.push(`${t.url}: ${res.status}`);
            continue;
          }
          const body = decoded(res);
          const enc = res.headers['content-encoding'];
          if (res.headers.etag !== `"${sha40(body)}${enc ? `-${enc}` : ''}"`) failures.push(`${t.url}: ETag ${res.headers.etag} does not name the bytes sent`);
          let gens = origins.get(t.file)?.get(sha40(body));
          // A build that has just swapped, before this test read its manifest: look at what is on disk.
          if (!gens?.size) {
            for (const g of generationsOnDisk(env.project))
              if (existsSync(path.join(generationsDir(env.project), g, 'manifest.json'))) record(path.join(generationsDir(env.project), g));
            gens = origins.get(t.file)?.get(sha40(body));
          }
          if (!gens?.size) failures.push(`${t.url}: bytes ${sha40(body)} are in no generation this test saw built`);
          else if ([...gens].every((g) => (prunedAt.get(g) ?? Infinity) < sentAt))
            failures.push(`${t.url}: served bytes only pruned generations had (${[...gens].join(', ')})`);
        } catch (err) {
          failures.push(`${t.url}: ${(err as Error).message}`);
        }
      }
    };
    const loops = Array.from({ length: 6 }, (_, i) => loop(i));

    try {
      for (let v = 1; v <= 20; v++) {
        env.project.write(`${OPEN}.yaml`, posting(v));
        // Not followed by a reload: the service finds the new output by itself.
        const result = await buildProject(project, { now: at(v) });
        record(result.generation);
        notePruned();
        const generation = path.basename(result.generation);
        await until(`the service serves ${generation}`, async () => ((await health(svc)).output?.generation === generation ? true : undefined), {
          deadline: Date.now() + 10_000,
        });
        // The service has moved on: skip the grace period, so the next build prunes the retired ones.
        ageRetiredMarkers(env.project, 60_000);
        await new Promise((r) => setTimeout(r, 30));
      }
    } finally {
      stop = true;
      await Promise.all(loops);
      agent.destroy();
    }

    expect(failures.slice(0, 10)).toEqual([]);
    expect(prunedAt.size).toBeGreaterThanOrEqual(15);
    expect(answered).toBeGreaterThan(100);
    // And every response now is the last build's.
    const last = readManifestOf(currentGeneration(env.project));
    for (const t of targets) {
      const res = await request(svc.url, t.url, { headers: t.headers });
      expect({ url: t.url, sha: sha40(decoded(res)) }).toEqual({ url: t.url, sha: last.artifacts[t.file]!.sha256.slice(0, 40) });
    }
  });
});

describe('a broken posting file', () => {
  it('is reported by /healthz with its line and column while its role keeps serving its last good version', async () => {
    env.project.write(`${OPEN}.yaml`, posting(7));
    await buildProject(project, { now: at(1) });
    const svc = await start();
    expect(revisionOf(await request(svc.url, PAGE))).toBe(7);
    expect((await health(svc)).status).toBe('ok');

    // Line 8: `salary: { currency: EUR, min: 70000, max: 90000, unit: FORTNIGHT }`, the value at column 56.
    const broken = posting(8).replace('unit: YEAR', 'unit: FORTNIGHT');
    expect(broken.split('\n')[7]!.indexOf('FORTNIGHT')).toBe(55);
    const file = env.project.write(`${OPEN}.yaml`, broken);
    const done = await jobcastChild(env.project, ['build'], ['--now', at(2).toISOString()]).exited;
    // `build` exits 1 and names the file, line and column (its output shown when it does not).
    expect({ code: done.code, out: done.out }).toEqual({ code: 1, out: expect.stringContaining(`${OPEN}.yaml:8:56`) });
    expect(existsSync(file)).toBe(true);

    const generation = path.basename(currentGeneration(env.project));
    const h = await until(
      'the degraded output served',
      async () => {
        const got = await health(svc);
        return got.output?.generation === generation ? got : undefined;
      },
      { deadline: done.at + 10_000, everyMs: 10 },
    );
    expect(h.status).toBe('degraded');
    expect(h.brokenFiles).toHaveLength(1);
    expect(h.brokenFiles[0]).toMatchObject({ line: 8, col: 56, code: 'JC_FIELD_ENUM', servingLastGood: true });
    expect(h.brokenFiles[0]!.file).toMatch(new RegExp(`(^|/)postings/${OPEN}\\.yaml$`));

    // The role is still live with its last good version; the other role is untouched.
    const page = await request(svc.url, PAGE);
    expect(page.status).toBe(200);
    expect(revisionOf(page)).toBe(7);
    expect((await request(svc.url, FEED)).body.toString('utf8')).toContain('Revision 7.');
    expect((await request(svc.url, OTHER_PAGE)).status).toBe(200);
    // A server started now sees the same.
    const fresh = await start();
    expect((await health(fresh)).brokenFiles).toEqual(h.brokenFiles);
    expect(revisionOf(await request(fresh.url, PAGE))).toBe(7);
  });
});
