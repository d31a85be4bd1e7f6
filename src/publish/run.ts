/**
 * A publish run: build → atomic swap → diff against the ledger → queue notifications in the same
 * transaction as the new state → deliver → record. Invalid sources keep the last good output serving
 * and are reported; queued notifications from earlier runs are still delivered, so nothing is lost.
 */
import { buildProject, type BuildResult } from '../build/build';
import { siteUrl } from '../build/context';
import type { Diagnostic } from '../diagnostics';
import { isJobcastError } from '../errors';
import type { Ledger, NewOutboxItem, OutboxRow } from '../ledger/ledger';
import { silentLogger, type Logger } from '../log';
import type { NotifyConfig } from '../model/config';
import type { Project } from '../project';
import type { PostingChangeInfo } from '../adapter';
import { renderContext } from '../build/context';
import type { KnownPostingRow } from '../ledger/ledger';
import type { Posting } from '../model/posting';
import { diffOutput, diffPostings, pagesOf, type ChangeSet, type PostingChange } from './changes';
import { createHttpClient, realSleep, type Sleep } from './http';
import { acquireLock } from './lock';
import type { DeliverContext, Notifier, PlanContext } from './notifier';
import { notifiers as defaultNotifiers } from './notifiers';

export interface PublishOptions {
  now?: Date;
  dryRun?: boolean;
  /** Stop delivering at the next safe point (between notifications). */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  sleep?: Sleep;
  log?: Logger;
  notifiers?: readonly Notifier[];
  /** How long to wait for another publisher's lock (ms). */
  waitForLock?: number;
  /** How many notifications are in flight at once. */
  concurrency?: number;
}

export interface DeliverySummary {
  sent: number;
  failed: number;
  retrying: number;
  deferred: number;
  remaining: number;
  /** The same counts per notifier (google-indexing, indexnow, websub, webhook, smtp). */
  byNotifier: Record<string, { sent: number; failed: number; retrying: number; deferred: number }>;
}

export interface PublishResult {
  ok: boolean;
  dryRun: boolean;
  /** Why the run could not build, when it could not. */
  error?: { code: string; message: string };
  diagnostics: Diagnostic[];
  build?: BuildResult;
  changes?: ChangeSet;
  /** Notifications queued by this run (for --dry-run: what would be queued). */
  planned: NewOutboxItem[];
  /** Notifications from earlier runs still waiting (delivered now unless dry-run). */
  outstanding: OutboxRow[];
  delivery: DeliverySummary;
  durationMs: number;
  /** Time spent building (render + write + swap). */
  buildMs: number;
}

/** Give up on an item after this many failed attempts across runs. */
const MAX_ATTEMPTS = 12;

/** Backoff between runs for an item that failed: 1 min, 2, 4 … capped at 6 h, plus jitter. */
function nextAttemptAt(now: Date, attempts: number, retryAfterMs?: number, random = Math.random): Date {
  const base = Math.min(6 * 3600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + Math.max(retryAfterMs ?? 0, base / 2 + random() * (base / 2)));
}

export function lockFileFor(project: Project): string {
  return `${project.statePath}.lock`;
}

export async function publish(project: Project, ledger: Ledger, opts: PublishOptions = {}): Promise<PublishResult> {
  const started = Date.now();
  const lock = await acquireLock(lockFileFor(project), opts.waitForLock ?? 0);
  try {
    return await publishLocked(project, ledger, opts, started);
  } finally {
    await lock.release();
  }
}

