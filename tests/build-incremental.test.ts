/** Incremental builds: a posting's unchanged files are carried over by hard link, and the result is
 * byte-identical to a fresh build of the same sources. */
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildProject } from '../src/pipeline/build';
import { MINIMAL_POSTING, SHIPPED_POSTING_TEXT, tempProject, type TempProject } from './helpers/project';
import { tree } from './helpers/tree';

const NOW = new Date('2026-11-28T12:00:00Z');

const inode = (project: TempProject, p: string) => statSync(path.join(project.outDir, p)).ino;
const postings = {
  'ml-infrastructure-engineer.yaml': SHIPPED_POSTING_TEXT,
  'backend-engineer.yaml': MINIMAL_POSTING,
  'frontend-engineer.yaml': MINIMAL_POSTING.replace('Backend Engineer', 'Frontend Engineer'),
};

let project: TempProject;
beforeEach(() => {
  project = tempProject(postings);
});
afterEach(() => project.cleanup());

describe('incremental build', () => {
  it('carries unchanged postings over by hard link and re-renders only the edited one', async () => {
    await buildProject(await project.open(), { now: NOW });
    const before = ['backend-engineer', 'frontend-engineer'].flatMap((id) => ['index.html', 'email.eml', 'posting.json'].map((f) => `jobs/${id}/${f}`));
    const inodes = Object.fromEntries(before.map((p) => [p, inode(project, p)]));
    project.write('frontend-engineer.yaml', postings['frontend-engineer.yaml'].replace('max: 90000', 'max: 99000'));
    await buildProject(await project.open(), { now: NOW });
    for (const f of ['index.html', 'email.eml', 'posting.json']) {
      expect(inode(project, `jobs/backend-engineer/${f}`)).toBe(inodes[`jobs/backend-engineer/${f}`]);
      expect(inode(project, `jobs/frontend-engineer/${f}`)).not.toBe(inodes[`jobs/frontend-engineer/${f}`]);
    }
    expect(readFileSync(path.join(project.outDir, 'jobs/frontend-engineer/index.html'), 'utf8')).toContain('99,000');
  });

  it('gives the same bytes as rendering everything again', async () => {
    await buildProject(await project.open(), { now: NOW });
    project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('status: open', 'status: closed'));
    await buildProject(await project.open(), { now: NOW });
    const incremental = tree(project.outDir);
    await buildProject(await project.open(), { now: NOW, reuse: false });
    expect(tree(project.outDir)).toEqual(incremental);
  });

  it('re-renders everything when the config changes', async () => {
    await buildProject(await project.open(), { now: NOW });
    const before = inode(project, 'jobs/backend-engineer/index.html');
    writeFileSync(project.configFile, readFileSync(project.configFile, 'utf8').replace('name: Example Corp', 'name: Example Corporation'));
    await buildProject(await project.open(), { now: NOW });
    expect(inode(project, 'jobs/backend-engineer/index.html')).not.toBe(before);
    expect(readFileSync(path.join(project.outDir, 'jobs/backend-engineer/index.html'), 'utf8')).toContain('Example Corporation');
  });

  it('renders a posting again when a file of the previous output has gone missing', async () => {
    await buildProject(await project.open(), { now: NOW });
    rmSync(path.join(project.outDir, 'jobs/backend-engineer/email.txt'));
    await buildProject(await project.open(), { now: NOW });
    expect(readFileSync(path.join(project.outDir, 'jobs/backend-engineer/email.txt'), 'utf8')).toContain('Backend Engineer');
  });
});

describe('source cache', () => {
  it('reuses what it learned about unchanged files, with the same diagnostics', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const second = await buildProject(await project.open(), { now: NOW });
    const strip = (ds: typeof first.diagnostics) => ds.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.channel ?? ''} ${d.message}`).sort();
    expect(strip(second.diagnostics)).toEqual(strip(first.diagnostics));
    expect(strip(second.diagnostics).length).toBeGreaterThan(0);
  });

  it('keys files by size, mtime, ctime and inode: an edit is always seen, even with the mtime put back', async () => {
    await buildProject(await project.open(), { now: NOW });
    const file = path.join(project.postingsDir, 'backend-engineer.yaml');
    const before = statSync(file);
    // Same size, mtime restored: only ctime (and perhaps the inode) tells.
    writeFileSync(file, MINIMAL_POSTING.replace('Backend Engineer', 'Backend Engineor'));
    utimesSync(file, before.atime, before.mtime);
    const r = await buildProject(await project.open(), { now: NOW });
    expect(r.validation.entries.find((e) => e.id === 'backend-engineer')!.posting.title).toBe('Backend Engineor');
  });

  it('never caches a file with errors', async () => {
    project.write('broken.yaml', 'title: [unclosed\n');
    const first = await buildProject(await project.open(), { now: NOW });
    expect(first.broken).toMatchObject([{ id: 'broken', kept: false, error: { code: 'JC_YAML_SYNTAX' } }]);
    project.remove('broken.yaml');
    await buildProject(await project.open(), { now: NOW });
    project.write('broken.yaml', 'title: [unclosed\n');
    const again = await buildProject(await project.open(), { now: NOW });
    expect(again.broken).toMatchObject([{ id: 'broken', kept: false, error: { code: 'JC_YAML_SYNTAX' } }]);
    expect(again.validation.entries.map((e) => e.id)).not.toContain('broken');
  });
});
