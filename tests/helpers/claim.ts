/**
 * Claiming one outbox item by id, as a publish run's queue would claim it (Ledger.claim: the lane's
 * due head, of its receiver and subject), for tests that drive the outbox step by step.
 */
import type { Claimant, Ledger } from '../../src/ledger/ledger';

/** Every item is due by then: tests of order and ownership, not of backoff. */
const LATER = new Date('2100-01-01T00:00:00Z');

/** The attempt id when the item with this id was claimed by `who`, undefined when it could not be. */
export async function claimById(ledger: Ledger, who: Claimant, id: number, now = LATER): Promise<string | undefined> {
  const row = (await ledger.outbox()).find((r) => r.id === id);
  if (!row) return undefined;
  const [got] = await ledger.claim(who, {
    receiver: row.receiver,
    notifiers: [row.notifier],
    now,
    waiting: true,
    after: id - 1,
    limit: 1,
    ...(row.subject === null ? {} : { subject: row.subject }),
  });
  if (got && got.id !== id) await ledger.release(got.id, got.attempt_id!);
  return got?.id === id ? got.attempt_id! : undefined;
}