async function publishLocked(project: Project, ledger: Ledger, opts: PublishOptions, started: number): Promise<PublishResult> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? silentLogger();
  const dryRun = opts.dryRun ?? false;
  const notify = project.config.notify as NotifyConfig;
  const planCtx: PlanContext = { site: project.config, notify, now, url: (p) => siteUrl(project.config, p) };
  const active = (opts.notifiers ?? defaultNotifiers).filter((n) => n.enabled(planCtx));
  const runId = dryRun ? 0 : ledger.startRun(now);
  const result: PublishResult = {
    ok: true, dryRun, diagnostics: [], planned: [], outstanding: [],
    delivery: { sent: 0, failed: 0, retrying: 0, deferred: 0, remaining: 0, byNotifier: {} }, durationMs: 0, buildMs: 0,
  };

  const buildStarted = Date.now();
  try {
    result.build = await buildProject(project, { now, history: ledger.history(), dryRun });
    result.diagnostics = result.build.diagnostics;
  } catch (err) {
    if (!isJobcastError(err)) throw err;
    result.ok = false;
    result.error = { code: err.code, message: err.message };
    result.diagnostics = [...err.details];
    log.error({ event: 'publish.build_failed', code: err.code, errors: err.details.filter((d) => d.severity === 'error').length }, err.message);
  }
  result.buildMs = Date.now() - buildStarted;

  if (result.build) {
    const { manifest, validation } = result.build;
    const known = ledger.known();
    result.changes = {
      ...diffOutput(manifest, ledger.pages(), planCtx.url),
      postings: diffPostings(validation.entries, known),
    };
    result.planned = [...active.flatMap((n) => n.plan(result.changes!, planCtx)), ...announcements(result.build, result.changes.postings, known, project, now)];
    if (!dryRun) {
      const current = Object.fromEntries(validation.entries.map((e) => [e.id, { state: e.state, content: e.posting }]));
      ledger.transaction(() => {
        ledger.enqueue(result.planned, now);
        ledger.replacePages(pagesOf(manifest));
        ledger.saveHistory(validation.history, current);
        recordPublications(ledger, result.build!, now);
      });
      log.info({ event: 'publish.built', files: Object.keys(manifest.artifacts).length, planned: result.planned.length, pagesUpdated: result.changes.pagesUpdated.length, pagesGone: result.changes.pagesGone.length, feedsChanged: result.changes.feedsChanged.length, postingEvents: result.changes.postings.length });
    }
  }

  if (dryRun) {
    const plannedKeys = new Set(result.planned.map((p) => p.key));
    result.outstanding = ledger.due(now).filter((r) => !plannedKeys.has(r.key));
  } else {
    result.delivery = await deliverDue(ledger, active, project, now, opts, log);
    updatePublicationDeliveries(ledger);
    ledger.finishRun(runId, result.ok, { error: result.error, planned: result.planned.length, delivery: result.delivery }, new Date());
  }
  result.durationMs = Date.now() - started;
  return result;
}

/** Messages channels announce (e.g. email to lists), for the changes of postings each channel carries. */
function announcements(build: BuildResult, changes: readonly PostingChange[], known: Record<string, KnownPostingRow>, project: Project, now: Date): NewOutboxItem[] {
  const items: NewOutboxItem[] = [];
  for (const { adapter, entries } of build.validation.channels) {
    if (!adapter.announce) continue;
    const carried = new Set(entries.map((e) => e.id));
    const mine: PostingChangeInfo[] = changes
      .filter((c) => carried.has(c.id) || c.event === 'posting.closed')
      .map((c) => {
        const previous = known[c.id]?.content;
        return { id: c.id, event: c.event, from: c.from, to: c.to, ...(c.entry ? { entry: c.entry } : {}), ...(previous ? { previous: JSON.parse(previous) as Posting } : {}) };
      });
    if (!mine.length) continue;
    for (const a of adapter.announce(mine, renderContext(adapter, project.config, now))) {
      items.push({ key: a.key, notifier: a.transport, target: a.target, posting: a.posting, payload: { summary: a.summary, ...(a.payload as object) } });
    }
  }
  return items;
}

/** Per (posting, channel): live where rendered, failed where the channel's rules dropped it, closed where it left. */
function recordPublications(ledger: Ledger, build: BuildResult, now: Date): void {
  const existing = new Map(ledger.publications().map((p) => [`${p.posting}\u0000${p.channel}`, p]));
  const seen = new Set<string>();
  for (const { adapter, entries, dropped } of build.validation.channels) {
    for (const e of entries) {
      const k = `${e.id}\u0000${adapter.name}`;
      seen.add(k);
      const live = e.state === 'open';
      const before = existing.get(k);
      const changed = !before || before.hash !== e.hash || before.status !== (live ? 'live' : 'closed');
      ledger.upsertPublication({
        posting: e.id, channel: adapter.name, hash: e.hash, status: live ? 'live' : 'closed',
        first_published: live ? now.toISOString() : null, last_changed: changed ? now.toISOString() : before!.last_changed,
        attempts: before?.attempts ?? 0, last_error: null,
      });
    }
    for (const id of dropped) {
      const k = `${id}\u0000${adapter.name}`;
      seen.add(k);
      const d = build.diagnostics.find((x) => x.channel === adapter.name && x.posting === id && x.severity === 'error');
      ledger.upsertPublication({ posting: id, channel: adapter.name, hash: null, status: 'failed', first_published: null, last_changed: now.toISOString(), last_error: d ? `${d.code}: ${d.message}` : 'dropped by the channel rules' });
    }
  }
  for (const [k, p] of existing) {
    if (seen.has(k) || p.status === 'closed' || p.channel.includes(':')) continue;
    ledger.upsertPublication({ ...p, status: 'closed', last_changed: now.toISOString() });
  }
}

