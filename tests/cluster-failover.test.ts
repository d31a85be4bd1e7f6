/**
 * Several instances on one PostgreSQL ledger (docs/operations.md, "More than one instance"): three
 * `jobcast serve` processes on three ports, each with its own copy of the postings and its own output,
 * republishing every two seconds. The writer lease passes between them run by run; the one that is
 * publishing is killed with SIGKILL while a delivery is on the wire, another takes over and re-sends
 * it under the same key. Every change reaches the receiver, repeated only under the key it first had,
 * and all three serve the same bytes afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { until } from './helpers/follow-cli';
import { request } from './helpers/http';
import { usePostgres } from './helpers/postgres';
import { MINIMAL_POSTING, REPO, tempProject, type TempProject } from './helpers/project';

const postgres = usePostgres();
let remote: FakeRemote;
const sites: TempProject[] = [];
const children = new Set<ChildProcess>();

afterEach(async () => {
  const running = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = running.map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of running) c.kill('SIGKILL');
  await Promise.all(exited);
  children.clear();
  for (const s of sites.splice(0)) s.cleanup();
  await remote?.close();
});

const role = (n: number, revision = 0) =>
  MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`)
    .replace('jobs/backend-engineer/apply', `jobs/role-${n}/apply`)
    .replace('likes correctness.', `likes correctness. Revision ${revision}.`);

const config = (remoteUrl: string) => `organization:
  name: Example Corp
  url: https://www.example.com
  logo: https://www.example.com/logo.png
  linkedinCompanyId: "1234567"
  email: jobs@example.com
baseUrl: https://jobs.example.com
schedule: { cron: "*/2 * * * * *", timezone: UTC }
stateEnv: JOBCAST_STATE_URL
notify:
  webhooks:
    - { name: board, url: "${remoteUrl}/webhook", secretEnv: BOARD_SECRET }
  http: { timeoutMs: 30000, retries: 2, backoffMs: 1 }
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Instance {
  site: TempProject;
  port: number;
  child: ChildProcess;
}

