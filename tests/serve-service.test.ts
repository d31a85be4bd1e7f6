/**
 * The running service: per-notifier delivery metrics, a watch rebuild on a posting edit, and a clean
 * stop on SIGTERM of the real `jobcast serve` process.
 */
import { projectArgs } from './helpers/follow-cli';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { request } from './helpers/http';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING, REPO } from './helpers/project';

let remote: FakeRemote;
let env: PublishEnv;
let service: Service | undefined;
beforeEach(async () => {
  remote = await startFakeRemote();
  env = await publishEnv(remote, { 'backend-engineer.yaml': MINIMAL_POSTING });
  await env.ledger.close();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  await env.cleanup();
  await remote.close();
});

const start = async (watch = false) => {
  service = await startService({
    project: await env.project.open(),
    port: 0,
    host: '127.0.0.1',
    log: silentLogger(),
    env: env.env,
    schedule: false,
    watch,
    sleep: async () => undefined,
  });
  return service;
};

describe('jobcast serve', () => {
  it('counts deliveries per notifier and times the build in /metrics', async () => {
    const svc = await start();
    remote.script('/webhook', { status: 503 }, { status: 503 }, { status: 503 });
    await svc.publishNow('manual');
    const text = (await request(svc.url, '/metrics')).body.toString();
    expect(text).toMatch(/^jobcast_deliveries_total\{notifier="google-indexing",result="sent"\} 1$/m);
    expect(text).toMatch(/^jobcast_deliveries_total\{notifier="websub",result="sent"\} 2$/m);
    expect(text).toMatch(/^jobcast_deliveries_total\{notifier="webhook",result="retrying"\} 1$/m);
    expect(text).toMatch(/^jobcast_build_duration_seconds_count 1$/m);
    expect(text).toMatch(/^jobcast_outbox_items\{notifier="webhook",status="pending"\} 1$/m);
  });

  it('rebuilds with --watch when a posting file changes, without notifying anyone', async () => {
    const svc = await start(true);
    await svc.publishNow('startup');
    const before = remote.requests.length;
    env.project.write('backend-engineer.yaml', MINIMAL_POSTING.replace('Backend Engineer', 'Backend Engineer (Payments)'));
    let body = '';
    for (let i = 0; i < 100 && !body.includes('Backend Engineer (Payments)'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = (await request(svc.url, '/jobs/backend-engineer/')).body.toString();
    }
    expect(body).toContain('Backend Engineer (Payments)');
    expect(remote.requests.length).toBe(before);
    // Built and served, not yet told: /healthz says so from the same comparison the admin makes.
    const health = async () =>
      JSON.parse((await request(svc.url, '/healthz')).body.toString()) as { output: { told: boolean | null }; untold: Record<string, number> | null };
    let h = await health();
    for (let i = 0; i < 100 && h.untold === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      h = await health();
    }
    expect(h.output.told).toBe(false);
    // The page (Google, IndexNow), the posting (the board) and the two feeds (the hub).
    expect(h.untold).toEqual({ update: 5, publish: 0, close: 0 });
    const told = await svc.publishNow('manual');
    expect(told.transitions.map((t) => `${t.event} ${t.receiver} ${t.subject.id}`).sort()).toEqual([
      'update google-indexing backend-engineer',
      'update indexnow backend-engineer',
      'update webhook:board backend-engineer',
      `update websub:${remote.url}/hub feed:feeds/jobs.json`,
      `update websub:${remote.url}/hub feed:feeds/jobs.rss`,
    ]);
    h = await health();
    for (let i = 0; i < 100 && h.output.told !== true; i++) {
      await new Promise((r) => setTimeout(r, 50));
      h = await health();
    }
    expect(h).toMatchObject({ output: { told: true }, untold: { update: 0, publish: 0, close: 0 } });
  });

  it('stops cleanly on SIGTERM', async () => {
    const p = env.project;
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), 'serve', '--port', '0', ...projectArgs(p)], {
      env: { ...process.env, ...env.env, LOG_LEVEL: 'info', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => /"event":"publish\.done"/.test(out) && (clearInterval(poll), resolve()), 50);
    });
    const url = /serving .* on (http:\/\/[^\s]+)/.exec(out)![1]!;
    expect((await request(url, '/healthz')).status).toBe(200);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(out).toMatch(/"event":"serve\.stopping","signal":"SIGTERM"|"signal":"SIGTERM".*"event":"serve\.stopping"/);
  });
});
