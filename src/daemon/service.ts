/**
 * `jobcast serve`, the daemon's composition root: the HTTP server (src/serve), the republish
 * schedule (schedule → publish) and (optionally) a file watcher (watch → build), sharing
 * one ledger and one view of the current output. The output is whatever the output link points at,
 * whoever built it: the link is watched (and checked every 250 ms), so a build by the CLI or another
 * process is served within a second. Every build and publish takes the writer lease
 * (docs/publication.md). Stops cleanly on SIGTERM/SIGINT: the schedule stops, a running publish
 * halts at its next safe point, the server drains, the ledger closes.
 */
import type { RequestListener } from 'node:http';
import type express from 'express';
import { layoutFor } from '../pipeline/output-store';
import { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import { pageUrlsOf, type Project } from '../project';
import type { Sleep } from '../publish/http';
import type { Notifier } from '../publish/notifier';
import { rootFilesOf } from '../publish/notifier-config';
import { startSchedule } from '../schedule/scheduler';
import { createApp, createFastPath } from '../serve/app';
import { BodyCache } from '../serve/body-cache';
import { Metrics } from '../serve/metrics';
import type { Service } from '../serve/service-api';
import { followOutput } from './follow-output';
import { healthReport, roleOf } from './health';
import { closeServer, listen } from './listen';
import { deliveryPollMs, startDeliveryWorker } from './delivery-worker';
import { countDeliveries, PublishRunner } from './publish-runner';
import { scheduledImports } from '../import/scheduled';
import { ClickCounter } from '../serve/clicks';
import { applyRedirect } from '../serve/apply-redirect';
import { ServedOutput } from './served-output';
import { UntoldCount } from './untold-count';
import { watchPostings } from './watch-postings';

export interface ServiceOptions {
  project: Project;
  port: number;
  host?: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Run the cron schedule (with a run at start-up). */
  schedule?: boolean;
  /** Rebuild (no notifications) within moments of a posting file changing. */
  watch?: boolean;
  /** How often the output link is checked for builds by other processes (ms; default 250). */
  outputPollMs?: number;
  /** The admin router factory (issue #8); given the service so it can publish and read the ledger. */
  admin?: (service: Service) => express.Router | undefined;
  now?: () => Date;
  notifiers?: readonly Notifier[];
  sleep?: Sleep;
}

export type { Service };

/** `/` sends visitors to the job listing, when a channel renders one. */
function homeOf(project: Project): { home?: string } {
  const pages = pageUrlsOf(project.adapters);
  return pages ? { home: `/${pages.listing}` } : {};
}

/** The parts every request, run and count share: one ledger, one view of the output. */
async function openParts(opts: ServiceOptions, now: () => Date) {
  const { project, log, env, notifiers, sleep } = opts;
  const ledger = await Ledger.open(project.statePath);
  const metrics = new Metrics();
  const cache = new BodyCache();
  const output = await ServedOutput.open(project.outDir, cache);
  metrics.onScrape(async () => {
    metrics.leader.set(roleOf(await ledger.lease.current()) === 'leader' ? 1 : 0);
    metrics.ledgerRun.set((await ledger.identity()).seq);
  });
  const untold = new UntoldCount({ project, ledger, snapshot: () => output.snapshot, now, log, notifiers });
  output.onChange = () => {
    void ledger
      .lifecycleCounts()
      .then((counts) =>
        Metrics.replace(
          metrics.postings,
          counts.map((r) => ({ labels: { state: r.lifecycle }, value: r.n })),
        ),
      )
      .catch((err: Error) => log.warn({ event: 'serve.metrics_failed' }, err.message));
    void untold.recount();
  };
  const abort = new AbortController();
  const runner = new PublishRunner({
    project,
    ledger,
    metrics,
    log,
    now,
    signal: abort.signal,
    env,
    notifiers,
    sleep,
    afterRun: () => output.reload(),
    beforeScheduled: () => scheduledImports(project, ledger, now(), log),
  });
  const clicks = new ClickCounter((rows) => ledger.addClicks(rows));
  const flushing = setInterval(() => void clicks.flush().catch((err: Error) => log.warn({ event: 'serve.clicks_failed' }, err.message)), CLICK_FLUSH_MS);
  flushing.unref();
  return { ledger, metrics, cache, output, untold, abort, runner, clicks, flushing };
}

/** How often counted apply clicks are added to the ledger (in batches, so a redirect never waits on it). */
const CLICK_FLUSH_MS = 5_000;

type Parts = Awaited<ReturnType<typeof openParts>>;

/** Requests: the fast path for plain output files, express for the rest (conditional GET, admin, health). */
function requestHandler(opts: ServiceOptions, parts: Parts, service: Service, nextRun: () => Date | null | undefined): RequestListener {
  const { project, log } = opts;
  const { ledger, metrics, cache, output, untold, runner } = parts;
  const admin = opts.admin?.(service);
  const redirect = redirectOf(project, parts);
  const app = createApp({
    snapshot: () => output.snapshot,
    refresh: () => output.refresh(),
    log,
    metrics,
    cache,
    health: () => healthReport({ snapshot: output.snapshot, ledger, untold, lastRun: runner.lastRun, nextRun: nextRun() }),
    trustProxy: project.config.trustProxy,
    rootFiles: rootFilesOf(project.notifiers, project.config),
    ...homeOf(project),
    ...(admin ? { admin } : {}),
    ...(redirect ? { applyRedirect: redirect.route } : {}),
  });
  const fast = createFastPath({ snapshot: () => output.snapshot }, cache);
  return (req, res) => {
    if (!(redirect?.fast(req, res) || fast(req, res))) void app(req, res);
  };
}

/** The apply redirect, when a channel declares the job pages it sends closed roles to. */
function redirectOf(project: ServiceOptions['project'], parts: Parts): ReturnType<typeof applyRedirect> | undefined {
  const pages = pageUrlsOf(project.adapters);
  if (!pages) return undefined;
  const channels = project.adapters.map((a) => a.name);
  const known = Object.assign({}, ...project.adapters.map((a) => a.clickSources ?? {})) as Record<string, string>;
  return applyRedirect({
    snapshot: () => parts.output.snapshot,
    site: project.config,
    channels,
    known,
    pages,
    counter: parts.clicks,
    metrics: parts.metrics,
  });
}

/** What runs beside the server: the schedule, the output link followed, the watcher. */
async function startBackground(opts: ServiceOptions, parts: Parts, now: () => Date) {
  const { project, log } = opts;
  const { output, runner, ledger } = parts;
  const schedule = opts.schedule
    ? startSchedule(project.config.schedule.cron, project.config.schedule.timezone, (reason) => runner.run(reason).then(ignore, ignore), log)
    : undefined;
  // Builds by any process: follow the output link.
  const following = followOutput(layoutFor(project.outDir).outDir, opts.outputPollMs ?? 250, () =>
    output.reload().then(ignore, (err: Error) => log.warn({ event: 'serve.reload_failed' }, err.message)),
  );
  await following.started;
  const watching = opts.watch ? watchPostings(project, ledger, log, now, () => output.reload(), opts.env) : undefined;
  const delivering = deliveryWorkerOf(opts, parts, now);
  const stop = async () => {
    schedule?.stop();
    watching?.stop();
    following.stop();
    await delivering?.stop();
  };
  return { schedule, stop };
}

const ignore = (): undefined => undefined;

/** On a ledger instances share, this one delivers between runs too (src/daemon/delivery-worker.ts). */
function deliveryWorkerOf(opts: ServiceOptions, parts: Parts, now: () => Date) {
  const env = opts.env ?? process.env;
  const { ledger, runner, metrics } = parts;
  if (!opts.schedule || ledger.engine !== 'postgres' || !deliveryPollMs(env)) return undefined;
  return startDeliveryWorker({
    project: opts.project,
    ledger,
    log: opts.log,
    env,
    now,
    busy: () => runner.busy,
    onRound: (summary) => void countDeliveries(metrics, ledger, summary).catch(ignore),
    notifiers: opts.notifiers,
    sleep: opts.sleep,
  });
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const { project, log } = opts;
  const now = opts.now ?? (() => new Date());
  const parts = await openParts(opts, now);
  const { ledger, metrics, output, abort, runner } = parts;
  let background: Awaited<ReturnType<typeof startBackground>> | undefined = undefined;
  const service: Service = {
    url: '',
    listening: '',
    project,
    ledger,
    metrics,
    snapshot: () => output.snapshot,
    publishNow: (reason = 'manual', o = {}) => runner.run(reason, o.dryRun),
    reload: async () => void (await output.reload()),
    ready: Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const handler = requestHandler(opts, parts, service, () => background?.schedule?.nextRun());
  const { server, listening, url } = await listen(handler, opts.port, opts.host ?? '0.0.0.0').catch(async (err: unknown) => {
    await ledger.close();
    throw err;
  });
  background = await startBackground(opts, parts, now);
  Object.assign(service, { listening, url, ready: background.schedule?.started ?? service.ready });
  service.close = async () => {
    abort.abort();
    await background?.stop();
    await runner.idle();
    await closeServer(server);
    clearInterval(parts.flushing);
    await parts.clicks.flush().catch((err: Error) => log.warn({ event: 'serve.clicks_failed' }, err.message));
    await ledger.close();
  };
  log.info({ event: 'serve.listening', listening, url, schedule: opts.schedule ? project.config.schedule.cron : null, watch: Boolean(opts.watch) });
  return service;
}
