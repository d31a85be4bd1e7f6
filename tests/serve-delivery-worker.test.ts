/**
 * `jobcast serve` on a PostgreSQL ledger delivers between publish runs (src/daemon/delivery-worker.ts):
 * what another instance queued is sent by this one's delivery worker, under its own claim, once.
 */
import { Ledger, type OutboxRow } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import { startService, type Service } from '../src/daemon/service';
import type { DeliveryOutcome, Notifier } from '../src/publish/notifier';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { usePostgres } from './helpers/postgres';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { notifyConfig } from './helpers/publish-env';

const postgres = usePostgres();
let remote: FakeRemote;
let site: TempProject;
let service: Service | undefined;
let other: Ledger | undefined;

afterEach(async () => {
  await service?.close();
  await other?.close();
  site?.cleanup();
  await remote?.close();
});

it('sends what another instance queued, claimed by its own delivery worker, each item once', async () => {
  remote = await startFakeRemote();
  const url = await postgres().freshDatabase();
  site = tempProject({ 'role-1.yaml': MINIMAL_POSTING }, notifyConfig(remote.url));
  const sent: string[] = [];
  const fake: Notifier = {
    name: 'fake',
    enabled: () => true,
    owns: (r) => r.startsWith('fake:'),
    describe: () => 'fake',
    deliver: (item: OutboxRow): Promise<DeliveryOutcome> => {
      sent.push(item.key);
      return Promise.resolve({ ok: true, response: '200' });
    },
  };
  service = await startService({
    // The temp project names a SQLite file; this instance shares the PostgreSQL ledger instead.
    project: { ...(await site.open()), statePath: url },
    port: 0,
    host: '127.0.0.1',
    log: silentLogger(),
    env: { JOBCAST_DELIVERY_POLL_MS: '50' },
    schedule: true,
    notifiers: [fake],
  });
  await service.ready;
  expect(service.ledger.engine).toBe('postgres');

  // Another instance (here: a second connection) queues three items after this one's start-up run.
  other = await Ledger.open(url, {});
  const lease = await other.lease.acquire('publish', { waitMs: 30_000 });
  const items = ['a', 'b', 'c'].map((s, i) => ({ key: `k-${s}`, notifier: 'fake', receiver: 'fake:board', subject: i < 2 ? 'one' : 'two', payload: {} }));
  await other.commitRun(lease, { subjects: [], told: [], items, gone: [] }, new Date());
  await lease.release();

  const deadline = Date.now() + 20_000;
  while ((await other.outbox()).some((o) => o.status !== 'done')) {
    if (Date.now() > deadline) throw new Error(`not delivered in 20 s: ${JSON.stringify(await other.outbox())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect([...sent].sort()).toEqual(['k-a', 'k-b', 'k-c']);
  // A subject's items in order: k-a before k-b.
  expect(sent.indexOf('k-a')).toBeLessThan(sent.indexOf('k-b'));
  const rows = await other.outbox();
  expect(rows.map((r) => r.claimed_by?.startsWith('worker:'))).toEqual([true, true, true]);
}, 60_000);
