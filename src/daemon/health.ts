/** /healthz: whether the output is served, built cleanly, told, and how publishing goes. */
import path from 'node:path';
import type { Ledger } from '../ledger/ledger';
import { describeHolder } from '../ledger/lease';
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

export function healthReport({ snapshot, ledger, untold, lastRun, nextRun }: HealthInputs): HealthReport {
  const problems = snapshot?.manifest.problems ?? [];
  const holder = ledger.lease.current();
  return {
    status: !snapshot ? 'unavailable' : problems.length || (lastRun && !lastRun.ok) ? 'degraded' : 'ok',
    output: snapshot
      ? {
          builtFor: snapshot.manifest.builtFor,
          generation: path.basename(snapshot.generation),
          files: snapshot.files.size,
          told: untold.toldAll(),
          run: snapshot.manifest.ledger?.seq ?? null,
        }
      : null,
    // Notifications the served output calls for that the ledger has not recorded (a --watch or CLI build).
    untold: untold.current(),
    brokenFiles: problems.map((p) => ({ file: p.file, line: p.line ?? null, col: p.col ?? null, code: p.code, message: p.message, servingLastGood: p.kept })),
    ledger: { id: ledger.identity().id, run: ledger.identity().seq },
    writer: holder ? describeHolder(holder) : null,
    outbox: Object.fromEntries(
      ledger
        .outboxCounts()
        .filter((r) => OPEN_OUTBOX.includes(r.status))
        .map((r) => [`${r.notifier}.${r.status}`, r.n]),
    ),
    lastSuccessfulPublish: ledger.lastSuccessfulRun()?.finished ?? null,
    lastRun: lastRun ?? null,
    nextRun: nextRun?.toISOString() ?? null,
  };
}
