/**
 * The source cache is kept in segments: a build that changed one role writes that role's segment
 * and links the others from the previous generation; a segment that is not the size its index says
 * is written again; an output made before segments (one `sources.ndjson`) is still read.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildProject } from '../src/pipeline/build';
import { readSourceCache } from '../src/pipeline/source-cache';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-11-28T12:00:00Z');
const ROLES = Array.from({ length: 12 }, (_, i) => `role-${i}`);
const posting = (id: string, max = 90000) => MINIMAL_POSTING.replace('Backend Engineer', id.replace(/-/g, ' ')).replace('max: 90000', `max: ${max}`);

/** Each segment file of a generation's cache, by name, with its inode. */
const segments = (generation: string) =>
  Object.fromEntries(
    readdirSync(path.join(generation, 'sources'))
      .filter((n) => n.endsWith('.ndjson'))
      .map((n) => [n, statSync(path.join(generation, 'sources', n)).ino]),
  );

let project: TempProject;
beforeEach(() => {
  project = tempProject(Object.fromEntries(ROLES.map((id) => [`${id}.yaml`, posting(id)])));
});
afterEach(() => project.cleanup());

describe('the source cache in segments', () => {
  it('writes only the segment of the edited role, linking the others, and reads back every role', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const before = segments(first.generation);
    expect(Object.keys(before).length).toBeGreaterThan(3);

    project.write('role-5.yaml', posting('role-5', 99000));
    const second = await buildProject(await project.open(), { now: NOW });
    const after = segments(second.generation);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const rewritten = Object.keys(after).filter((n) => after[n] !== before[n]);
    expect(rewritten).toHaveLength(1);

    const cache = await readSourceCache(second.generation);
    expect(cache.size).toBe(ROLES.length);
    const edited = [...cache.values()].find((c) => c.path.endsWith('role-5.yaml'))!;
    expect(edited.posting.salary).toMatchObject({ max: 99000 });
    expect(readFileSync(path.join(second.generation, 'sources', rewritten[0]!), 'utf8')).toContain('"max":99000');
  });

  it('writes a segment again when the previous one is not the size its index says', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const names = Object.keys(segments(first.generation));
    const damaged = path.join(first.generation, 'sources', names[0]!);
    writeFileSync(damaged, readFileSync(damaged, 'utf8').slice(0, 20));
    project.write('role-5.yaml', posting('role-5', 99000));
    const second = await buildProject(await project.open(), { now: NOW });
    expect(statSync(path.join(second.generation, 'sources', names[0]!)).ino).not.toBe(statSync(damaged).ino);
    expect((await readSourceCache(second.generation)).size).toBe(ROLES.length);
  });

  it('reads the one-file cache of an output made before segments', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const records = [...(await readSourceCache(first.generation)).values()];
    rmSync(path.join(first.generation, 'sources'), { recursive: true });
    writeFileSync(path.join(first.generation, 'sources.ndjson'), records.map((r) => JSON.stringify(r) + '\n').join(''));
    expect([...(await readSourceCache(first.generation)).values()]).toEqual(records);
  });
});
