/**
 * A publish run, under the writer lease (docs/publication.md):
 * check the output belongs to this ledger → recover interrupted deliveries → build and swap (fenced)
 * → observe every receiver → plan versions and transitions by the table → record them with their
 * notifications in one transaction (fenced) → deliver, each receiver in its own queue → record.
 */
import { buildProject, servedOutput, type BuildResult, type ServedOutput } from '../pipeline/build';
import type { ProgressListener } from '../pipeline/progress';
import { pagesOf, siteUrl } from '../pipeline/context';
import { layoutFor, type Manifest } from '../pipeline/output-store';
import type { BrokenFile } from '../pipeline/validate';
import type { Diagnostic } from '../diagnostics';
import { CODES, isJobcastError } from '../errors';
import { Ledger, type KnownSubject, type NewOutboxItem, type OutboxRow, type ToldRow } from '../ledger/ledger';
import type { SiteConfig } from '../model/config';
import type { WriterLease } from '../ledger/lease';
import { silentLogger, type Logger } from '../log';
import { siteLinks, type Project } from '../project';
import { adoptionOf } from './adopt';
import { emptySummary, type DeliverySummary } from './deliver';
import { deliverQueued } from './delivery-round';
import type { Sleep } from './http';
import { identityProblem } from '../pipeline/identity';
import { messagesFor } from './messages';
import type { Notifier, SharedPlanContext } from './notifier';
import { activeNotifiers, configOf } from './notifier-config';
import { observe, subjectsOf } from './observe';
import { planRun, type Plan } from './plan';
import type { Transition } from './protocol';

export type { DeliverySummary } from './deliver';

export interface PublishOptions {
  now?: Date;
  dryRun?: boolean;
  /** Publish although the output was built with another ledger: every receiver is told again. */
  resendAll?: boolean;
  /** Stop delivering at the next safe point (between notifications). */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  sleep?: Sleep;
  log?: Logger;
  /** Default: the project's. */
  notifiers?: readonly Notifier[];
  /** How long to wait for another writer's lease (ms); 0 fails at once. */
  waitForLock?: number;
  /** The writer lease, when the caller already holds it. */
  lease?: WriterLease;
  /** Per-receiver concurrency (default: each notifier's own). */
  concurrency?: number;
  /** Told how far the build is (src/pipeline/progress.ts). */
  onProgress?: ProgressListener;
}

export interface PublishResult {
  ok: boolean;
  dryRun: boolean;
  /** Why the run could not build or publish, when it could not. */
  error?: { code: string; message: string };
  diagnostics: Diagnostic[];
  /** Source files with errors: their roles keep their last good version; exit 1. */
  broken: BrokenFile[];
  build?: BuildResult;
  /** What the table decided for each receiver (for --dry-run: what it would decide). */
  transitions: Transition[];
  /** Notifications queued by this run (for --dry-run: what would be queued). */
  planned: NewOutboxItem[];
  /** Notifications from earlier runs still waiting (delivered now unless dry-run). */
  outstanding: OutboxRow[];
  /** --dry-run: earlier notifications this run would withdraw (their role left before they were sent). */
  withdrawn: OutboxRow[];
  /** --dry-run: by key, the configuration a planned or outstanding notification would wait for. */
  waitsFor: Record<string, string>;
  delivery: DeliverySummary;
  durationMs: number;
  /** Time spent building (render + write + swap). */
  buildMs: number;
}

export function planContext(project: Project, now: Date, keySpace: string): SharedPlanContext {
  const url = (p: string): string => siteUrl(project.config, p);
  const links = siteLinks(project);
  const pages = pagesOf(links);
  return { site: project.config, now, url, pageUrl: (id) => url(pages.page(id)), links, keySpace };
}

export async function publish(project: Project, ledger: Ledger, opts: PublishOptions = {}): Promise<PublishResult> {
  const started = Date.now();
  const lease = opts.lease ?? (await ledger.lease.acquire('publish', { waitMs: opts.waitForLock ?? 0 }));
  try {
    return await publishHeld(project, ledger, lease, opts, started);
  } finally {
    if (!opts.lease) await lease.release();
  }
}

/** What every step of one run reads: its inputs, and its options with their defaults applied. */
interface PublishRun {
  project: Project;
  ledger: Ledger;
  lease: WriterLease;
  opts: PublishOptions;
  now: Date;
  log: Logger;
  dryRun: boolean;
  resendAll: boolean;
  ctx: SharedPlanContext;
  /** The notifiers switched on: they observe, plan and deliver. */
  active: Notifier[];
}

/** What the ledger has recorded, which planning starts from. */
interface Recorded {
  known: Map<string, KnownSubject>;
  told: Map<string, ToldRow>;
}

