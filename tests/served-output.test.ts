/**
 * Overlapping re-reads of the output (the link watcher, a request whose generation was pruned, a
 * publish): the one started last decides what is served, and every one of them resolves only once
 * that is served — so a publish that re-reads the output it made finds it served when it returns.
 */
import { ServedOutput } from '../src/daemon/served-output';
import { buildProject } from '../src/pipeline/build';
import { BodyCache } from '../src/serve/body-cache';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-11-28T12:00:00Z');
let project: TempProject;
beforeEach(() => {
  project = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
});
afterEach(() => project.cleanup());

describe('ServedOutput.reload', () => {
  it('resolves an earlier reload only once the later one has made the new output served', async () => {
    const output = await ServedOutput.open(project.outDir, new BodyCache());
    expect(output.snapshot).toBeUndefined();
    for (let round = 0; round < 6; round++) {
      project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('max: 90000', `max: ${91000 + round}`));
      const built = await buildProject(await project.open(), { now: NOW });
      const first = output.reload();
      const second = output.reload();
      await first;
      expect(output.snapshot?.generation).toBe(built.generation);
      await second;
    }
  });
});
