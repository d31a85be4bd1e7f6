/**
 * The check every reuse test ends with: the project built step after step into its own output (which
 * reuses what it can) and into a reference beside it that reuses nothing; after each step the two
 * trees are byte for byte the same. Both builds see the same history, so dates agree.
 */
import path from 'node:path';
import { buildProject } from '../../src/pipeline/build';
import type { Project } from '../../src/project';
import type { TempProject } from './project';
import { tree } from './tree';

/** Run `steps` on `p` (each `change`, then `settled`, before its builds; step i is built for `start` + i hours) and compare after each. */
export async function matchesReuseNothing<S>(
  p: TempProject,
  steps: readonly S[],
  change: (s: S, i: number) => void,
  start: Date,
  /** What `change` started and the builds must wait for (a rewrite of the served output). */
  settled: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const reference = path.join(p.dir, 'reference');
  for (const [i, s] of steps.entries()) {
    change(s, i);
    await settled();
    const now = new Date(start.getTime() + i * 3600_000);
    const opened: Project = await p.open();
    await buildProject(opened, { now });
    await buildProject({ ...opened, outDir: reference }, { now, reuse: false });
    expect(tree(p.outDir)).toEqual(tree(reference));
  }
}
