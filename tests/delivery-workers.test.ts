/**
 * Several delivery workers on one PostgreSQL ledger (src/ledger/claims.ts, src/publish/deliver.ts),
 * each with a connection pool of its own as separate instances have: every item is sent by one of
 * them, each subject's items in order, and a worker that died leaves its items to the others under
 * the same keys. The same claims on SQLite are covered by tests/ledger-engines.test.ts.
 */
import fc from 'fast-check';
import { Ledger, type OutboxRow, type RunCommit } from '../src/ledger/ledger';
import { deliverOutbox } from '../src/publish/deliver';
import type { DeliveryOutcome, Notifier, SharedDeliverContext } from '../src/publish/notifier';
import { silentLogger } from '../src/log';
import { usePostgres } from './helpers/postgres';

const postgres = usePostgres();
const NOW = new Date('2026-12-01T12:00:00.000Z');

/** Items per lane: lane `r|s` holds `count` items of subject s for receiver r, queued in order. */
function queued(lanes: { receiver: number; subject: number; count: number }[]): RunCommit {
  const items: RunCommit['items'][number][] = [];
  let round = 0;
  // Interleaved across lanes, as runs queue them: a lane's items are never adjacent ids.
  for (let more = true; more; round++) {
    more = false;
    for (const l of lanes) {
      if (round >= l.count) continue;
      more = true;
      items.push({
        key: `r${l.receiver}|s${l.subject}|v${round}`,
        notifier: 'fake',
        receiver: `fake:r${l.receiver}`,
        subject: `s${l.subject}`,
        version: round + 1,
        payload: {},
      });
    }
  }
  return { subjects: [], told: [], items, gone: [] };
}

interface Wire {
  sent: { key: string; by: number }[];
  /** Per lane, the last version whose delivery finished: a version may start only after the one before it. */
  finished: Map<string, number>;
  overtaken: string[];
  /** Deliveries that never answer (a worker that died with a request on the wire). */
  hang?: (key: string, by: number) => boolean;
  hung: (() => void)[];
}

function fakeNotifier(wire: Wire, by: number, random: () => number): Notifier {
  return {
    name: 'fake',
    enabled: () => true,
    owns: (r) => r.startsWith('fake:'),
    describe: () => 'fake',
    queue: { concurrency: 3 },
    deliver: async (item: OutboxRow): Promise<DeliveryOutcome> => {
      wire.sent.push({ key: item.key, by });
      const [lane, v] = [item.key.replace(/\|v\d+$/, ''), Number(/v(\d+)$/.exec(item.key)![1])];
      if ((wire.finished.get(lane) ?? -1) < v - 1) wire.overtaken.push(`${item.key} started before v${v - 1} finished`);
      if (wire.hang?.(item.key, by)) await new Promise<void>((resolve) => wire.hung.push(resolve));
      else await new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
      wire.finished.set(lane, Math.max(v, wire.finished.get(lane) ?? -1));
      return { ok: true, response: `200 from ${by}` };
    },
  };
}

function deliverAs(ledger: Ledger, worker: Awaited<ReturnType<Ledger['deliveryWorker']>>, notifier: Notifier) {
  return deliverOutbox({
    ledger,
    claimant: { worker },
    waiting: false,
    notifiers: [notifier],
    ctx: { now: NOW, site: { notify: {} } } as unknown as SharedDeliverContext,
    log: silentLogger(),
    budgetMs: 60_000,
  });
}

/** Each lane's keys in the order they went out, and which went out more than once. */
function ordered(sent: readonly { key: string }[]) {
  const lanes = new Map<string, number[]>();
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const { key } of sent) {
    if (seen.has(key)) twice.push(key);
    seen.add(key);
    const [r, s, v] = key.split('|');
    lanes.set(`${r}|${s}`, [...(lanes.get(`${r}|${s}`) ?? []), Number(v!.slice(1))]);
  }
  return { lanes, twice };
}

async function instances(n: number): Promise<{ url: string; ledgers: Ledger[] }> {
  const url = await postgres().freshDatabase();
  const ledgers: Ledger[] = [];
  for (let i = 0; i < n; i++) ledgers.push(await Ledger.open(url, {}));
  return { url, ledgers };
}