async function publishHeld(project: Project, ledger: Ledger, lease: WriterLease, opts: PublishOptions, started: number): Promise<PublishResult> {
  const run = await prepareRun(project, ledger, lease, opts);
  const result = emptyResult(run);
  const finish = () => ((result.durationMs = Date.now() - started), result);

  const output = await servedOutput(layoutFor(project.outDir));
  const { generation, manifest: served } = output;
  const problem = run.resendAll ? undefined : await identityProblem(ledger, served?.ledger, project);
  if (problem) {
    fail(result, { code: CODES.STATE_MISMATCH, message: problem });
    run.log.error({ event: 'publish.state_mismatch' }, problem);
    return finish();
  }
  const runId = run.dryRun ? 0 : await ledger.startRun(run.now);
  const interrupted = run.dryRun ? 0 : await recoverInterrupted(run);
  const recorded = await recordedState(run, served, generation);

  // This run's number, which is also the version of what changes in it. After a lost ledger it
  // continues from the output's, so a version is never used twice.
  const seq = Math.max((await ledger.identity()).seq, run.resendAll ? (served?.ledger?.seq ?? 0) : 0) + 1;
  await buildInto(result, run, seq, output);

  let gone: Plan['gone'] = [];
  const { build } = result;
  if (build) {
    const plan = planOf(run, build, recorded, seq);
    result.transitions = plan.transitions;
    result.planned = [...plan.items];
    gone = plan.gone;
    if (!run.dryRun && !(await commitPlan(run, result, plan, build.manifest))) return finish();
    logBroken(result.broken, run.log);
  }

  if (run.dryRun) {
    dryRunView(result, await ledger.unresolved(), await ledger.withdrawable(gone), run.active, project.config, opts.env ?? process.env);
    return finish();
  }
  result.delivery = await deliver(run);
  result.delivery.interrupted = interrupted;
  const summary = { error: result.error, planned: result.planned.length, broken: result.broken.map((b) => b.file), delivery: result.delivery };
  await ledger.finishRun(runId, result.ok, summary, new Date());
  return finish();
}

async function prepareRun(project: Project, ledger: Ledger, lease: WriterLease, opts: PublishOptions): Promise<PublishRun> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? silentLogger();
  const dryRun = opts.dryRun ?? false;
  const resendAll = opts.resendAll ?? false;
  // Everything again means new keys: receivers that remember keys must not drop the new copies.
  if (resendAll && !dryRun) await ledger.newKeySpace();
  const ctx = planContext(project, now, await ledger.keySpace());
  const active = activeNotifiers(opts.notifiers ?? project.notifiers, project.config);
  return { project, ledger, lease, opts, now, log, dryRun, resendAll, ctx, active };
}

function emptyResult({ dryRun }: { dryRun: boolean }): PublishResult {
  return {
    ok: true,
    dryRun,
    diagnostics: [],
    broken: [],
    transitions: [],
    planned: [],
    outstanding: [],
    withdrawn: [],
    waitsFor: {},
    delivery: emptySummary(),
    durationMs: 0,
    buildMs: 0,
  };
}

function fail(result: PublishResult, error: { code: string; message: string }): void {
  result.ok = false;
  result.error = error;
}

async function recoverInterrupted({ ledger, lease, log }: PublishRun): Promise<number> {
  const interrupted = await ledger.recoverInterrupted(lease);
  if (interrupted)
    log.warn({ event: 'publish.recovered', interrupted }, `${interrupted} notification(s) were being sent when a run died; they are re-sent with the same key`);
  return interrupted;
}

/** The subjects and told rows to plan against; a dry run over a legacy ledger sees what adopting would record. */
async function recordedState(run: PublishRun, served: Manifest | undefined, generation: string | undefined): Promise<Recorded> {
  const { ledger } = run;
  const recorded = { known: await ledger.knownSubjects(), told: await ledger.told() };
  if (!(await ledger.adoptPending()) || !served || !generation) return recorded;
  // A legacy ledger: the output it served was told; record that before planning anything.
  const adopted = await adoptionOf(run.project, served, generation, run.active, run.ctx);
  if (run.dryRun) {
    return {
      known: new Map(adopted.subjects.map((s) => [s.subject, s])),
      told: new Map(adopted.told.map((t) => [Ledger.toldKey(t.receiver, t.subject), t])),
    };
  }
  await ledger.adopt(run.lease, adopted, await ledger.identity(), run.now);
  return { known: await ledger.knownSubjects(), told: await ledger.told() };
}

/**
 * Build and swap, fenced by the lease. A build that fails with a JobcastError leaves no build: the
 * run plans nothing, and still delivers what earlier runs queued.
 */
