/**
 * One delivery worker instance for the bench (bench/ledger-child.ts): opens the PostgreSQL ledger
 * with a pool of its own, takes a worker lease, says `ready`, waits for `go` on stdin, then delivers
 * what is queued for the fake receiver (src/publish/deliver.ts, the claims of src/ledger/claims.ts)
 * and prints how many it sent. Each notification is one HTTP POST, keep-alive, to the receiver.
 */
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import { Ledger } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import { deliverOutbox } from '../src/publish/deliver';
import type { Notifier, SharedDeliverContext } from '../src/publish/notifier';

export interface WorkerChildArgs {
  url: string;
  receiver: string;
  now: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(to: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(to, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'idempotency-key': key } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(JSON.stringify({ key }));
  });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as WorkerChildArgs;
  const ledger = await Ledger.open(args.url, {});
  const worker = await ledger.deliveryWorker('bench');
  const notifier: Notifier = {
    name: 'webhook',
    enabled: () => true,
    owns: () => true,
    describe: () => 'bench',
    deliver: async (item) => {
      const status = await post(args.receiver, item.key);
      return status < 300 ? { ok: true, response: String(status) } : { ok: false, retryable: true, error: `HTTP ${status}` };
    },
  };
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  const summary = await deliverOutbox({
    ledger,
    claimant: { worker },
    waiting: false,
    notifiers: [notifier],
    ctx: { now: new Date(args.now), site: { notify: {} } } as unknown as SharedDeliverContext,
    log: silentLogger(),
    budgetMs: 10 * 60_000,
  });
  await worker.lease.release();
  await ledger.close();
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ sent: summary.sent, failed: summary.failed + summary.retrying })}\n`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
