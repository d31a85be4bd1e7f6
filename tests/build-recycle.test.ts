/**
 * Recycled trees (recycleGeneration, GenerationWriter `holds`): a build takes over the folder of a
 * generation retired past its grace and changes only what differs, instead of making every folder
 * and linking every file again. Its files may be hard links to the served generation's, so nothing
 * may be written in place: the served generation must stay byte for byte what it was. Checked step
 * by step and over random sequences against a build that reuses nothing. The grace is 0 here
 * (`JOBCAST_GENERATION_GRACE_MS`), so from the third build on every build recycles.
 */
import fs, { existsSync, readdirSync, readFileSync, realpathSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { adapters } from '../adapters';
import type { Adapter } from '../src/adapter';
import { buildProject } from '../src/pipeline/build';
import { layoutFor, prunableGenerations, recycleGeneration } from '../src/pipeline/output-store';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { tree } from './helpers/tree';

const NOW = new Date('2026-11-28T12:00:00Z');
const ROLES = ['backend-engineer', 'frontend-engineer', 'data-engineer', 'product-designer'];
const posting = (id: string, max = 90000, status = 'open') =>
  MINIMAL_POSTING.replace('Backend Engineer', id.replace(/-/g, ' ')).replace('max: 90000', `max: ${max}`).replace('status: open', `status: ${status}`);

let grace: string | undefined;
beforeAll(() => {
  grace = process.env.JOBCAST_GENERATION_GRACE_MS;
  process.env.JOBCAST_GENERATION_GRACE_MS = '0';
});
afterAll(() => {
  if (grace === undefined) delete process.env.JOBCAST_GENERATION_GRACE_MS;
  else process.env.JOBCAST_GENERATION_GRACE_MS = grace;
});

let p: TempProject;
beforeEach(() => {
  p = tempProject(Object.fromEntries(ROLES.map((id) => [`${id}.yaml`, posting(id)])));
});
afterEach(() => {
  jest.restoreAllMocks();
  p.cleanup();
});

const generations = () => path.join(p.dir, '.dist.generations');
const served = () => path.dirname(realpathSync(p.outDir));
const reference = () => path.join(p.dir, 'reference');

/** Build the project, and the reference that reuses nothing, and compare them. */
async function buildAndCompare(step: number, with_: readonly Adapter[] = adapters): Promise<void> {
  const opened = await p.open(with_);
  const now = new Date(NOW.getTime() + step * 3600_000);
  await buildProject(opened, { now });
  await buildProject({ ...opened, outDir: reference() }, { now, reuse: false });
  expect({ step, files: tree(p.outDir) }).toEqual({ step, files: tree(reference()) });
}

it('an edit recycles the generation retired before the served one; the served one is untouched, few files are linked, a removed role leaves no folder', async () => {
  await buildAndCompare(0);
  const first = served();
  p.write('backend-engineer.yaml', posting('backend-engineer', 95000));
  await buildAndCompare(1);
  const second = served();
  const secondFiles = tree(path.join(second, 'site'));
  const firstSite = statSync(path.join(first, 'site')).ino;

  p.write('data-engineer.yaml', posting('data-engineer', 97000));
  p.remove('product-designer.yaml');
  const links = jest.spyOn(fs, 'linkSync');
  await buildAndCompare(2);
  // The retired tree became the new generation: same folder, under a new name.
  expect(statSync(path.join(served(), 'site')).ino).toBe(firstSite);
  expect(existsSync(first)).toBe(false);
  // Its files hard-linked to the second generation's were not written through: that one is as it was.
  expect(tree(path.join(second, 'site'))).toEqual(secondFiles);
  // Only what differs from the recycled tree was linked (the first edit's files), not every file.
  const total = Object.keys(tree(p.outDir)).length;
  expect(links.mock.calls.length).toBeGreaterThan(0);
  expect(links.mock.calls.length).toBeLessThan(total / 4);
  expect(existsSync(path.join(p.outDir, 'jobs', 'product-designer'))).toBe(false);
  expect(readdirSync(served()).sort()).toEqual(['manifest.json', 'site', 'sources']);
});

it('repairs a recycled file that was damaged while retired', async () => {
  await buildAndCompare(0);
  const first = served();
  p.write('backend-engineer.yaml', posting('backend-engineer', 95000));
  await buildAndCompare(1);
  truncateSync(path.join(first, 'site', 'jobs', 'frontend-engineer', 'index.html'), 10);
  p.write('data-engineer.yaml', posting('data-engineer', 97000));
  await buildAndCompare(2);
});

it('a build that fails on a recycled tree keeps the served output; the next build is whole', async () => {
  await buildAndCompare(0);
  p.write('backend-engineer.yaml', posting('backend-engineer', 95000));
  await buildAndCompare(1);
  const before = tree(p.outDir);
  const crashing = adapters.map((a): Adapter =>
    a.name !== 'google'
      ? a
      : {
          ...a,
          renderPosting: () => {
            throw new Error('kaboom');
          },
        },
  );
  p.write('data-engineer.yaml', posting('data-engineer', 97000));
  await expect(buildProject(await p.open(crashing), { now: new Date(NOW.getTime() + 2 * 3600_000) })).rejects.toMatchObject({
    code: 'JC_BUILD_CHANNEL_CRASHED',
  });
  expect(tree(p.outDir)).toEqual(before);
  // No folder left with a manifest but a half-changed tree.
  for (const g of readdirSync(generations())) {
    if (path.join(generations(), g) !== served() && existsSync(path.join(generations(), g, 'manifest.json'))) {
      expect(existsSync(path.join(generations(), g, 'retired-at'))).toBe(true);
    }
  }
  await buildAndCompare(3);
  await buildAndCompare(4);
});

type Step =
  | { kind: 'edit'; role: number; max: number }
  | { kind: 'close'; role: number }
  | { kind: 'remove'; role: number }
  | { kind: 'restore'; role: number }
  | { kind: 'damage-retired'; pick: number }
  | { kind: 'crash'; role: number; max: number }
  | { kind: 'die-after-take-over' }
  | { kind: 'nothing' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), role: fc.nat(ROLES.length - 1), max: fc.integer({ min: 90001, max: 99999 }) }),
  fc.record({ kind: fc.constant('close' as const), role: fc.nat(ROLES.length - 1) }),
  fc.record({ kind: fc.constant('remove' as const), role: fc.nat(ROLES.length - 1) }),
  fc.record({ kind: fc.constant('restore' as const), role: fc.nat(ROLES.length - 1) }),
  fc.record({ kind: fc.constant('damage-retired' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('crash' as const), role: fc.nat(ROLES.length - 1), max: fc.integer({ min: 90001, max: 99999 }) }),
  fc.constant({ kind: 'die-after-take-over' as const }),
  fc.constant({ kind: 'nothing' as const }),
);

