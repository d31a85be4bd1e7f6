/**
 * Exactly the requests each change sends, to fake Google, IndexNow, WebSub and board servers on
 * 127.0.0.1: a new role, an edit, a close, an expiry, a scheduled role going live, and no change.
 */
import { createHmac, createVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { BASE_URL, BOARD_SECRET, INDEXNOW_KEY, publishEnv, type PublishEnv } from './helpers/publish-env';
import { MINIMAL_POSTING } from './helpers/project';

const ROLE = MINIMAL_POSTING;
const SCHEDULED = MINIMAL_POSTING.replace('Backend Engineer', 'Platform Engineer').replace(
  'datePosted: 2026-11-01',
  'datePosted: 2026-12-10\nvalidThrough: 2026-12-20',
);

let remote: FakeRemote;
let env: PublishEnv;
beforeEach(async () => {
  remote = await startFakeRemote();
  env = await publishEnv(remote, { 'backend-engineer.yaml': ROLE });
});
afterEach(async () => {
  await env.cleanup();
  await remote.close();
});

/** Run a publish and return only the requests it made. */
async function step(now: string) {
  const before = remote.requests.length;
  const result = await env.run(now);
  return { result, requests: remote.requests.slice(before) };
}

const page = (id: string) => `${BASE_URL}/jobs/${id}/`;
const byPath = (reqs: Recorded[], p: string) => reqs.filter((r) => r.path === p);
const indexing = (reqs: Recorded[]) => byPath(reqs, '/indexing').map((r) => JSON.parse(r.body) as { url: string; type: string });
const webhookEvents = (reqs: Recorded[]) =>
  byPath(reqs, '/webhook').map((r) => {
    const b = JSON.parse(r.body);
    return `${b.event} ${b.posting.id}`;
  });
const hubPings = (reqs: Recorded[]) =>
  byPath(reqs, '/hub')
    .map((r) => new URLSearchParams(r.body).get('hub.url'))
    .sort();

function expectIndexingRequest(r: Recorded, url: string, type: string) {
  expect(r.method).toBe('POST');
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers.authorization).toBe('Bearer fake-access-token');
  expect(JSON.parse(r.body)).toEqual({ url, type });
}

