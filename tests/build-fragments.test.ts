/**
 * Board feeds, the listing and the sitemap are fragmented bodies: a rebuild copies each unchanged role's `<job>`s (its `<li>`, its `<url>`) from the file it
 * wrote last time and renders only the roles whose render key changed. Checked by counting what is
 * rendered, and as sequences: after every step of a random run (edits, reordering dates, closes,
 * new and removed roles, a config change, a damaged feed) the feeds are byte for byte those of a
 * build that reuses nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { adapters } from '../adapters';
import { isFragmented, type Adapter, type ArtifactBody } from '../src/adapter';
import { buildProject } from '../src/pipeline/build';
import type { Project } from '../src/project';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { matchesReuseNothing } from './helpers/reference-build';

const NOW = new Date('2026-11-28T12:00:00Z');
const BOARD_FEEDS = ['feeds/linkedin.xml', 'feeds/indeed.xml', 'feeds/ziprecruiter.xml', 'feeds/adzuna.xml'];
/** The board feeds, the listing of open roles (one `<li>` per role, adapters/google/pages.ts) and the sitemap (one `<url>`). */
const FRAGMENTED = [...BOARD_FEEDS, 'jobs/index.html', 'sitemap.xml'];
const ROLES = ['backend-engineer', 'frontend-engineer', 'data-engineer', 'site-reliability-engineer', 'product-designer'];

interface Shape {
  max?: number;
  status?: string;
  day?: number;
  /** A second office (Indeed and ZipRecruiter list one `<job>` per location). */
  hamburg?: boolean;
}

const posting = (id: string, { max = 90000, status = 'open', day = 1, hamburg = false }: Shape = {}) =>
  MINIMAL_POSTING.replace('Backend Engineer', id.replace(/-/g, ' '))
    .replace('max: 90000', `max: ${max}`)
    .replace('status: open', `status: ${status}`)
    .replace('datePosted: 2026-11-01', `datePosted: 2026-11-${String(day).padStart(2, '0')}`)
    .replace(
      'street: Invalidenstraße 1 }',
      hamburg ? 'street: Invalidenstraße 1 }\n  - { locality: Hamburg, postalCode: "20095", country: DE }' : 'street: Invalidenstraße 1 }',
    );

/** The adapters, with every fragment a board feed renders counted per channel. */
function counting(): { adapters: Adapter[]; rendered: Map<string, number> } {
  const rendered = new Map<string, number>();
  const wrapBody = (channel: string, body: ArtifactBody): ArtifactBody => {
    if (!isFragmented(body)) return body;
    const { head, items, tail } = body.fragments;
    const counted = {
      *[Symbol.iterator]() {
        for (const f of items) {
          yield {
            posting: f.posting,
            render: () => {
              rendered.set(channel, (rendered.get(channel) ?? 0) + 1);
              return f.render();
            },
          };
        }
      },
    };
    return Object.assign({ [Symbol.iterator]: () => body[Symbol.iterator]() }, { fragments: { head, items: counted, tail } });
  };
  const wrapped = adapters.map((a): Adapter => {
    const render = a.render?.bind(a);
    if (!render) return a;
    return {
      ...a,
      render: (entries, ctx) => {
        const result = render(entries, ctx);
        return { ...result, artifacts: result.artifacts.map((art) => ({ ...art, body: wrapBody(a.name, art.body) })) };
      },
    };
  });
  return { adapters: wrapped, rendered };
}

let project: TempProject;
beforeEach(() => {
  project = tempProject(Object.fromEntries(ROLES.map((id, i) => [`${id}.yaml`, posting(id, { day: i + 1, hamburg: i === 2 })])));
});
afterEach(() => project.cleanup());

/** Where the build that reuses nothing goes, beside the project's own output. */
const reference = () => path.join(project.dir, 'reference');

/** The project built into its output and into the reference, which reuses nothing (so both keep the same history). */
async function buildBoth(opened: Project): Promise<void> {
  await buildProject(opened, { now: NOW });
  await buildProject({ ...opened, outDir: reference() }, { now: NOW, reuse: false });
}

const feedsOf = (dir: string) => Object.fromEntries(FRAGMENTED.map((p) => [p, readFileSync(path.join(dir, p), 'utf8')]));

