/**
 * Who may send an outbox item, in SQL (docs/publication.md, "Delivery"). An item is sent by the one
 * claimant that moved it to `sending`, named in `claimed_by`:
 *
 * - `writer#<fence>`: a publish run, valid while the writer lease still has that fence;
 * - `worker:<uuid>`: a delivery worker (any instance on a shared ledger), valid while its own lease
 *   row exists and is held.
 *
 * A claim is one statement, so two claimants never both win an item; on PostgreSQL the rows another
 * claimant is locking are passed over (SKIP LOCKED) instead of waited for.
 */
import type { LeaseHolder, WriterLease } from './lease';
import type { Dialect, SqlValue } from './sql';

export interface DeliveryWorker {
  /** Its lease row's name (`worker:…`), which its claims carry. */
  readonly name: string;
  readonly lease: WriterLease;
}

export type Claimant = { readonly writer: Pick<WriterLease | LeaseHolder, 'fence'> } | { readonly worker: Pick<DeliveryWorker, 'name'> };

export interface ClaimQuery {
  receiver: string;
  /** Only items of these notifiers (the ones switched on). */
  notifiers: readonly string[];
  now: Date;
  /** Also items waiting for configuration (a publish run checks them again; workers leave them to it). */
  waiting: boolean;
  /** Only items after this id (a queue's cursor through its receiver's items). */
  after: number;
  /** Only this subject's lane. */
  subject?: string;
  limit: number;
}

export const claimedBy = (who: Claimant): string => ('writer' in who ? `writer#${who.writer.fence}` : who.worker.name);

/** `prefix` followed by the condition that `who` still holds its lease; the lease row is kept from changing until the statement ends. */
export function holdsSql(d: Dialect, who: Claimant, prefix: string): { sql: string; params: SqlValue[] } {
  return 'writer' in who
    ? { sql: `${prefix} EXISTS (SELECT 1 FROM lease WHERE name = 'writer' AND fence = ? AND holder != ''${d.forShare})`, params: [who.writer.fence] }
    : { sql: `${prefix} EXISTS (SELECT 1 FROM lease WHERE name = ? AND holder != ''${d.forShare})`, params: [who.worker.name] };
}

/** Items whose earlier items in the same lane are all settled: `o` is the lane's head. */
const LANE_HEAD = `NOT EXISTS (SELECT 1 FROM outbox e WHERE e.receiver = o.receiver AND e.subject = o.subject AND e.id < o.id
  AND e.status IN ('pending', 'waiting', 'sending'))`;

export function claimSql(d: Dialect, who: Claimant, q: ClaimQuery, attemptId: string): { sql: string; params: SqlValue[] } {
  const statuses = q.waiting ? `('pending', 'waiting')` : `('pending')`;
  const lane = q.subject === undefined ? '' : 'AND o.subject = ?';
  const holds = holdsSql(d, who, 'AND');
  const sql = `UPDATE outbox SET status = 'sending', attempt_id = ?, claimed_by = ? WHERE id IN (
    SELECT o.id FROM outbox o WHERE o.receiver = ? ${lane} AND o.id > ? AND o.status IN ${statuses}
      AND o.notifier IN (${q.notifiers.map(() => '?').join(', ')})
      AND (o.status = 'waiting' OR o.next_attempt IS NULL OR o.next_attempt <= ?) AND ${LANE_HEAD}
    ORDER BY o.id LIMIT ?${d.skipLocked}
  ) ${holds.sql} RETURNING *`;
  const params: SqlValue[] = [
    attemptId,
    claimedBy(who),
    q.receiver,
    ...(q.subject === undefined ? [] : [q.subject]),
    q.after,
    ...q.notifiers,
    q.now.toISOString(),
    q.limit,
    ...holds.params,
  ];
  return { sql, params };
}

/**
 * Items left `sending` by a claimant that is gone: unnamed (older code), a writer other than the
 * live one (the one parameter: its `writer#<fence>`, or '' when none is live), a worker whose row was removed.
 */
export const orphanedSql = `status = 'sending' AND (claimed_by IS NULL
  OR (claimed_by LIKE 'writer#%' AND claimed_by != ?)
  OR (claimed_by NOT LIKE 'writer#%' AND NOT EXISTS (SELECT 1 FROM lease l WHERE l.name = outbox.claimed_by AND l.holder != '')))`;
