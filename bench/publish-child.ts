/**
 * Publish planning for N changed roles, in its own process: a ledger that already knows every role
 * (seeded from a build), every role's salary edited, then one `publish()` with a webhook (the only
 * notifier configured) pointing at the parent's local fake that answers 200. The run is split into
 * phases by watching which ledger methods it calls:
 *
 *   build    ledger.history() returned → first ledger.known() (the build inside publish)
 *   plan     → the state transaction starts (diff output + postings, notifiers' and channels' plans)
 *   write    the transaction (enqueue, replace pages, save history, publications)
 *   deliver  → the last delivery outcome recorded (markDone / markFailed / defer)
 *   mirror   → ledger.finishRun() (delivery state mirrored into publications)
 */
import { promises as fs, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { adapters } from '../adapters';
import { buildProject } from '../src/build/build';
import { Ledger } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import { openProject } from '../src/project';
import { publish } from '../src/publish/run';
import { childArgs, childFailed, childReporter, maxRssMiB, now, seedLedger, type BenchProject } from './common';
import { editSalary } from './generate';

export interface PublishChildArgs extends BenchProject {
  n: number;
  now: string;
  /** A ledger already seeded with these postings (else one is seeded here with a build first). */
  seededLedger?: string;
  secretEnv: string;
}

export interface PublishChildResult {
  n: number;
  changedRoles: number;
  totalMs: number;
  phases: { buildMs?: number; planMs?: number; writeMs?: number; deliverMs?: number; mirrorMs?: number };
  planned: number;
  plannedByNotifier: Record<string, number>;
  postingEvents: number;
  delivery: { sent: number; failed: number; retrying: number; deferred: number; remaining: number };
  ok: boolean;
  error?: string;
  peakRssMiB: number;
  seededBy: 'handed over' | 'build here';
}

async function main(): Promise<void> {
  const args = childArgs<PublishChildArgs>();
  const report = childReporter();
  const project = await openProject({ config: args.configFile, postings: args.postingsDir, out: args.outDir, state: args.statePath, adapters });
  const at = new Date(args.now);
  let seededBy: PublishChildResult['seededBy'] = 'handed over';
  if (args.seededLedger) {
    mkdirSync(path.dirname(args.statePath), { recursive: true });
    copyFileSync(args.seededLedger, args.statePath);
  } else {
    seededBy = 'build here';
    report.phase(`seeding the ledger (one build)`);
    seedLedger(args.statePath, await buildProject(project, { now: at }));
  }

  report.phase(`editing every role`);
  const names = (await fs.readdir(args.postingsDir)).filter((n) => n.endsWith('.yaml'));
  let changedRoles = 0;
  for (const name of names) {
    const file = path.join(args.postingsDir, name);
    const before = await fs.readFile(file, 'utf8');
    const after = editSalary(before, 7);
    if (after !== before) {
      await fs.writeFile(file, after);
      changedRoles++;
    }
  }

  const ledger = new Ledger(project.statePath);
  const marks: { historyDone?: number; known?: number; txStart?: number; txEnd?: number; lastDelivery?: number; finish?: number } = {};
  let inHistory = false;
  const origHistory = ledger.history.bind(ledger);
  const origKnown = ledger.known.bind(ledger);
  const origTransaction = ledger.transaction.bind(ledger);
  const origFinish = ledger.finishRun.bind(ledger);
  ledger.history = () => {
    inHistory = true;
    try {
      return origHistory();
    } finally {
      inHistory = false;
      marks.historyDone ??= now();
      report.phase(`build inside publish`);
    }
  };
  ledger.known = () => {
    if (!inHistory && marks.historyDone !== undefined && marks.known === undefined) {
      marks.known = now();
      report.phase(`planning`);
    }
    return origKnown();
  };
  ledger.transaction = <T>(fn: () => T): T => {
    const outer = marks.known !== undefined && marks.txStart === undefined;
    if (outer) marks.txStart = now();
    try {
      return origTransaction(fn);
    } finally {
      if (outer) {
        marks.txEnd = now();
        report.phase(`delivering`);
      }
    }
  };
  // The last outcome recorded ends delivering; what follows until finishRun mirrors delivery state.
  for (const method of ['markDone', 'markFailed', 'defer'] as const) {
    const orig = (ledger[method] as (...a: unknown[]) => void).bind(ledger);
    (ledger as unknown as Record<string, (...a: unknown[]) => void>)[method] = (...a: unknown[]) => {
      orig(...a);
      marks.lastDelivery = now();
    };
  }
  ledger.finishRun = (...a: Parameters<Ledger['finishRun']>) => {
    marks.finish ??= now();
    return origFinish(...a);
  };

  const t0 = now();
  const result = await publish(project, ledger, {
    now: new Date(at.getTime() + 15 * 60_000),
    dryRun: false,
    log: silentLogger(),
    env: { [args.secretEnv]: 'bench-secret' },
  });
  const totalMs = now() - t0;
  ledger.close();
  const span = (a?: number, b?: number) => (a !== undefined && b !== undefined ? b - a : undefined);
  const plannedByNotifier: Record<string, number> = {};
  for (const p of result.planned) plannedByNotifier[p.notifier] = (plannedByNotifier[p.notifier] ?? 0) + 1;
  const data: PublishChildResult = {
    n: args.n,
    changedRoles,
    totalMs,
    phases: {
      buildMs: span(marks.historyDone, marks.known),
      planMs: span(marks.known, marks.txStart),
      writeMs: span(marks.txStart, marks.txEnd),
      deliverMs: span(marks.txEnd, marks.lastDelivery ?? marks.txEnd),
      mirrorMs: span(marks.lastDelivery ?? marks.txEnd, marks.finish),
    },
    planned: result.planned.length,
    plannedByNotifier,
    postingEvents: result.changes?.postings.length ?? 0,
    delivery: result.delivery,
    ok: result.ok,
    ...(result.error ? { error: `${result.error.code}: ${result.error.message}` } : {}),
    peakRssMiB: maxRssMiB(),
    seededBy,
  };
  report.stop();
  await report.send({ type: 'result', data });
}

main().then(() => process.exit(0), childFailed);