/** The channels, with google's page render throwing for `id`: a build that dies half-way through a (recycled) tree. */
const crashingOn = (id: string): Adapter[] =>
  adapters.map((a): Adapter => {
    if (a.name !== 'google') return a;
    const render = a.renderPosting!.bind(a);
    return { ...a, renderPosting: (e, ctx) => (e.id === id ? failRender() : render(e, ctx)) };
  });
const failRender = (): never => {
  throw new Error('kaboom');
};

/**
 * A build that took a retired folder over and was killed (SIGKILL) before it finished: the folder
 * is renamed, its manifest gone, a file half-written in it. Nothing may recycle or serve it later.
 */
async function dieAfterTakeOver(): Promise<void> {
  const layout = layoutFor(p.outDir);
  const taken = await recycleGeneration(layout, await prunableGenerations(layout, served()));
  if (taken) writeFileSync(path.join(taken.generation.site, 'jobs', 'half-written.html'), '<p');
}

/** Cut one file of a retired generation short (one that a later build may recycle). */
function damageRetired(pick: number): void {
  const retired = readdirSync(generations())
    .map((g) => path.join(generations(), g))
    .filter((g) => g !== served() && existsSync(path.join(g, 'manifest.json')));
  if (!retired.length) return;
  const g = retired[pick % retired.length]!;
  const files = Object.keys(tree(path.join(g, 'site'))).sort();
  const f = path.join(g, 'site', files[pick % files.length]!);
  // Unlink first: the file may be a hard link to the served generation's, which must stay whole.
  const bytes = readFileSync(f);
  fs.rmSync(f);
  writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

it('holds over random sequences (edits, closes, removals, restores, damaged retired files, crashed builds, a build killed after taking a folder over): after every build the output is a build that reuses nothing, and the generation it replaced is unchanged', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 8 }), async (steps) => {
      p.cleanup();
      p = tempProject(Object.fromEntries(ROLES.map((id) => [`${id}.yaml`, posting(id)])));
      await buildAndCompare(0);
      for (const [i, s] of steps.entries()) {
        const id = 'role' in s ? ROLES[s.role]! : '';
        if (s.kind === 'edit') p.write(`${id}.yaml`, posting(id, s.max));
        if (s.kind === 'close') p.write(`${id}.yaml`, posting(id, 90000, 'closed'));
        if (s.kind === 'remove') p.remove(`${id}.yaml`);
        if (s.kind === 'restore') p.write(`${id}.yaml`, posting(id));
        if (s.kind === 'damage-retired') damageRetired(s.pick);
        if (s.kind === 'die-after-take-over') await dieAfterTakeOver();
        const replaced = served();
        const replacedFiles = tree(path.join(replaced, 'site'));
        if (s.kind === 'crash') {
          // The edit makes the role render again; the render throws; the served output stays.
          p.write(`${id}.yaml`, posting(id, s.max));
          const before = tree(p.outDir);
          await expect(buildProject(await p.open(crashingOn(id)), { now: new Date(NOW.getTime() + (i + 1) * 3600_000) })).rejects.toMatchObject({
            code: 'JC_BUILD_CHANNEL_CRASHED',
          });
          expect(tree(p.outDir)).toEqual(before);
          continue;
        }
        await buildAndCompare(i + 1);
        if (existsSync(replaced)) expect(tree(path.join(replaced, 'site'))).toEqual(replacedFiles);
      }
    }),
    { numRuns: 15 },
  );
}, 300_000);