describe('publish notifications', () => {
  it('announces a new role: token, URL_UPDATED, IndexNow, WebSub per changed feed, signed webhook', async () => {
    const { result, requests } = await step('2026-11-28T12:00:00Z');
    expect(result.ok).toBe(true);
    expect(result.delivery).toMatchObject({ failed: 0, retrying: 0 });

    const [token] = byPath(requests, '/token');
    expect(token).toBeDefined();
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(token!.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [h, c, sig] = form.get('assertion')!.split('.');
    expect(createVerify('RSA-SHA256').update(`${h}.${c}`).verify(env.publicKey, Buffer.from(sig!, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(c!, 'base64url').toString())).toMatchObject({
      iss: 'jobcast@example-project.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/indexing',
      aud: `${remote.url}/token`,
    });

    const idx = byPath(requests, '/indexing');
    expect(idx).toHaveLength(1);
    expectIndexingRequest(idx[0]!, page('backend-engineer'), 'URL_UPDATED');

    const [now] = byPath(requests, '/indexnow');
    expect(now!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(now!.body)).toEqual({
      host: 'jobs.example.com',
      key: INDEXNOW_KEY,
      keyLocation: `${BASE_URL}/${INDEXNOW_KEY}.txt`,
      urlList: [page('backend-engineer')],
    });

    expect(hubPings(requests)).toEqual([`${BASE_URL}/feeds/jobs.json`, `${BASE_URL}/feeds/jobs.rss`]);
    for (const r of byPath(requests, '/hub')) {
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(r.body).get('hub.mode')).toBe('publish');
    }

    const [hook] = byPath(requests, '/webhook');
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['x-jobcast-event']).toBe('posting.published');
    expect(hook!.headers['x-jobcast-signature']).toBe(`sha256=${createHmac('sha256', BOARD_SECRET).update(hook!.body).digest('hex')}`);
    expect(JSON.parse(hook!.body)).toMatchObject({
      event: 'posting.published',
      delivery: hook!.headers['x-jobcast-delivery'],
      occurredAt: '2026-11-28T12:00:00.000Z',
      posting: { id: 'backend-engineer', url: page('backend-engineer'), state: 'open', title: 'Backend Engineer', datePosted: '2026-11-01' },
    });
    // Nothing else left the process.
    expect(requests).toHaveLength(1 + 1 + 1 + 2 + 1);
  });

  it('sends no request at all when nothing changed', async () => {
    await step('2026-11-28T12:00:00Z');
    const { result, requests } = await step('2026-11-28T12:15:00Z');
    expect(requests).toEqual([]);
    expect(result.planned).toEqual([]);
  });

  it('announces an edit as URL_UPDATED and posting.updated, once', async () => {
    await step('2026-11-28T12:00:00Z');
    env.project.write('backend-engineer.yaml', ROLE.replace('max: 90000', 'max: 95000'));
    const { requests } = await step('2026-11-28T13:00:00Z');
    expect(indexing(requests)).toEqual([{ url: page('backend-engineer'), type: 'URL_UPDATED' }]);
    expect(JSON.parse(byPath(requests, '/indexnow')[0]!.body).urlList).toEqual([page('backend-engineer')]);
    expect(webhookEvents(requests)).toEqual(['posting.updated backend-engineer']);
    expect(hubPings(requests)).toEqual([`${BASE_URL}/feeds/jobs.json`, `${BASE_URL}/feeds/jobs.rss`]);
    expect((await step('2026-11-28T13:15:00Z')).requests).toEqual([]);
  });

  it('announces a close as URL_DELETED once the page answers 410', async () => {
    await step('2026-11-28T12:00:00Z');
    env.project.write('backend-engineer.yaml', ROLE.replace('status: open', 'status: closed'));
    const { requests, result } = await step('2026-11-29T09:00:00Z');
    expect(result.build!.manifest.artifacts['jobs/backend-engineer/index.html']!.status).toBe(410);
    expect(indexing(requests)).toEqual([{ url: page('backend-engineer'), type: 'URL_DELETED' }]);
    expect(JSON.parse(byPath(requests, '/indexnow')[0]!.body).urlList).toEqual([page('backend-engineer')]);
    expect(webhookEvents(requests)).toEqual(['posting.closed backend-engineer']);
    expect(JSON.parse(byPath(requests, '/webhook')[0]!.body).posting.state).toBe('closed');
  });

  it('announces a scheduled role when it goes live and again when it expires, and nothing in between', async () => {
    env.project.write('platform-engineer.yaml', SCHEDULED);
    const first = await step('2026-11-28T12:00:00Z');
    expect(indexing(first.requests)).toEqual([{ url: page('backend-engineer'), type: 'URL_UPDATED' }]);

    expect((await step('2026-12-09T23:59:00Z')).requests).toEqual([]);

    const live = await step('2026-12-10T00:05:00Z');
    expect(indexing(live.requests)).toEqual([{ url: page('platform-engineer'), type: 'URL_UPDATED' }]);
    expect(webhookEvents(live.requests)).toEqual(['posting.published platform-engineer']);
    expect(byPath(live.requests, '/token')).toHaveLength(1);

    expect((await step('2026-12-15T00:00:00Z')).requests).toEqual([]);

    const expired = await step('2026-12-21T00:00:01Z');
    expect(indexing(expired.requests)).toEqual([{ url: page('platform-engineer'), type: 'URL_DELETED' }]);
    expect(webhookEvents(expired.requests)).toEqual(['posting.closed platform-engineer']);
    expect(JSON.parse(byPath(expired.requests, '/webhook')[0]!.body).posting.state).toBe('expired');
  });

  it('announces a deleted posting file as gone (404)', async () => {
    await step('2026-11-28T12:00:00Z');
    env.project.write('other-role.yaml', ROLE.replace('Backend Engineer', 'Other Engineer'));
    await step('2026-11-28T12:05:00Z');
    env.project.remove('other-role.yaml');
    const { requests } = await step('2026-11-28T12:10:00Z');
    expect(indexing(requests)).toEqual([{ url: page('other-role'), type: 'URL_DELETED' }]);
    expect(webhookEvents(requests)).toEqual(['posting.closed other-role']);
  });

  it('prints the plan and sends nothing with --dry-run', async () => {
    const dry = await env.run('2026-11-28T12:00:00Z', { dryRun: true });
    expect(remote.requests).toEqual([]);
    expect(dry.planned.map((p) => p.notifier).sort()).toEqual(['google-indexing', 'indexnow', 'webhook', 'websub', 'websub']);
    // A dry run changed nothing: the real run plans the same.
    const real = await step('2026-11-28T12:00:00Z');
    expect(real.result.planned.map((p) => p.key).sort()).toEqual(dry.planned.map((p) => p.key).sort());
  });

  it('keeps a broken role live at its last good version, reports it, and tells nothing about it', async () => {
    const good = await step('2026-11-28T12:00:00Z');
    const page = readFileSync(path.join(env.project.outDir, 'jobs/backend-engineer/index.html'), 'utf8');
    env.project.write('backend-engineer.yaml', ROLE.replace('status: open', 'status: opne'));
    const bad = await step('2026-11-28T13:00:00Z');
    expect(bad.result.ok).toBe(true);
    expect(bad.result.broken).toMatchObject([{ id: 'backend-engineer', kept: true, error: { code: 'JC_FIELD_ENUM', line: 2 } }]);
    expect(bad.result.diagnostics.some((d) => d.code === 'JC_FIELD_ENUM' && d.line === 2)).toBe(true);
    expect(bad.requests).toEqual([]);
    expect(good.result.build!.outDir).toBe(env.project.outDir);
    expect(readFileSync(path.join(env.project.outDir, 'jobs/backend-engineer/index.html'), 'utf8')).toBe(page);
    expect(readFileSync(path.join(env.project.outDir, 'feeds/indeed.xml'), 'utf8')).toContain('backend-engineer');
  });
});
