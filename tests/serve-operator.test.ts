/**
 * Details operators and clients rely on: where the server says it listens, conditional requests
 * with preconditions (412), the asterisk request target, and a publish that leaves work for a retry.
 */
import http from 'node:http';
import { buildProject } from '../src/pipeline/build';
import { main } from '../src/cli/main';
import { silentLogger } from '../src/log';
import type { Service } from '../src/daemon/service';
import { startService } from '../src/daemon/service';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { request } from './helpers/http';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { runCli } from './helpers/cli';

let tp: TempProject | undefined;
let service: Service | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  tp?.cleanup();
  tp = undefined;
});

/** A request with a raw target (`*`), which URL-based clients cannot send. */
function raw(url: string, method: string, target: string): Promise<{ status: number; allow?: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method, path: target },
      (res) => (res.resume(), resolve({ status: res.statusCode!, ...(res.headers.allow ? { allow: res.headers.allow } : {}) })),
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the server', () => {
  beforeEach(async () => {
    tp = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
    const project = await tp.open();
    await buildProject(project, { now: new Date('2026-11-28T12:00:00Z') });
    service = await startService({ project, port: 0, host: '127.0.0.1', log: silentLogger(), schedule: false });
  });

  it('answers 412 when If-Match names another version or If-Unmodified-Since is older than the file', async () => {
    const page = await request(service!.url, '/jobs/backend-engineer/');
    const etag = String(page.headers.etag);
    expect((await request(service!.url, '/jobs/backend-engineer/', { headers: { 'if-match': etag } })).status).toBe(200);
    expect((await request(service!.url, '/jobs/backend-engineer/', { headers: { 'if-match': '"someone-elses"' } })).status).toBe(412);
    expect((await request(service!.url, '/jobs/backend-engineer/', { headers: { 'if-match': `W/${etag}` } })).status).toBe(412);
    expect((await request(service!.url, '/jobs/backend-engineer/', { headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await request(service!.url, '/jobs/backend-engineer/', { headers: { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' } })).status).toBe(412);
    expect(
      (await request(service!.url, '/jobs/backend-engineer/', { headers: { 'if-unmodified-since': new Date(Date.now() + 86_400_000).toUTCString() } })).status,
    ).toBe(200);
  });

  it('answers OPTIONS * with the methods it allows, and any other method on * with 400', async () => {
    expect(await raw(service!.url, 'OPTIONS', '*')).toEqual({ status: 204, allow: 'GET, HEAD' });
    expect((await raw(service!.url, 'GET', '*')).status).toBe(400);
  });
});

it('says it listens on all interfaces when it does, and how to reach it from this machine', async () => {
  tp = tempProject({ 'backend-engineer.yaml': MINIMAL_POSTING });
  let stderr = '';
  const code = await main(['serve', '--config', tp.configFile, '--port', '0'], {
    stdout: { write: () => undefined },
    stderr: { write: (s: string) => void (stderr += s) },
    env: { LOG_LEVEL: 'silent' },
    onServe: (handle) => void (service = handle as Service),
  });
  expect(code).toBe(0);
  expect(stderr).toMatch(/serving .* on http:\/\/0\.0\.0\.0:(\d+) \(all interfaces; from this machine http:\/\/127\.0\.0\.1:\1\)/);
});

describe('publish', () => {
  let remote: FakeRemote;
  let env: PublishEnv;
  afterEach(async () => {
    await env.cleanup();
    await remote.close();
  });

  it('exits 1 and says so when notifications wait for a retry', async () => {
    remote = await startFakeRemote();
    env = await publishEnv(remote, { 'backend-engineer.yaml': MINIMAL_POSTING });
    remote.otherwise('/webhook', { status: 503 });
    const p = env.project;
    const run = await runCli(
      ['publish', '--config', p.configFile, '--postings', p.postingsDir, '--out', p.outDir, '--state', `${p.dir}/cli.db`, '--now', '2026-11-28T12:00:00Z'],
      env.env,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/1 notification could not be delivered now and will be retried by the next publish/);
    expect(run.stdout).toMatch(/webhook:board backend-engineer: will retry: HTTP 503/);
  });
});
