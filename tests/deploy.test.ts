/**
 * `jobcast deploy` (docs/operations.md, "Object storage") against an S3-compatible server started
 * here (s3rver), through the real AWS SDK: the first deploy puts every file with the server's
 * Content-Type and Cache-Control; an edit uploads only the objects whose bytes changed; a closed
 * role's files are removed only after the feeds that listed it; a deploy killed half-way resumes;
 * an object jobcast did not put there is never removed; a wrong bucket is one line with its code.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver, { type S3Event } from 's3rver';
import { startService } from '../src/daemon/service';
import { silentLogger } from '../src/log';
import { hasStackTrace } from './helpers/follow-cli';
import { projectFlags, runJobcast } from './helpers/jobcast-process';
import { MINIMAL_POSTING, SHIPPED_CONFIG_TEXT, tempProject, type TempProject } from './helpers/project';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let server: S3rver;
let endpoint: string;
let storeDir: string;
let s3: S3Client;
const events: { name: string; key: string }[] = [];
let site: TempProject;

const KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

beforeAll(async () => {
  storeDir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-s3-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', directory: storeDir, silent: true });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  server.on('event', (e: S3Event) => {
    for (const r of e.Records) events.push({ name: r.eventName, key: r.s3.object.key });
  });
  s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});
afterAll(async () => {
  s3?.destroy();
  await server?.close();
  rmSync(storeDir, { recursive: true, force: true });
});
afterEach(() => site?.cleanup());

const role = (n: number, extra = '') =>
  MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${n}`).replace('jobs/backend-engineer/apply', `jobs/role-${n}/apply`) + extra;

let buckets = 0;
/** A project with `n` roles whose deploy goes to a new bucket. */
async function project(n: number, deployExtra = ''): Promise<{ bucket: string }> {
  const bucket = `site-${++buckets}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const roles = Object.fromEntries(Array.from({ length: n }, (_, i) => [`role-${i + 1}.yaml`, role(i + 1)]));
  site = tempProject(
    roles,
    `${SHIPPED_CONFIG_TEXT}\ndeploy: { bucket: ${bucket}, prefix: site/, endpoint: "${endpoint}", forcePathStyle: true${deployExtra} }\n`,
  );
  return { bucket };
}

const jobcast = (args: string[], env: NodeJS.ProcessEnv = KEYS, onSpawn?: (kill: () => void) => void) =>
  runJobcast([...args, ...projectFlags(site), '--state', path.join(site.dir, 'state.db')], env, onSpawn ? { onSpawn } : {});

const NOW = ['--now', '2026-11-28T12:00:00Z'];

/** The served output: path → bytes and the manifest's entry. */
function served(): Map<string, { bytes: Buffer; contentType: string; status: number; posting?: string }> {
  const link = realpathSync(site.outDir);
  const manifest = JSON.parse(readFileSync(path.join(link, '..', 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { contentType: string; status: number; posting?: string }>;
  };
  return new Map(Object.entries(manifest.artifacts).map(([p, e]) => [p, { ...e, bytes: readFileSync(path.join(link, p)) }]));
}

async function bucketKeys(bucket: string): Promise<Map<string, string>> {
  const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return new Map((list.Contents ?? []).map((o) => [o.Key!, o.ETag!.replace(/"/g, '')]));
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** The bucket holds exactly the served output under site/. */
async function expectMirrors(bucket: string): Promise<void> {
  const want = served();
  const got = await bucketKeys(bucket);
  expect([...got.keys()].sort()).toEqual([...want.keys()].map((p) => `site/${p}`).sort());
  for (const [p, f] of want) expect(got.get(`site/${p}`)).toBe(md5(f.bytes));
}

const eventsSince = (from: number, bucket: string) => events.slice(from).filter((e) => e.key.startsWith('site/') && bucket);

it("puts every file, then only what changed, and removes a deleted role's files after the feeds that listed it", async () => {
  const { bucket } = await project(3);
  const built = await jobcast(['build', ...NOW]);
  // With its output when it fails: it once exited 2 under CI's load (not reproduced alone).
  expect({ code: built.code, out: built.code ? built.out : '' }).toEqual({ code: 0, out: '' });
  let from = events.length;
  const first = await jobcast(['deploy']);
  expect(first.code).toBe(0);
  const files = served();
  expect(first.out).toContain(`${files.size} object(s) uploaded`);
  await expectMirrors(bucket);
  const page = files.get('jobs/role-1/index.html')!;
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'site/jobs/role-1/index.html' }));
  expect(head).toMatchObject({ ContentType: page.contentType, CacheControl: 'public, max-age=300, must-revalidate' });
  const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'site/feeds/jobs.rss' }));
  expect(Buffer.from(await body.Body!.transformToByteArray()).equals(files.get('feeds/jobs.rss')!.bytes)).toBe(true);
  // Every role's own file went up before any feed, listing or sitemap.
  const ups = eventsSince(from, bucket).map((e) => e.key.slice('site/'.length));
  const lastOwn = Math.max(...ups.map((p, i) => (files.get(p)?.posting ? i : -1)));
  const firstShared = ups.findIndex((p) => !files.get(p)?.posting);
  expect(lastOwn).toBeLessThan(firstShared);

  // Nothing changed: nothing uploaded.
  from = events.length;
  expect((await jobcast(['deploy'])).out).toContain('0 object(s) uploaded');
  expect(events.length).toBe(from);

  // One role edited: only the objects whose bytes changed.
  site.write('role-2.yaml', role(2).replace('likes correctness.', 'likes correctness. Now remote too.'));
  expect((await jobcast(['build', ...NOW])).code).toBe(0);
  const edited = served();
  const changed = [...edited].filter(([p, f]) => !files.get(p)?.bytes.equals(f.bytes)).map(([p]) => `site/${p}`);
  from = events.length;
  expect((await jobcast(['deploy'])).code).toBe(0);
  expect(
    eventsSince(from, bucket)
      .map((e) => e.key)
      .sort(),
  ).toEqual(changed.sort());
  // The other roles' own files are not among them.
  expect(changed.filter((k) => /\/role-[13]\//.test(k))).toEqual([]);
  expect(changed).toContain('site/jobs/role-2/index.html');
  await expectMirrors(bucket);

  // A role closed: its page becomes the 410 page, cached as the server would.
  site.write('role-3.yaml', role(3).replace('status: open', 'status: closed'));
  expect((await jobcast(['build', ...NOW])).code).toBe(0);
  expect((await jobcast(['deploy'])).code).toBe(0);
  const closed = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'site/jobs/role-3/index.html' }));
  expect(closed.CacheControl).toBe('public, max-age=3600');
  await expectMirrors(bucket);

  // A role's file deleted: its objects are removed, but only after the feeds stopped listing it.
  site.remove('role-1.yaml');
  expect((await jobcast(['build', ...NOW])).code).toBe(0);
  from = events.length;
  const removing = await jobcast(['deploy']);
  expect(removing.code).toBe(0);
  const order = eventsSince(from, bucket);
  const removed = order.filter((e) => e.name === 'ObjectRemoved:Delete').map((e) => e.key);
  const now = served();
  const left = [...files.keys()].filter((p) => p.startsWith('jobs/role-1/') && !now.has(p));
  expect(left.length).toBeGreaterThan(0);
  expect(removing.out).toContain(`, ${left.length} removed,`);
  // Which objects are gone is read from the bucket (expectMirrors below): s3rver's store skips the
  // event of a delete that races another in the same folder, so events only give the order.
  expect(removed.length).toBeGreaterThan(0);
  expect(left.map((p) => `site/${p}`)).toEqual(expect.arrayContaining(removed));
  const firstRemoval = order.findIndex((e) => e.name === 'ObjectRemoved:Delete');
  const feedUploads = order.map((e, i) => (e.name.startsWith('ObjectCreated') && e.key.includes('feeds/') ? i : -1)).filter((i) => i >= 0);
  expect(feedUploads.length).toBeGreaterThan(0);
  expect(Math.max(...feedUploads)).toBeLessThan(firstRemoval);
  await expectMirrors(bucket);
}, 180_000);

it('resumes a deploy killed half-way, and never removes an object it did not put there', async () => {
  const { bucket } = await project(40, ', concurrency: 1');
  expect((await jobcast(['build', ...NOW])).code).toBe(0);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'site/hand-made.txt', Body: 'kept' }));
  const total = served().size;
  const from = events.length;
  let kill: () => void = () => undefined;
  const watcher = setInterval(() => eventsSince(from, bucket).length >= 30 && kill(), 2);
  const killed = await jobcast(['deploy'], KEYS, (k) => (kill = k));
  clearInterval(watcher);
  expect(killed.signal).toBe('SIGKILL');
  const before = eventsSince(from, bucket).length;
  expect(before).toBeGreaterThanOrEqual(30);
  expect(before).toBeLessThan(total);

  const resumed = await jobcast(['deploy']);
  expect(resumed.code).toBe(0);
  const uploadedNow = Number(/(\d+) object\(s\) uploaded/.exec(resumed.out)![1]);
  expect(uploadedNow).toBeLessThanOrEqual(total - before + 1);
  expect(resumed.out).toContain('1 object(s) jobcast did not put there were left as they are');
  const keys = await bucketKeys(bucket);
  expect(keys.has('site/hand-made.txt')).toBe(true);
  keys.delete('site/hand-made.txt');
  const want = served();
  expect([...keys.keys()].sort()).toEqual([...want.keys()].map((p) => `site/${p}`).sort());
}, 180_000);

it('says in one line what is wrong with the bucket, and changes nothing', async () => {
  await project(1);
  expect((await jobcast(['build', ...NOW])).code).toBe(0);
  site.write('../jobcast.config.yaml', readFileSync(site.configFile, 'utf8').replace(/bucket: site-\d+/, 'bucket: no-such-bucket'));
  const failed = await jobcast(['deploy']);
  expect(failed.code).toBe(1);
  expect(failed.out).toContain('JC_DEPLOY_FAILED');
  expect(failed.out).toContain('s3://no-such-bucket/site/');
  expect(hasStackTrace(failed.out)).toBe(false);
  expect(failed.out).not.toContain('S3RVER');
}, 60_000);

it('deploys after every build and publish when deploy.afterBuild is on', async () => {
  const { bucket } = await project(2, ', afterBuild: true');
  const built = await jobcast(['build', ...NOW]);
  expect(built.code).toBe(0);
  expect(built.out).toMatch(/deployed generation \S+: \d+ object\(s\) uploaded/);
  await expectMirrors(bucket);
  const service = await startService({
    project: await site.open(),
    port: 0,
    host: '127.0.0.1',
    log: silentLogger(),
    env: { ...process.env, ...KEYS },
    schedule: false,
  });
  try {
    await service.publishNow('manual');
    await expectMirrors(bucket);
    site.write('role-2.yaml', role(2).replace('likes correctness.', 'likes correctness. Hybrid.'));
    await service.publishNow('manual');
    await expectMirrors(bucket);
    const page = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'site/jobs/role-2/index.html' }));
    expect(Buffer.from(await page.Body!.transformToByteArray()).toString('utf8')).toContain('Hybrid.');
  } finally {
    await service.close();
  }
}, 120_000);