async function buildInto(result: PublishResult, run: PublishRun, seq: number, output: ServedOutput): Promise<void> {
  const { ledger } = run;
  const buildStarted = Date.now();
  try {
    result.build = await buildProject(run.project, {
      now: run.now,
      lease: run.lease,
      dryRun: run.dryRun,
      history: await ledger.history(),
      lastGood: (id) => ledger.lastGood(id),
      identity: { id: (await ledger.identity()).id, seq, told: true },
      output,
      ...(run.opts.onProgress ? { onProgress: run.opts.onProgress } : {}),
    });
    result.diagnostics = result.build.diagnostics;
    result.broken = result.build.broken;
  } catch (err) {
    if (!isJobcastError(err)) throw err;
    fail(result, { code: err.code, message: err.message });
    result.diagnostics = [...err.details];
    run.log.error({ event: 'publish.build_failed', code: err.code }, err.message);
  }
  result.buildMs = Date.now() - buildStarted;
}

/** Observe every receiver, then plan versions, transitions and messages by the table. */
function planOf(run: PublishRun, build: BuildResult, recorded: Recorded, seq: number): Plan {
  const { project, ctx, active } = run;
  const { validation, manifest } = build;
  const subjects = subjectsOf({ entries: validation.entries, channels: validation.channels, manifest }, recorded.known, ctx.url);
  observe(subjects, validation.channels, active, ctx, project.config);
  return planRun(subjects, recorded.known, recorded.told, run.now, { seq, resendAll: run.resendAll, keySpace: ctx.keySpace }, (ts) =>
    messagesFor(ts, active, project.adapters, project.config, ctx),
  );
}

/** Record the plan with its notifications in one fenced transaction; false when nothing of it was recorded. */
async function commitPlan(run: PublishRun, result: PublishResult, plan: Plan, manifest: Manifest): Promise<boolean> {
  try {
    await run.ledger.commitRun(run.lease, plan, run.now);
  } catch (err) {
    if (!isJobcastError(err)) throw err;
    // Nothing of this plan was recorded, so nothing is queued: the next run plans it again.
    fail(result, { code: err.code, message: err.message });
    result.planned = [];
    run.log.error({ event: 'publish.commit_failed', code: err.code }, err.message);
    return false;
  }
  run.log.info({
    event: 'publish.planned',
    files: Object.keys(manifest.artifacts).length,
    transitions: plan.transitions.length,
    planned: plan.items.length,
    broken: result.broken.length,
  });
  return true;
}

function logBroken(broken: readonly BrokenFile[], log: Logger): void {
  for (const b of broken) {
    log.error(
      { event: 'publish.broken_file', file: b.file, line: b.error.line, col: b.error.col, code: b.error.code, kept: b.kept },
      `${b.file}:${b.error.line ?? 1}:${b.error.col ?? 1} ${b.error.message}`,
    );
  }
}

/** Deliver the outbox: this run's notifications and earlier ones still waiting, each receiver in its own queue. */
function deliver(run: PublishRun): Promise<DeliverySummary> {
  const { project, opts } = run;
  return deliverQueued(project, run.ledger, {
    claimant: { writer: run.lease },
    notifiers: run.active,
    now: run.now,
    log: run.log,
    waiting: true,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  });
}

/**
 * What --dry-run shows beside the plan, decided as the real run would: earlier items the commit
 * would withdraw (Ledger.withdrawable, the rule commitRun applies), and the configuration each item would wait for.
 */
function dryRunView(
  result: PublishResult,
  unresolved: readonly OutboxRow[],
  withdrawable: readonly OutboxRow[],
  notifiers: readonly Notifier[],
  site: SiteConfig,
  env: NodeJS.ProcessEnv,
): void {
  const plannedKeys = new Set(result.planned.map((p) => p.key));
  const earlier = unresolved.filter((r) => !plannedKeys.has(r.key));
  const withdrawn = new Set(withdrawable.map((r) => r.key));
  result.withdrawn = earlier.filter((r) => withdrawn.has(r.key));
  result.outstanding = earlier.filter((r) => !withdrawn.has(r.key));
  const byName = new Map(notifiers.map((n) => [n.name, n]));
  const items = [
    ...result.planned.map((p) => ({ key: p.key, notifier: p.notifier, payload: p.payload })),
    ...result.outstanding.map((r) => ({ key: r.key, notifier: r.notifier, payload: JSON.parse(r.payload) as unknown })),
  ];
  for (const item of items) {
    const n = byName.get(item.notifier);
    const why = n?.missing?.(item.payload, { config: configOf<unknown>(n, site), env });
    if (why) result.waitsFor[item.key] = why;
  }
}