describe('board feeds assembled from the previous build', () => {
  it('renders every role on a first build, and only the edited role after an edit, with the bytes of a full render', async () => {
    const count = counting();
    await buildBoth(await project.open(count.adapters));
    for (const channel of ['linkedin', 'indeed', 'ziprecruiter', 'adzuna']) expect(count.rendered.get(channel)).toBe(2 * ROLES.length);
    // The listing and the sitemap, in each of the two builds.
    expect(count.rendered.get('google')).toBe(4 * ROLES.length);

    project.write('data-engineer.yaml', posting('data-engineer', { max: 99000, day: 3, hamburg: true }));
    const opened = await project.open(count.adapters);
    count.rendered.clear();
    await buildProject(opened, { now: NOW });
    for (const channel of ['linkedin', 'indeed', 'ziprecruiter', 'adzuna']) expect(count.rendered.get(channel)).toBe(1);
    expect(count.rendered.get('google')).toBe(2);

    await buildProject({ ...opened, outDir: reference() }, { now: NOW, reuse: false });
    expect(feedsOf(project.outDir)).toEqual(feedsOf(reference()));
    expect(feedsOf(project.outDir)['feeds/indeed.xml']).toContain('99,000');
  });

  it('renders every role again when the previous feed is not the size its manifest says', async () => {
    const count = counting();
    await buildBoth(await project.open(count.adapters));
    const file = path.join(project.outDir, 'feeds/linkedin.xml');
    writeFileSync(file, readFileSync(file, 'utf8') + ' ');
    project.write('data-engineer.yaml', posting('data-engineer', { max: 99000, day: 3, hamburg: true }));
    count.rendered.clear();
    const opened = await project.open(count.adapters);
    await buildProject(opened, { now: NOW });
    expect(count.rendered.get('linkedin')).toBe(ROLES.length);
    expect(count.rendered.get('indeed')).toBe(1);
    await buildProject({ ...opened, outDir: reference() }, { now: NOW, reuse: false });
    expect(feedsOf(project.outDir)).toEqual(feedsOf(reference()));
  });
});

type Step =
  | { kind: 'edit'; role: number; max: number }
  | { kind: 'date'; role: number; day: number }
  | { kind: 'office'; role: number; hamburg: boolean }
  | { kind: 'close' | 'reopen' | 'remove'; role: number }
  | { kind: 'config'; name: string }
  | { kind: 'cut'; feed: number };

const role = fc.nat(ROLES.length - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), role, max: fc.integer({ min: 80000, max: 120000 }) }),
  fc.record({ kind: fc.constant('date' as const), role, day: fc.integer({ min: 1, max: 27 }) }),
  fc.record({ kind: fc.constant('office' as const), role, hamburg: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('close' as const, 'reopen' as const, 'remove' as const), role }),
  fc.record({ kind: fc.constant('config' as const), name: fc.constantFrom('Example Corp', 'Example Corporation') }),
  fc.record({ kind: fc.constant('cut' as const), feed: fc.nat(BOARD_FEEDS.length - 1) }),
);

/** Change the sources as the step says (each role's file keeps its shape between steps), or cut a served feed. */
function apply(s: Step, p: TempProject, shapes: Shape[], config: string): void {
  if (s.kind === 'config') return writeFileSync(p.configFile, config.replace('name: Example Corp', `name: ${s.name}`));
  if (s.kind === 'cut') return writeFileSync(path.join(p.outDir, BOARD_FEEDS[s.feed]!), '<source>');
  const shape = shapes[s.role]!;
  if (s.kind === 'remove') return p.remove(`${ROLES[s.role]}.yaml`);
  if (s.kind === 'edit') shape.max = s.max;
  if (s.kind === 'date') shape.day = s.day;
  if (s.kind === 'office') shape.hamburg = s.hamburg;
  if (s.kind === 'close' || s.kind === 'reopen') shape.status = s.kind === 'close' ? 'closed' : 'open';
  p.write(`${ROLES[s.role]}.yaml`, posting(ROLES[s.role]!, shape));
}

describe('board feeds equal a build that reuses nothing, step after step (property)', () => {
  it('holds for random sequences of edits, reorderings, closes, removals, config changes and cut feeds', async () => {
    const config = readFileSync(project.configFile, 'utf8');
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 6 }), async (steps) => {
        const shapes: Shape[] = ROLES.map((_, i) => ({ day: i + 1 }));
        const p = tempProject(Object.fromEntries(ROLES.map((id, i) => [`${id}.yaml`, posting(id, shapes[i])])));
        try {
          await matchesReuseNothing(p, steps, (s, i) => i > 0 && apply(s, p, shapes, config), NOW);
        } finally {
          p.cleanup();
        }
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
