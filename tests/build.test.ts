/** The build: atomic swap, untouched previous output on failure, byte-identical rebuilds. */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { adapters } from '../adapters';
import { defineAdapter, type Adapter } from '../src/adapter';
import { buildProject } from '../src/pipeline/build';
import { layoutFor, pruneGenerations, trashFor } from '../src/pipeline/output-store';
import { until } from './helpers/follow-cli';
import { isJobcastError } from '../src/errors';
import { MINIMAL_POSTING, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';
import { tree } from './helpers/tree';

const NOW = new Date('2026-11-28T12:00:00Z');

let project: TempProject;
beforeEach(() => {
  project = tempProject({ 'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT, 'backend-engineer.yaml': MINIMAL_POSTING });
});
afterEach(() => project.cleanup());

describe('build', () => {
  it('writes the output as a symlink to a complete generation', async () => {
    const result = await buildProject(await project.open(), { now: NOW });
    expect(lstatSync(project.outDir).isSymbolicLink()).toBe(true);
    expect(readlinkSync(project.outDir)).toMatch(/^\.dist\.generations\/\d+-[0-9a-f]+\/site$/);
    const files = tree(project.outDir);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['jobs/ml-infrastructure-engineer/posting.json', 'jobs/backend-engineer/posting.json']));
    expect(Object.keys(result.manifest.artifacts).sort()).toEqual(Object.keys(files).sort());
    const posting = JSON.parse(Buffer.from(files['jobs/backend-engineer/posting.json']!, 'base64').toString());
    expect(posting).toMatchObject({ id: 'backend-engineer', state: 'open', title: 'Backend Engineer' });
  });

  it('gives byte-identical output for unchanged sources', async () => {
    await buildProject(await project.open(), { now: NOW });
    const first = tree(project.outDir);
    await buildProject(await project.open(), { now: new Date('2026-11-29T08:00:00Z') });
    expect(tree(project.outDir)).toEqual(first);
  });

  it('gives identical output for two fresh builds of the same sources', async () => {
    await buildProject(await project.open(), { now: NOW });
    const first = tree(project.outDir);
    const other = tempProject({ 'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT, 'backend-engineer.yaml': MINIMAL_POSTING });
    try {
      await buildProject(await other.open(), { now: NOW });
      expect(tree(other.outDir)).toEqual(first);
    } finally {
      other.cleanup();
    }
  });

  it('fails with JC_BUILD_PATH_CLASH when two channels write the same path, own file against shared file, and keeps the output', async () => {
    await buildProject(await project.open(), { now: NOW });
    const before = tree(project.outDir);
    // A shared file at the path of a role's own page (the google channel's jobs/<id>/index.html).
    const squatter = defineAdapter<undefined>({
      name: 'squatter',
      description: 'writes a shared file where a job page goes',
      render: () => ({ artifacts: [{ path: 'jobs/backend-engineer/index.html', contentType: 'text/html', body: '<p>mine</p>' }] }),
    });
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Backend Engineer II'));
    await expect(buildProject(await project.open([...adapters, squatter]), { now: NOW })).rejects.toMatchObject({
      code: 'JC_BUILD_PATH_CLASH',
      message: expect.stringContaining('jobs/backend-engineer/index.html'),
    });
    expect(tree(project.outDir)).toEqual(before);
  });

  it('leaves the previous output byte for byte in place when an adapter fails', async () => {
    await buildProject(await project.open(), { now: NOW });
    const before = tree(project.outDir);
    const link = readlinkSync(project.outDir);
    const failing = defineAdapter<undefined>({
      name: 'failing',
      description: 'throws halfway through its artifacts',
      render: () => ({
        artifacts: [
          {
            path: 'feeds/partial.xml',
            contentType: 'application/xml',
            body: (function* () {
              yield '<a>';
              throw new Error('disk on fire');
            })(),
          },
        ],
      }),
    });
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Backend Engineer II'));
    const withFailing: Adapter[] = [...adapters, failing];
    const error = await buildProject(await project.open(withFailing), { now: NOW }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJobcastError(error)).toBe(true);
    expect((error as Error).message).toMatch(/failing/);
    expect(readlinkSync(project.outDir)).toBe(link);
    expect(tree(project.outDir)).toEqual(before);
    // The failed generation was cleaned up: only the live one remains.
    expect(readdirSync(path.join(project.dir, '.dist.generations'))).toHaveLength(1);
  });

  it('keeps a role whose file becomes invalid at its last good version, and builds every other edit', async () => {
    project.write('other-role.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Other Engineer'));
    await buildProject(await project.open(), { now: NOW });
    const before = tree(project.outDir);
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    project.write('other-role.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Other Engineer II'));
    const result = await buildProject(await project.open(), { now: NOW });
    expect(result.broken).toMatchObject([{ id: 'backend-engineer', kept: true, error: { code: 'JC_FIELD_ENUM', line: 2 } }]);
    const after = tree(project.outDir);
    for (const f of Object.keys(before).filter((p) => p.startsWith('jobs/backend-engineer/'))) expect(after[f]).toEqual(before[f]);
    expect(Buffer.from(after['jobs/other-role/index.html']!, 'base64').toString('utf8')).toContain('Other Engineer II');
    expect(result.manifest.problems).toMatchObject([{ code: 'JC_FIELD_ENUM', kept: true, line: 2 }]);
    // Still kept on the build after (its last good version travels in the source cache).
    const again = await buildProject(await project.open(), { now: NOW });
    expect(again.broken[0]!.kept).toBe(true);
    expect(tree(project.outDir)['jobs/backend-engineer/index.html']).toEqual(before['jobs/backend-engineer/index.html']);
  });

  it('does not publish a new file that has never been valid', async () => {
    project.write('new-role.yaml', MINIMAL_POSTING.replace('status: open', 'status: opne'));
    const result = await buildProject(await project.open(), { now: NOW });
    expect(result.broken).toMatchObject([{ id: 'new-role', kept: false }]);
    expect(Object.keys(result.manifest.artifacts).some((p) => p.includes('new-role'))).toBe(false);
  });

  it('prunes replaced generations only after a grace period, never the current or the one before', async () => {
    const layout = layoutFor(project.outDir);
    for (let i = 0; i < 4; i++) {
      project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('Backend Engineer', `Backend Engineer ${i}`));
      await buildProject(await project.open(), { now: NOW });
    }
    const gens = () => readdirSync(layout.generationsDir).sort();
    expect(gens()).toHaveLength(4);
    const current = path.basename(path.dirname(realpathSync(project.outDir)));
    await pruneGenerations(layout, undefined, 0);
    expect(gens()).toEqual([current]);
    // A folder without a manifest (a build that died) is marked first and removed a grace later.
    mkdirSync(path.join(layout.generationsDir, '000000000000000001-dead'));
    await pruneGenerations(layout, undefined, 60_000);
    expect(gens()).toContain('000000000000000001-dead');
    await pruneGenerations(layout, undefined, 0);
    expect(gens()).toEqual([current]);
  });

  it('deletes pruned generations in the background, and what a dead remover left at the next pruning', async () => {
    const layout = layoutFor(project.outDir);
    const trash = trashFor(layout);
    for (let i = 0; i < 3; i++) {
      project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('Backend Engineer', `Backend Engineer ${i}`));
      await buildProject(await project.open(), { now: NOW });
    }
    const served = realpathSync(project.outDir);
    await pruneGenerations(layout, undefined, 0);
    // Out of the generations at once (one rename each), deleted by a process of its own.
    expect(readdirSync(layout.generationsDir)).toEqual([path.basename(path.dirname(served))]);
    await until('the trash to be deleted', async () => (existsSync(trash) ? undefined : true), { deadline: Date.now() + 10_000 });
    // A remover that died left a generation half deleted: the next pruning finishes it.
    mkdirSync(path.join(trash, '000000000000000002-left', 'site', 'jobs'), { recursive: true });
    writeFileSync(path.join(trash, '000000000000000002-left', 'site', 'jobs', 'index.html'), 'x');
    await pruneGenerations(layout, undefined, 0);
    await until('the leftover to be deleted', async () => (existsSync(trash) ? undefined : true), { deadline: Date.now() + 10_000 });
    expect(readFileSync(path.join(project.outDir, 'jobs/backend-engineer/index.html'), 'utf8')).toContain('Backend Engineer 2');
  });

  it('drops a posting from one channel only when that channel reports an error', async () => {
    const picky = defineAdapter<undefined>({
      name: 'picky',
      description: 'refuses postings without salary',
      check: (e) => (e.posting.salary ? [] : [{ code: 'PICKY_NO_SALARY', severity: 'error', message: 'no salary', field: 'salary' }]),
      render: (entries) => ({ artifacts: entries.map((e) => ({ path: `picky/${e.id}.txt`, contentType: 'text/plain; charset=utf-8', body: e.id })) }),
    });
    const result = await buildProject(await project.open([...adapters, picky]), { now: NOW });
    const files = Object.keys(tree(project.outDir));
    expect(files).toContain('picky/backend-engineer.txt');
    expect(files).not.toContain('picky/ml-infrastructure-engineer.txt');
    expect(files).toContain('jobs/ml-infrastructure-engineer/posting.json');
    const d = result.diagnostics.find((x) => x.code === 'PICKY_NO_SALARY');
    expect(d).toMatchObject({ channel: 'picky', posting: 'ml-infrastructure-engineer', severity: 'error', field: 'salary' });
    expect(d!.file).toMatch(/ml-infrastructure-engineer\.yaml$/);
  });

  it('renders open postings; drafts and scheduled produce nothing, closed and expired a 410 at each of their URLs', async () => {
    project.write('draft-role.yaml', MINIMAL_POSTING.replace('status: open', 'status: draft'));
    project.write('future-role.yaml', MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2026-12-15'));
    project.write('closed-role.yaml', MINIMAL_POSTING.replace('status: open', 'status: closed'));
    project.write('expired-role.yaml', MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2026-11-27'));
    const result = await buildProject(await project.open(), { now: NOW });
    const states = Object.fromEntries(result.validation.entries.map((e) => [e.id, e.state]));
    expect(states).toMatchObject({
      'draft-role': 'draft',
      'future-role': 'scheduled',
      'closed-role': 'closed',
      'expired-role': 'expired',
      'backend-engineer': 'open',
    });
    const files = Object.keys(tree(project.outDir));
    for (const id of ['draft-role', 'future-role']) expect(files.filter((f) => f.includes(id))).toEqual([]);
    // A closed or expired role keeps its URLs, each answering 410 Gone.
    for (const id of ['closed-role', 'expired-role']) {
      const own = files.filter((f) => f.includes(id)).sort();
      expect(own).toEqual(['email.eml', 'email.txt', 'index.html', 'jobposting.json', 'posting.json'].map((f) => `jobs/${id}/${f}`));
      for (const f of own) expect(result.manifest.artifacts[f]!.status).toBe(410);
    }
  });

  it('keeps a date-only validThrough open through the end of that day in the site time zone', async () => {
    project.write('last-day.yaml', MINIMAL_POSTING.replace('datePosted: 2026-11-01', 'datePosted: 2026-11-01\nvalidThrough: 2026-11-28'));
    const at = async (iso: string) =>
      (await buildProject(await project.open(), { now: new Date(iso) })).validation.entries.find((e) => e.id === 'last-day')!.state;
    expect(await at('2026-11-28T23:59:58Z')).toBe('open');
    expect(await at('2026-11-29T00:00:01Z')).toBe('expired');
  });

  it('records when each posting last changed, and keeps it when nothing changed', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    expect(first.manifest.history['backend-engineer']!.since).toBe('2026-11-01T00:00:00.000Z');
    const later = new Date('2026-12-02T10:00:00Z');
    const same = await buildProject(await project.open(), { now: later });
    expect(same.manifest.history['backend-engineer']).toEqual(first.manifest.history['backend-engineer']);
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('max: 90000', 'max: 95000'));
    const changed = await buildProject(await project.open(), { now: later });
    expect(changed.manifest.history['backend-engineer']!.since).toBe(later.toISOString());
  });
});
