/**
 * The source cache is kept in segments: a build that changed one role writes that role's segment
 * and links the others from the previous generation; a segment that is not the size its index says
 * is written again; an output made before segments (one `sources.ndjson`) is still read.
 */
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { buildProject } from '../src/pipeline/build';
import { readSourceCache } from '../src/pipeline/source-cache';
import type { RuleChecks } from '../src/pipeline/rule-checks';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { matchesReuseNothing } from './helpers/reference-build';
import { tree } from './helpers/tree';

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
    expect(edited.body.posting.salary).toMatchObject({ max: 99000 });
    // The postings are beside the lines, which hold only what every build reads.
    expect(readFileSync(path.join(second.generation, 'sources', rewritten[0]!), 'utf8')).not.toContain('"max":99000');
    expect(readFileSync(path.join(second.generation, 'sources', rewritten[0]!.replace('.ndjson', '.postings')), 'utf8')).toContain('"max":99000');
  });

  /** Overwrite every postings file of `generation` with same-size bytes that are not JSON; `resign` fixes their CRCs in the index too. */
  const spoilPostings = (generation: string, resign: boolean) => {
    const indexFile = path.join(generation, 'sources', 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { segments: Record<string, { crc?: number }> };
    for (const [name, entry] of Object.entries(index.segments)) {
      const file = path.join(generation, 'sources', `${name}.postings`);
      const junk = Buffer.alloc(statSync(file).size, 0x7e);
      writeFileSync(file, junk);
      if (resign) entry.crc = crc32(junk);
    }
    writeFileSync(indexFile, JSON.stringify(index));
  };

  it('reads no posting when nothing changed: the lines say all a build checks', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    // Unreadable postings the index vouches for: a build that parsed one would fail.
    spoilPostings(first.generation, true);
    const again = await buildProject(await project.open(), { now: new Date(NOW.getTime() + 3600_000) });
    expect(again.generation).toBe(first.generation);
    expect(again.validation.entries.map((e) => e.id)).toEqual([...ROLES].sort());
  });

  it('keeps the generation when built from another working directory, and shows paths from each', async () => {
    // Without a salary the loader warns about the file itself: a diagnostic that names where it is.
    project.write('role-3.yaml', posting('role-3').replace(/^salary:.*\n/m, ''));
    const from = async (cwd: string) => {
      const was = process.cwd();
      process.chdir(cwd);
      try {
        return await buildProject(await project.open(), { now: NOW });
      } finally {
        process.chdir(was);
      }
    };
    const inside = await from(project.dir);
    const shown = (r: typeof inside) => r.diagnostics.filter((d) => d.code === 'JC_WARN_NO_SALARY').map((d) => d.file);
    expect(shown(inside)).toEqual(['postings/role-3.yaml']);
    const outside = await from(path.dirname(project.dir));
    expect(outside.generation).toBe(inside.generation);
    expect(shown(outside)).toEqual([`${path.basename(project.dir)}/postings/role-3.yaml`]);
    expect((await from(project.dir)).generation).toBe(inside.generation);
  });

  it('parses again the files of a postings file damaged at its size, and the cache after is whole', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const bytes = tree(project.outDir);
    spoilPostings(first.generation, false);
    expect((await readSourceCache(first.generation)).size).toBe(0);
    const second = await buildProject(await project.open(), { now: NOW });
    expect(second.generation).not.toBe(first.generation);
    expect(tree(project.outDir)).toEqual(bytes);
    // Written again, not linked from the damaged one: every posting reads back.
    const cache = await readSourceCache(second.generation);
    expect(cache.size).toBe(ROLES.length);
    for (const c of cache.values()) expect(c.body.posting.title).toBe(path.basename(c.path, '.yaml').replace(/-/g, ' '));
    expect((await buildProject(await project.open(), { now: NOW })).generation).toBe(second.generation);
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

  it('writes the pair again when the postings file is not the size its index says', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const name = Object.keys(segments(first.generation))[0]!.replace('.ndjson', '');
    const damaged = path.join(first.generation, 'sources', `${name}.postings`);
    writeFileSync(damaged, readFileSync(damaged).subarray(0, 10));
    project.write('role-5.yaml', posting('role-5', 99000));
    const second = await buildProject(await project.open(), { now: NOW });
    expect(statSync(path.join(second.generation, 'sources', `${name}.postings`)).ino).not.toBe(statSync(damaged).ino);
    const cache = await readSourceCache(second.generation);
    expect(cache.size).toBe(ROLES.length);
    for (const c of cache.values()) expect(c.body.posting.title).toBe(path.basename(c.path, '.yaml').replace(/-/g, ' '));
  });

  /** The records as versions before the postings files wrote them: the posting inside each line. */
  const inline = async (generation: string) =>
    [...(await readSourceCache(generation)).values()].map(({ body, facts: _f, ...rest }) => ({ ...rest, posting: body.posting }));

  /** Checks as versions before 3 wrote them: per channel, its key and its diagnostics, each with its file, channel and posting. */
  const perChannel = ({ key, channels, found }: RuleChecks, file: string) =>
    Object.fromEntries(
      channels.map((ch) => [ch, { key, diagnostics: (found[ch] ?? []).map((f) => ({ file, ...f, channel: ch, posting: path.basename(file, '.yaml') })) }]),
    );

  it('reads the one-file cache of an output made before segments', async () => {
    const first = await buildProject(await project.open(), { now: NOW });
    const records = await inline(first.generation);
    rmSync(path.join(first.generation, 'sources'), { recursive: true });
    writeFileSync(path.join(first.generation, 'sources.ndjson'), records.map((r) => JSON.stringify(r) + '\n').join(''));
    expect(await inline(first.generation)).toEqual(records);
  });

  it('reads the segments of an output made before postings files, and builds from them what a build reusing nothing makes', async () => {
    const downgrade = async () => {
      const generation = path.dirname(realpathSync(project.outDir));
      const records = await inline(generation);
      rmSync(path.join(generation, 'sources'), { recursive: true });
      mkdirSync(path.join(generation, 'sources'));
      const old = records.map((r) => ({ ...r, checks: perChannel(r.checks, r.path) }));
      expect(old.some((r) => Object.values(r.checks).some((c) => c.diagnostics.length > 0))).toBe(true);
      writeFileSync(path.join(generation, 'sources', '00.ndjson'), old.map((r) => JSON.stringify(r) + '\n').join(''));
      writeFileSync(path.join(generation, 'sources', 'index.json'), JSON.stringify({ version: 1, segments: { '00': { key: 'old', size: 0 } } }));
      // Those versions kept no audiences: the build works them out again.
      expect(await inline(generation)).toEqual(
        records.map((r) => ({ ...r, checks: { key: r.checks.key, channels: r.checks.channels, found: r.checks.found } })),
      );
    };
    const steps = ['first', 'downgrade', 'edit', 'downgrade'] as const;
    let pending: Promise<void> = Promise.resolve();
    await matchesReuseNothing(
      project,
      steps,
      (s) => {
        if (s === 'edit') project.write('role-5.yaml', posting('role-5', 99000));
        if (s === 'downgrade') pending = downgrade();
      },
      NOW,
      () => pending,
    );
    const index = JSON.parse(readFileSync(path.join(path.dirname(realpathSync(project.outDir)), 'sources', 'index.json'), 'utf8')) as { version: number };
    expect(index.version).toBe(3);
  });
});