function serve(site: TempProject, port: number, stateUrl: string): Instance {
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin', 'jobcast.js'), 'serve', '--port', String(port), '--config', site.configFile, '--postings', site.postingsDir, '--out', site.outDir],
    {
      env: { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '1', JOBCAST_STATE_URL: stateUrl, BOARD_SECRET: 'board-secret', JOBCAST_LEASE_TTL_MS: '3000' },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  children.add(child);
  return { site, port, child };
}

const alive = (xs: Instance[]) => () => xs.every((x) => x.child.exitCode === null && x.child.signalCode === null);
const base = (x: Instance) => `http://127.0.0.1:${x.port}`;

/** (event role) of each webhook request, with the idempotency key it carried. */
const deliveries = (reqs: readonly Recorded[]) =>
  reqs
    .filter((r) => r.path === '/webhook')
    .map((r) => {
      const b = JSON.parse(r.body) as { event: string; posting: { id: string } };
      return { what: `${b.event} ${b.posting.id}`, key: String(r.headers['idempotency-key']), answered: r.answered };
    });

const bodyOf = async (x: Instance, p: string) => (await request(base(x), p)).body.toString('utf8');

it('passes the work between three instances and survives the loss of the one publishing', async () => {
  const stateUrl = await postgres().freshDatabase();
  remote = await startFakeRemote();
  const roles = { 'role-1.yaml': role(1), 'role-2.yaml': role(2) };
  for (let i = 0; i < 3; i++) sites.push(tempProject(roles, config(remote.url)));
  const instances = await Promise.all(sites.map(async (s) => serve(s, await freePort(), stateUrl)));
  const deadline = () => Date.now() + 60_000;
  const seen = (what: string) => () => Promise.resolve(deliveries(remote.requests).some((d) => d.what === what && d.answered === 200) || undefined);
  await until('both roles told', async () => (await seen('posting.published role-1')()) && (await seen('posting.published role-2')()), {
    deadline: deadline(),
    alive: alive(instances),
  });

  // The next webhook request hangs (a receiver that accepted and never answered): its sender is killed mid-publish.
  remote.script('/webhook', { hang: true });
  for (const s of sites) s.write('role-1.yaml', role(1, 1));
  const hung = await until(
    'the update to be on the wire',
    () => Promise.resolve(deliveries(remote.requests).find((d) => d.what === 'posting.updated role-1')),
    { deadline: deadline(), alive: alive(instances) },
  );
  const db = new pg.Client({ connectionString: stateUrl });
  await db.connect();
  const { rows } = await db.query<{ pid: number; n: number }>(
    `SELECT l.pid, (SELECT COUNT(*)::int FROM outbox WHERE status = 'sending') AS n FROM lease l WHERE name = 'writer' AND holder <> ''`,
  );
  await db.end();
  expect(rows[0]?.n).toBe(1);
  const victim = instances.find((x) => x.child.pid === rows[0]!.pid);
  expect(victim).toBeDefined();
  // /healthz: the one on the wire leads, the others follow; all on the same ledger.
  const health = await Promise.all(
    instances.map(async (x) => JSON.parse(await bodyOf(x, '/healthz')) as { role: string; ledger: { id: string; engine: string } }),
  );
  expect(health.map((h) => h.role)).toEqual(instances.map((x) => (x === victim ? 'leader' : 'follower')));
  expect(new Set(health.map((h) => `${h.ledger.engine} ${h.ledger.id}`)).size).toBe(1);
  expect(health[0]!.ledger.engine).toBe('postgres');
  const leaders = await Promise.all(instances.map(async (x) => /^jobcast_leader (\d)$/m.exec(await bodyOf(x, '/metrics'))?.[1]));
  expect(leaders).toEqual(instances.map((x) => (x === victim ? '1' : '0')));
  victim!.child.kill('SIGKILL');
  await new Promise((r) => victim!.child.once('exit', r));
  const survivors = instances.filter((x) => x !== victim);

  // Another instance takes the lease over and sends the same update again, under the same key.
  await until('the update re-sent', seen('posting.updated role-1'), { deadline: deadline(), alive: alive(survivors) });
  const updates = deliveries(remote.requests).filter((d) => d.what === 'posting.updated role-1');
  expect(updates.map((d) => d.answered)).toEqual([undefined, ...updates.slice(1).map(() => 200)]);
  expect(updates.length).toBeGreaterThanOrEqual(2);
  expect(new Set(updates.map((d) => d.key))).toEqual(new Set([hung.key]));

  // The lost machine comes back; a further edit goes out once.
  const back = serve(victim!.site, victim!.port, stateUrl);
  const all = [...survivors, back];
  for (const s of sites) s.write('role-2.yaml', role(2, 1));
  await until('the second update told', seen('posting.updated role-2'), { deadline: deadline(), alive: alive(all) });

  const told = deliveries(remote.requests);
  const keysOf = new Map<string, Set<string>>();
  for (const d of told) keysOf.set(d.what, (keysOf.get(d.what) ?? new Set()).add(d.key));
  expect([...keysOf.keys()].sort()).toEqual(['posting.published role-1', 'posting.published role-2', 'posting.updated role-1', 'posting.updated role-2']);
  // Each change under one key: a repeat is the same message again, never a second one.
  expect([...keysOf.values()].map((k) => k.size)).toEqual([1, 1, 1, 1]);
  expect(told.filter((d) => d.what !== 'posting.updated role-1').length).toBe(3);

  // All three serve the same bytes once each has republished since the last edit.
  const paths = ['/jobs/role-1/', '/jobs/role-2/', '/feeds/jobs.rss', '/feeds/jobs.json', '/sitemap.xml'];
  await until(
    'the three outputs to be the same',
    async () => {
      for (const p of paths) {
        const bodies = await Promise.all(all.map((x) => bodyOf(x, p)));
        if (!bodies[0]!.includes('Revision') && p.startsWith('/jobs')) return undefined;
        if (bodies.some((b) => b !== bodies[0])) return undefined;
      }
      return true;
    },
    { deadline: deadline(), alive: alive(all) },
  );
  expect(await bodyOf(back, '/jobs/role-2/')).toContain('Revision 1.');

  // The ledger becomes unreachable: the instances keep serving, and /healthz says why it is degraded.
  const adminUrl = new URL(stateUrl);
  const dbName = adminUrl.pathname.slice(1);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
  await admin.end();
  const cut = await until(
    '/healthz to report the ledger',
    async () => {
      const h = JSON.parse(await bodyOf(all[0]!, '/healthz')) as { status: string; ledger: { error?: string } };
      return h.ledger.error ? h : undefined;
    },
    { deadline: deadline(), alive: alive(all) },
  );
  expect(cut.status).toBe('degraded');
  expect(cut.ledger.error).toMatch(/cannot be read/);
  expect(cut.ledger.error).not.toContain(':jobcast@');
  expect((await request(base(all[0]!), '/jobs/role-1/')).status).toBe(200);
}, 240_000);