const lanesArb = fc.uniqueArray(
  fc.record({ receiver: fc.integer({ min: 0, max: 2 }), subject: fc.integer({ min: 0, max: 5 }), count: fc.integer({ min: 1, max: 5 }) }),
  {
    minLength: 1,
    maxLength: 10,
    selector: (l) => `${l.receiver}|${l.subject}`,
  },
);

test('workers on separate connections send every item once, each lane in order', async () => {
  await fc.assert(
    fc.asyncProperty(lanesArb, fc.integer({ min: 2, max: 3 }), fc.integer(), async (lanes, n, seed) => {
      const { ledgers } = await instances(n);
      try {
        const writer = await ledgers[0]!.lease.acquire('publish');
        await ledgers[0]!.commitRun(writer, queued(lanes), NOW);
        await writer.release();
        const wire: Wire = { sent: [], hung: [], finished: new Map(), overtaken: [] };
        let s = seed;
        const random = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
        const workers = await Promise.all(ledgers.map((l) => l.deliveryWorker('deliver')));
        const summaries = await Promise.all(ledgers.map((l, i) => deliverAs(l, workers[i]!, fakeNotifier(wire, i, random))));
        for (const w of workers) await w.lease.release();

        const total = lanes.reduce((a, l) => a + l.count, 0);
        const { lanes: got, twice } = ordered(wire.sent);
        expect(twice).toEqual([]);
        expect(wire.overtaken).toEqual([]);
        expect(wire.sent).toHaveLength(total);
        for (const l of lanes) expect(got.get(`r${l.receiver}|s${l.subject}`)).toEqual(Array.from({ length: l.count }, (_, v) => v));
        expect(summaries.reduce((a, x) => a + x.sent, 0)).toBe(total);
        const rows = await ledgers[0]!.outbox();
        expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
        // Each item's confirmation names the worker that sent it.
        const byWorker = new Map(workers.map((w, i) => [w.name, i]));
        for (const r of rows) expect(r.response).toBe(`200 from ${byWorker.get(r.claimed_by!)}`);
      } finally {
        for (const l of ledgers) await l.close();
      }
    }),
    { numRuns: 12 },
  );
}, 180_000);

test('a worker that died mid-send leaves its items to the others, re-sent under the same key; its late answer is not recorded', async () => {
  const { ledgers } = await instances(2);
  const [a, b] = ledgers as [Ledger, Ledger];
  try {
    const writer = await a.lease.acquire('publish');
    await a.commitRun(
      writer,
      queued([
        { receiver: 0, subject: 0, count: 3 },
        { receiver: 0, subject: 1, count: 1 },
      ]),
      NOW,
    );
    await writer.release();
    const wire: Wire = { sent: [], hung: [], finished: new Map(), overtaken: [], hang: (_key, by) => by === 0 };
    const dying = await a.deliveryWorker('deliver');
    const first = deliverAs(a, dying, fakeNotifier(wire, 0, Math.random));
    const deadline = Date.now() + 10_000;
    while (wire.hung.length < 2) {
      if (Date.now() > deadline) throw new Error(`worker 0 put ${wire.hung.length} request(s) on the wire, not 2`);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Worker 0 is gone as far as the ledger knows (its lease lapsed): its two lane heads are re-queued.
    await dying.lease.release();
    expect(await b.recoverInterrupted()).toBe(2);
    const survivor = await b.deliveryWorker('deliver');
    const summary = await deliverAs(b, survivor, fakeNotifier(wire, 1, Math.random));
    expect(summary.sent).toBe(4);
    for (const release of wire.hung) release();
    await first;
    const rows = await b.outbox();
    expect(rows.map((r) => [r.key, r.status, r.ambiguous, r.response])).toEqual([
      ['r0|s0|v0', 'done', 1, '200 from 1'],
      ['r0|s1|v0', 'done', 1, '200 from 1'],
      ['r0|s0|v1', 'done', 0, '200 from 1'],
      ['r0|s0|v2', 'done', 0, '200 from 1'],
    ]);
    // The two the dead worker had on the wire went out twice, under the same keys; the rest once.
    expect(ordered(wire.sent).twice.sort()).toEqual(['r0|s0|v0', 'r0|s1|v0']);
    await survivor.lease.release();
  } finally {
    for (const l of ledgers) await l.close();
  }
}, 60_000);
