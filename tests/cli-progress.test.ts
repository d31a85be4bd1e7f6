/**
 * The build's progress line (src/cli/progress-line.ts): shown only on a terminal, rewritten in place
 * at most four times a second (a new phase or feed at once), erased when the build ends; and the
 * counts a build reports, in process, through a full build, an edit and an unchanged rebuild.
 */
import { progressLine, progressText } from '../src/cli/progress-line';
import { buildProject } from '../src/pipeline/build';
import type { BuildProgress } from '../src/pipeline/progress';
import { MINIMAL_POSTING, tempProject } from './helpers/project';

const NOW = new Date('2026-11-28T12:00:00Z');

function terminal(isTTY = true) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => void written.push(s) } };
}

describe('the progress line', () => {
  it('is not shown when stderr is not a terminal', () => {
    expect(progressLine(terminal(false).stream)).toBeUndefined();
  });

  it('says what the build does, with counts', () => {
    expect(progressText({ phase: 'validate', done: 1234, total: 100000 })).toBe('checking source files: 1,234 of 100,000');
    expect(progressText({ phase: 'render', done: 5, total: 9, shared: 'rss' })).toBe("rendering roles' pages: 5 of 9 · feeds: rss");
    expect(progressText({ phase: 'render', done: 0, total: 0 })).toBe('carrying unchanged pages over');
  });

  it('rewrites one line at most every 250 ms, shows a new phase or feed at once, and erases itself', () => {
    let now = 0;
    const { written, stream } = terminal();
    const line = progressLine(stream, () => now)!;
    const tell = (p: BuildProgress, at: number) => {
      now = at;
      line.listener(p);
    };
    tell({ phase: 'validate', done: 1, total: 3 }, 0);
    tell({ phase: 'validate', done: 2, total: 3 }, 100);
    tell({ phase: 'validate', done: 3, total: 3 }, 260);
    tell({ phase: 'render', done: 0, total: 3, shared: 'rss' }, 270);
    tell({ phase: 'render', done: 1, total: 3, shared: 'rss' }, 280);
    tell({ phase: 'render', done: 1, total: 3, shared: 'json-feed' }, 290);
    line.end();
    expect(written).toEqual([
      '\r\x1b[Kchecking source files: 1 of 3',
      '\r\x1b[Kchecking source files: 3 of 3',
      "\r\x1b[Krendering roles' pages: 0 of 3 · feeds: rss",
      "\r\x1b[Krendering roles' pages: 1 of 3 · feeds: json-feed",
      '\r\x1b[K',
    ]);
  });

  it('leaves nothing to erase when nothing was shown', () => {
    const { written, stream } = terminal();
    progressLine(stream)!.end();
    expect(written).toEqual([]);
  });
});

describe('what a build reports', () => {
  it('counts every source file, then every role it renders; an unchanged rebuild renders none', async () => {
    const ids = ['alpha', 'beta', 'gamma', 'delta'];
    const project = tempProject(Object.fromEntries(ids.map((id) => [`${id}.yaml`, MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${id}`)])));
    const run = async () => {
      const seen: BuildProgress[] = [];
      await buildProject(await project.open(), { now: NOW, onProgress: (p) => seen.push({ ...p }) });
      const of = (phase: string) => seen.filter((p) => p.phase === phase);
      const render = seen.filter((p): p is Extract<BuildProgress, { phase: 'render' }> => p.phase === 'render');
      return { validate: of('validate').map((p) => p.done), render, seen };
    };
    try {
      const first = await run();
      expect(first.validate).toEqual([1, 2, 3, 4]);
      expect(Math.max(...first.render.map((p) => p.done))).toBe(4);
      expect(first.render.every((p) => p.total === 4)).toBe(true);
      // Validation ends before rendering starts, and the last word is the feeds being done.
      expect(first.seen.findIndex((p) => p.phase === 'render')).toBe(4);
      expect(first.render.some((p) => p.shared)).toBe(true);
      expect(first.render.at(-1)!.shared).toBeUndefined();

      project.write('beta.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Engineer beta, edited'));
      const edit = await run();
      expect(edit.validate).toEqual([1, 2, 3, 4]);
      expect(edit.render.every((p) => p.total === 1)).toBe(true);

      const unchanged = await run();
      expect(unchanged.validate).toEqual([1, 2, 3, 4]);
      expect(unchanged.render).toEqual([]);
    } finally {
      project.cleanup();
    }
  });
});