/** Notification-level rows (webhook:<name>, …) and page channels mirror the state of their deliveries. */
function updatePublicationDeliveries(ledger: Ledger): void {
  const rows = ledger.db
    .prepare(
      `SELECT posting, target AS channel, COUNT(*) AS n, SUM(attempts) AS attempts,
              SUM(status = 'pending') AS pending, SUM(status = 'failed') AS failed,
              (SELECT last_error FROM outbox o2 WHERE o2.posting = o.posting AND o2.target = o.target AND o2.last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS last_error
       FROM outbox o WHERE posting IS NOT NULL GROUP BY posting, target`,
    )
    .all() as { posting: string; channel: string; attempts: number; pending: number; failed: number; last_error: string | null }[];
  const current = new Map(ledger.publications().map((p) => [`${p.posting}\u0000${p.channel}`, p]));
  for (const r of rows) {
    const before = current.get(`${r.posting}\u0000${r.channel}`);
    if (before?.status === 'closed' && !r.pending && !r.failed) continue;
    if (before?.status === 'failed' && !before.hash) continue;
    const status = r.failed ? 'failed' : r.pending ? 'pending' : before?.status === 'closed' ? 'closed' : 'live';
    ledger.upsertPublication({
      posting: r.posting, channel: r.channel, hash: before?.hash ?? null, status,
      first_published: before?.first_published ?? null, last_changed: before?.last_changed ?? null,
      attempts: r.attempts, last_error: r.failed || r.pending ? r.last_error : null,
    });
  }
}

async function deliverDue(ledger: Ledger, active: readonly Notifier[], project: Project, now: Date, opts: PublishOptions, log: Logger): Promise<DeliverySummary> {
  const notify = project.config.notify as NotifyConfig;
  const byName = new Map(active.map((n) => [n.name, n]));
  const ctx: DeliverContext = {
    site: project.config, notify, now, ledger, log,
    http: createHttpClient(notify.http.timeoutMs),
    policy: { timeoutMs: notify.http.timeoutMs, retries: notify.http.retries, backoffMs: notify.http.backoffMs },
    sleep: opts.sleep ?? realSleep,
    env: opts.env ?? process.env,
    memo: new Map(),
  };
  const summary: DeliverySummary = { sent: 0, failed: 0, retrying: 0, deferred: 0, remaining: 0, byNotifier: {} };
  const count = (notifier: string, what: 'sent' | 'failed' | 'retrying' | 'deferred') => {
    summary[what]++;
    (summary.byNotifier[notifier] ??= { sent: 0, failed: 0, retrying: 0, deferred: 0 })[what]++;
  };
  const queue = ledger.due(now);
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      if (opts.signal?.aborted) return;
      const item = queue[next++]!;
      const notifier = byName.get(item.notifier);
      if (!notifier) {
        // Its notifier was switched off in the config: keep it queued until it is back.
        summary.remaining++;
        continue;
      }
      let outcome;
      try {
        outcome = await notifier.deliver(item, ctx);
      } catch (err) {
        outcome = { ok: false as const, retryable: true, error: `internal: ${(err as Error).message}` };
      }
      if ('deferred' in outcome) {
        ledger.defer(item.id, outcome.deferred);
        count(item.notifier, 'deferred');
        log.warn({ event: 'notify.deferred', notifier: item.notifier, key: item.key, until: outcome.deferred.toISOString() }, outcome.reason);
      } else if (outcome.ok) {
        ledger.markDone(item.id, outcome.response, new Date());
        count(item.notifier, 'sent');
        log.info({ event: 'notify.sent', notifier: item.notifier, target: item.target, posting: item.posting, key: item.key });
      } else {
        const attempts = item.attempts + 1;
        const giveUp = !outcome.retryable || attempts >= MAX_ATTEMPTS;
        ledger.markFailed(item.id, outcome.error, giveUp ? null : nextAttemptAt(now, attempts, outcome.retryAfterMs));
        count(item.notifier, giveUp ? 'failed' : 'retrying');
        log.error({ event: giveUp ? 'notify.failed' : 'notify.retry_later', notifier: item.notifier, target: item.target, posting: item.posting, key: item.key, attempts }, outcome.error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  summary.remaining += queue.length - next;
  return summary;
}

export function describePlan(result: PublishResult): string[] {
  const lines: string[] = [];
  for (const item of result.planned) lines.push(`${item.notifier} → ${describeTarget(item)}`);
  for (const row of result.outstanding) lines.push(`${row.notifier} → ${describeTarget({ ...row, payload: JSON.parse(row.payload) })} (queued earlier, attempt ${row.attempts + 1})`);
  return lines;
}

function describeTarget(item: { target: string; posting?: string | null; payload: unknown }): string {
  const p = item.payload as Record<string, unknown>;
  if (typeof p.type === 'string' && typeof p.url === 'string') return `${p.type} ${p.url}`;
  if (Array.isArray(p.urlList)) return `${p.host}: ${p.urlList.length} URL(s) ${(p.urlList as string[]).join(' ')}`;
  if (typeof p.hub === 'string') return `${p.hub} hub.url=${String(p.feed)}`;
  if (typeof p.event === 'string') return `${item.target} ${p.event} ${item.posting ?? ''}`.trim();
  if (typeof p.summary === 'string') return p.summary;
  return `${item.target}${item.posting ? ` ${item.posting}` : ''}`;
}
