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
import { buildProject } from '../src/pipeline/build';
import { Ledger } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import type { Project } from '../src/project';
import { publish } from '../src/publish/run';
import { childArgs, childFailed, childReporter, maxRssMiB, now, openBenchProject, seedLedger, type BenchProject } from './common';
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
  phases: {
    buildMs?: number | undefined;
    planMs?: number | undefined;
    writeMs?: number | undefined;
    deliverMs?: number | undefined;
    mirrorMs?: number | undefined;
  };
  planned: number;
  plannedByNotifier: Record<string, number>;
  postingEvents: number;
  delivery: { sent: number; failed: number; retrying: number; deferred: number; remaining: number };
  ok: boolean;
  error?: string;
  peakRssMiB: number;
  seededBy: 'handed over' | 'build here';
  /** Then one role edited and published again: what a recruiter's edit costs among N. */
  oneEdit?: OneEditPublish;
}

export interface OneEditPublish {
  id: string;
  totalMs: number;
  buildMs: number;
  /** The edited salary is in the role's JSON-LD as served after the run. */
  reachedOutput: boolean;
  /** Webhook deliveries about that role the run sent. */
  told: number;
  ok: boolean;
}

async function main(): Promise<void> {
  const args = childArgs<PublishChildArgs>();
  const report = childReporter();
  const project = await openBenchProject(args);
  const at = new Date(args.now);
  let seededBy: PublishChildResult['seededBy'] = 'handed over';
  if (args.seededLedger) {
    mkdirSync(path.dirname(args.statePath), { recursive: true });
    copyFileSync(args.seededLedger, args.statePath);
  } else {
    seededBy = 'build here';
    report.phase(`seeding the ledger (one build)`);
    await buildProject(project, { now: at });
    await seedLedger(project);
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

  const ledger = await Ledger.open(project.statePath);
  const marks: { start?: number; txStart?: number; txEnd?: number; lastDelivery?: number; finish?: number } = {};
  const origCommit = ledger.commitRun.bind(ledger);
  const origFinish = ledger.finishRun.bind(ledger);
  report.phase(`build inside publish`);
  ledger.commitRun = async (...a: Parameters<Ledger['commitRun']>) => {
    marks.txStart = now();
    try {
      return await origCommit(...a);
    } finally {
      marks.txEnd = now();
      report.phase(`delivering`);
    }
  };
  // The last outcome recorded ends delivering; what follows until finishRun is bookkeeping.
  for (const method of ['markDone', 'markFailed', 'markRetry', 'defer'] as const) {
    const orig = (ledger[method] as (...a: unknown[]) => Promise<void>).bind(ledger);
    (ledger as unknown as Record<string, (...a: unknown[]) => Promise<void>>)[method] = async (...a: unknown[]) => {
      await orig(...a);
      marks.lastDelivery = now();
    };
  }
  ledger.finishRun = (...a: Parameters<Ledger['finishRun']>) => {
    marks.finish ??= now();
    return origFinish(...a);
  };

  const t0 = now();
  marks.start = t0;
  const result = await publish(project, ledger, {
    now: new Date(at.getTime() + 15 * 60_000),
    dryRun: false,
    log: silentLogger(),
    env: { [args.secretEnv]: 'bench-secret' },
  });
  const totalMs = now() - t0;
  await ledger.close();
  const span = (a?: number, b?: number) => (a !== undefined && b !== undefined ? b - a : undefined);
  const plannedByNotifier: Record<string, number> = {};
  for (const p of result.planned) plannedByNotifier[p.notifier] = (plannedByNotifier[p.notifier] ?? 0) + 1;
  const data: PublishChildResult = {
    n: args.n,
    changedRoles,
    totalMs,
    phases: {
      buildMs: result.buildMs,
      planMs: span(marks.start === undefined ? undefined : marks.start + result.buildMs, marks.txStart),
      writeMs: span(marks.txStart, marks.txEnd),
      deliverMs: span(marks.txEnd, marks.lastDelivery ?? marks.txEnd),
      mirrorMs: span(marks.lastDelivery ?? marks.txEnd, marks.finish),
    },
    planned: result.planned.length,
    plannedByNotifier,
    postingEvents: result.transitions.filter((t) => t.receiver.startsWith('webhook:')).length,
    delivery: result.delivery,
    ok: result.ok,
    ...(result.error ? { error: `${result.error.code}: ${result.error.message}` } : {}),
    peakRssMiB: maxRssMiB(),
    seededBy,
  };
  if (result.ok) data.oneEdit = await publishOneEdit(project, args, names[0]!, new Date(at.getTime() + 30 * 60_000));
  report.stop();
  await report.send({ type: 'result', data });
}

/** Edit one role's salary and publish: the time, and whether the edit reached the served output and the receiver. */
async function publishOneEdit(project: Project, args: PublishChildArgs, name: string, at: Date): Promise<OneEditPublish> {
  const file = path.join(args.postingsDir, name);
  const id = name.replace(/\.yaml$/, '');
  const before = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, editSalary(before, 3));
  const ledger = await Ledger.open(project.statePath);
  const t0 = now();
  try {
    const result = await publish(project, ledger, { now: at, dryRun: false, log: silentLogger(), env: { [args.secretEnv]: 'bench-secret' } });
    const totalMs = now() - t0;
    const served = await fs.readFile(path.join(args.outDir, 'jobs', id, 'jobposting.json'), 'utf8');
    const salary = /^salary: \{ currency: [A-Z]{3}, (?:min|value): ([\d.]+)/m.exec(editSalary(before, 3));
    const told = result.planned.filter((p) => p.receiver.startsWith('webhook:') && p.subject === id).length;
    return { id, totalMs, buildMs: result.buildMs, reachedOutput: salary ? served.includes(salary[1]!) : false, told, ok: result.ok };
  } finally {
    await ledger.close();
  }
}

main().then(() => process.exit(0), childFailed);
