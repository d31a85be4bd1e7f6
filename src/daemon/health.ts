/** /healthz: whether the output is served, built cleanly, told, and how publishing goes. */
import path from 'node:path';
import type { Ledger } from '../ledger/ledger';
import { describeHolder, thisHost, type LeaseHolder } from '../ledger/lease';
import type { HealthReport } from '../serve/app';
import type { Snapshot } from '../serve/snapshot';
import type { LastRun } from './publish-runner';
import type { UntoldCount } from './untold-count';

export interface HealthInputs {
  snapshot: Snapshot | undefined;
  ledger: Ledger;
  untold: UntoldCount;
  lastRun: LastRun | undefined;
  nextRun: Date | null | undefined;
}

// Outbox states an operator watches: work still to do, or that went wrong.
const OPEN_OUTBOX = ['pending', 'sending', 'waiting', 'failed'];

/**
 * This instance's part: the leader is the one holding the writer lease now (building, telling,
 * delivering); the others follow, serving their own output, and take their turn at the next run.
 */
export const roleOf = (holder: LeaseHolder | undefined): 'leader' | 'follower' =>
  holder && holder.pid === process.pid && holder.host === thisHost() ? 'leader' : 'follower';

/** What /healthz reads from the ledger; on PostgreSQL the server may be unreachable, which is reported, not a 500. */
async function ledgerPart(ledger: Ledger) {
  try {
    const holder = await ledger.lease.current();
    const identity = await ledger.identity();
    return {
      ledger: { id: identity.id, run: identity.seq, engine: ledger.engine },
      role: roleOf(holder),
      writer: holder ? describeHolder(holder) : null,
      outbox: Object.fromEntries((await ledger.outboxCounts()).filter((r) => OPEN_OUTBOX.includes(r.status)).map((r) => [`${r.notifier}.${r.status}`, r.n])),
      lastSuccessfulPublish: (await ledger.lastSuccessfulRun())?.finished ?? null,
    };
  } catch (err) {
    return { ledger: { engine: ledger.engine, error: `the ledger ${ledger.file} cannot be read: ${(err as Error).message}` }, role: 'follower' as const };
  }
}

export async function healthReport({ snapshot, ledger, untold, lastRun, nextRun }: HealthInputs): Promise<HealthReport> {
  const problems = snapshot?.manifest.problems ?? [];
  const fromLedger = await ledgerPart(ledger);
  const counted = 'error' in fromLedger.ledger ? null : await untold.current();
  return {
    status: !snapshot ? 'unavailable' : problems.length || (lastRun && !lastRun.ok) || 'error' in fromLedger.ledger ? 'degraded' : 'ok',
    output: snapshot
      ? {
          builtFor: snapshot.manifest.builtFor,
          generation: path.basename(snapshot.generation),
          files: snapshot.files.size,
          told: counted ? Object.values(counted).every((n) => n === 0) : null,
          run: snapshot.manifest.ledger?.seq ?? null,
        }
      : null,
    // Notifications the served output calls for that the ledger has not recorded (a --watch or CLI build).
    untold: counted,
    brokenFiles: problems.map((p) => ({ file: p.file, line: p.line ?? null, col: p.col ?? null, code: p.code, message: p.message, servingLastGood: p.kept })),
    ...fromLedger,
    lastRun: lastRun ?? null,
    nextRun: nextRun?.toISOString() ?? null,
  };
}
