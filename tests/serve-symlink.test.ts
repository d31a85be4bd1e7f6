/** A symbolic link planted in the output never lets a request read a file outside it. */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildProject } from '../src/pipeline/build';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import { request } from './helpers/http';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';

let tp: TempProject;
let service: Service | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  tp.cleanup();
});

it('answers 404 for a file or folder in the output that links outside it, and serves the rest', async () => {
  tp = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
  const project = await tp.open();
  const built = await buildProject(project, { now: new Date('2026-11-28T12:00:00Z') });
  const site = path.join(built.generation, 'site');
  // A file replaced by a link to /etc/passwd, and a folder replaced by a link to a folder elsewhere.
  rmSync(path.join(site, 'jobs', 'backend-engineer', 'email.txt'));
  symlinkSync('/etc/passwd', path.join(site, 'jobs', 'backend-engineer', 'email.txt'));
  const elsewhere = path.join(tp.dir, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(path.join(elsewhere, 'jobs.rss'), 'secret outside the output');
  renameSync(path.join(site, 'feeds'), path.join(tp.dir, 'feeds-moved'));
  symlinkSync(elsewhere, path.join(site, 'feeds'));

  service = await startService({ project, port: 0, host: '127.0.0.1', log: silentLogger(), schedule: false });
  const file = await request(service.url, '/jobs/backend-engineer/email.txt');
  expect(file.status).toBe(404);
  expect(file.body.toString()).not.toContain('root:');
  const folder = await request(service.url, '/feeds/jobs.rss');
  expect(folder.status).toBe(404);
  expect(folder.body.toString()).not.toContain('secret outside');
  expect((await request(service.url, '/jobs/backend-engineer/')).status).toBe(200);
});
