/**
 * `jobcast serve`, the daemon's composition root: the HTTP server (src/serve), the republish
 * schedule (schedule → publish) and (optionally) a file watcher (watch → build), sharing
 * one ledger and one view of the current output. The output is whatever the output link points at,
 * whoever built it: the link is watched (and checked every 250 ms), so a build by the CLI or another
 * process is served within a second. Every build and publish takes the writer lease
 * (docs/publication.md). Stops cleanly on SIGTERM/SIGINT: the schedule stops, a running publish
 * halts at its next safe point, the server drains, the ledger closes.
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import type express from 'express';
import { layoutFor } from '../pipeline/output-store';
import { followOutput } from './follow-output';
import { watchPostings, WRITER_WAIT_MS } from './watch-postings';
import { CODES, isJobcastError } from '../errors';
import { FAILURES } from '../failures';
import { describeHolder } from '../ledger/lease';
import { servedEntries } from '../publish/adopt';
import { untold } from '../publish/status';
import { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import { pageUrlsOf, type Project } from '../project';
import type { Notifier } from '../publish/notifier';
import { rootFilesOf } from '../publish/notifier-config';
import { publish, type PublishResult } from '../publish/run';
import { startSchedule, type Schedule } from '../schedule/scheduler';
import { createApp, createFastPath, type HealthReport } from '../serve/app';
import { BodyCache } from '../serve/body-cache';
import { Metrics } from '../serve/metrics';
import { loadSnapshot, type Snapshot } from '../serve/snapshot';
import type { Sleep } from '../publish/http';
import type { Service } from '../serve/service-api';

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

/** A port that cannot be had is the operator's to fix: name it, and the flag that changes it. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const code = err.code ?? '';
  if (code === 'EADDRINUSE') return FAILURES.portInUse(`${host}:${port}`);
  if (code === 'EACCES') return FAILURES.portNotAllowed(`${host}:${port}`);
  if (code === 'EADDRNOTAVAIL') return FAILURES.addressNotAvailable(`${host}:${port}`);
  return err;
}

/** `/` sends visitors to the job listing, when a channel renders one. */
function homeOf(project: Project): { home?: string } {
  const pages = pageUrlsOf(project.adapters);
  return pages ? { home: `/${pages.listing}` } : {};
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const { project, log } = opts;
  const now = opts.now ?? (() => new Date());
  const ledger = new Ledger(project.statePath);
  const metrics = new Metrics();
  const cache = new BodyCache();
  let snapshot = await loadSnapshot(project.outDir);
  let lastRun: { at: string; ok: boolean; error?: string; durationMs: number } | undefined;
  let running: Promise<PublishResult> | undefined;
  const abort = new AbortController();

  let reloads = 0;
  /** Re-read the output; returns what it read (the output as it was at that moment). */
  const reload = async (): Promise<Snapshot | undefined> => {
    const seq = ++reloads;
    const next = await loadSnapshot(project.outDir);
    // A reload started later read the link later: let it decide, or a slow read could put an older
    // (perhaps already pruned) generation back.
    if (!next || seq !== reloads) return next;
    snapshot = next;
    for (const [p, e] of next.files) {
      // Precompress large feeds before the first board asks for them.
      if (e.size > 256 * 1024 && e.status === 200) cache.warm(next.site, p, e.sha256, ['gzip', 'br']);
    }
    updatePostingGauges();
    void countUntold();
    return next;
  };

  /** What the served output says that receivers have not been told (the admin's comparison). */
  let pending: { generation: string; run: number; byEvent: Record<string, number> } | undefined;
  let counting = Promise.resolve();
  const countUntold = () => {
    counting = counting.then(async () => {
      const snap = snapshot;
      if (!snap) return;
      try {
        const byEvent: Record<string, number> = { publish: 0, update: 0, close: 0 };
        const run = ledger.identity().seq;
        const built = snap.manifest.ledger;
        // Built by the publish that recorded it: told by construction, nothing to count (and no
        // seconds of rules at 100k roles in the serving process after every scheduled run).
        if (!(built?.told && built.seq === run)) {
          const served = await servedEntries(project, snap.manifest, snap.generation);
          for (const t of untold(project, ledger, served, snap.manifest, now(), opts.notifiers)) byEvent[t.event]!++;
        }
        pending = { generation: snap.generation, run, byEvent };
      } catch (err) {
        log.warn({ event: 'serve.untold_failed' }, (err as Error).message);
      }
    });
    return counting;
  };

  const updatePostingGauges = () => {
    Metrics.replace(
      metrics.postings,
      ledger.lifecycleCounts().map((r) => ({ labels: { state: r.lifecycle }, value: r.n })),
    );
  };

  const runPublish = async (reason: string, dryRun = false): Promise<PublishResult> => {
    while (running) await running.catch(() => undefined);
    const started = Date.now();
    const work = publish(project, ledger, {
      now: now(),
      dryRun,
      signal: abort.signal,
      log,
      waitForLock: WRITER_WAIT_MS,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.notifiers ? { notifiers: opts.notifiers } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
    running = work;
    try {
      const result = await work;
      if (!dryRun) {
        const seconds = (Date.now() - started) / 1000;
        metrics.publishRuns.inc({ reason, result: result.ok ? 'ok' : 'failed' });
        metrics.publishDuration.observe(seconds);
        if (result.build) metrics.buildDuration.observe(result.buildMs / 1000);
        for (const [notifier, counts] of Object.entries(result.delivery.byNotifier)) {
          for (const [outcome, n] of Object.entries(counts)) {
            if (n) metrics.deliveries.inc({ notifier, result: outcome }, n);
          }
        }
        Metrics.replace(
          metrics.outboxItems,
          ledger.outboxCounts().map((row) => ({ labels: { notifier: row.notifier, status: row.status }, value: row.n })),
        );
        lastRun = { at: new Date().toISOString(), ok: result.ok, durationMs: Date.now() - started, ...(result.error ? { error: result.error.message } : {}) };
        await reload();
        log.info({ event: 'publish.done', reason, ok: result.ok, ...result.delivery, ms: Date.now() - started });
      }
      return result;
    } catch (err) {
      const busy = isJobcastError(err) && err.code === CODES.LEASE_HELD;
      metrics.publishRuns.inc({ reason, result: busy ? 'skipped' : 'error' });
      // Another writer (a CLI publish) is at it: not a failure of this service.
      if (!busy) lastRun = { at: new Date().toISOString(), ok: false, error: (err as Error).message, durationMs: Date.now() - started };
      (busy ? log.warn.bind(log) : log.error.bind(log))(
        { event: busy ? 'publish.skipped' : 'publish.error', reason, code: isJobcastError(err) ? err.code : undefined },
        (err as Error).message,
      );
      throw err;
    } finally {
      running = undefined;
    }
  };

  /** The count for the served output and the ledger as they are now; a stale one is redone (null meanwhile). */
  let recounting = false;
  const currentCount = (): Record<string, number> | null => {
    if (!snapshot) return null;
    if (pending && pending.generation === snapshot.generation && pending.run === ledger.identity().seq) return pending.byEvent;
    // Another process recorded a run after the swap this count was made for (a CLI publish commits after it swaps).
    if (!recounting) {
      recounting = true;
      void countUntold().finally(() => (recounting = false));
    }
    return null;
  };

  /** Every receiver has been told what the served output says (null until counted). */
  const toldAll = (): boolean | null => {
    const counts = currentCount();
    return counts ? Object.values(counts).every((n) => n === 0) : null;
  };

  const health = (): HealthReport => {
    const last = ledger.lastSuccessfulRun();
    const problems = snapshot?.manifest.problems ?? [];
    const holder = ledger.lease.current();
    return {
      status: !snapshot ? 'unavailable' : problems.length || (lastRun && !lastRun.ok) ? 'degraded' : 'ok',
      output: snapshot
        ? {
            builtFor: snapshot.manifest.builtFor,
            generation: path.basename(snapshot.generation),
            files: snapshot.files.size,
            told: toldAll(),
            run: snapshot.manifest.ledger?.seq ?? null,
          }
        : null,
      // Notifications the served output calls for that the ledger has not recorded (a --watch or CLI build).
      untold: currentCount(),
      brokenFiles: problems.map((p) => ({ file: p.file, line: p.line ?? null, col: p.col ?? null, code: p.code, message: p.message, servingLastGood: p.kept })),
      ledger: { id: ledger.identity().id, run: ledger.identity().seq },
      writer: holder ? describeHolder(holder) : null,
      outbox: Object.fromEntries(
        ledger
          .outboxCounts()
          .filter((r) => ['pending', 'sending', 'waiting', 'failed'].includes(r.status))
          .map((r) => [`${r.notifier}.${r.status}`, r.n]),
      ),
      lastSuccessfulPublish: last?.finished ?? null,
      lastRun: lastRun ?? null,
      nextRun: schedule?.nextRun()?.toISOString() ?? null,
    };
  };

  let schedule: Schedule | undefined;
  const service: Service = {
    url: '',
    listening: '',
    project,
    ledger,
    metrics,
    snapshot: () => snapshot,
    publishNow: (reason = 'manual', o = {}) => runPublish(reason, o.dryRun),
    reload: async () => void (await reload()),
    ready: Promise.resolve(),
    close: () => Promise.resolve(),
  };

  const admin = opts.admin?.(service);
  // Requests that find their generation gone from disk share one re-read of the output.
  let refreshing: Promise<Snapshot | undefined> | undefined;
  const refresh = () =>
    (refreshing ??= reload().finally(() => {
      refreshing = undefined;
    }));
  const app = createApp({
    snapshot: () => snapshot,
    refresh,
    log,
    health,
    metrics,
    cache,
    trustProxy: project.config.trustProxy,
    rootFiles: rootFilesOf(project.notifiers, project.config),
    ...homeOf(project),
    ...(admin ? { admin } : {}),
  });
  const fast = createFastPath({ snapshot: () => snapshot }, cache);
  const host = opts.host ?? '0.0.0.0';
  const server: Server = await new Promise<Server>((resolve, reject) => {
    const s = http.createServer((req, res) => {
      if (!fast(req, res)) app(req, res);
    });
    s.listen(opts.port, host, () => resolve(s));
    s.on('error', reject);
  }).catch((err: NodeJS.ErrnoException) => {
    ledger.close();
    throw listenError(err, host, opts.port);
  });
  server.keepAliveTimeout = 5000;
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  service.listening = `http://${shown}:${address.port}`;
  service.url = `http://${address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '[::1]' : shown}:${address.port}`;

  if (opts.schedule) {
    schedule = startSchedule(
      project.config.schedule.cron,
      project.config.schedule.timezone,
      async (reason) => {
        await runPublish(reason).catch(() => undefined);
      },
      log,
    );
    service.ready = schedule.started;
  }

  // Builds by any process: follow the output link.
  const following = followOutput(layoutFor(project.outDir).outDir, opts.outputPollMs ?? 250, () =>
    reload().then(
      () => undefined,
      (err: Error) => log.warn({ event: 'serve.reload_failed' }, err.message),
    ),
  );
  await following.started;

  const watching = opts.watch ? watchPostings(project, ledger, log, now, reload) : undefined;

  service.close = async () => {
    schedule?.stop();
    watching?.stop();
    following.stop();
    abort.abort();
    await running?.catch(() => undefined);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    ledger.close();
  };
  log.info({
    event: 'serve.listening',
    listening: service.listening,
    url: service.url,
    schedule: opts.schedule ? project.config.schedule.cron : null,
    watch: Boolean(opts.watch),
  });
  return service;
}
