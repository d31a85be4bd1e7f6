/** One function per CLI command; each returns its exit code. */
import type { Adapter, PostingEntry } from '../adapter';
import type { Notifier } from '../publish/notifier';
import type { Importer } from '../import/importer';
import { importExitCode, importTarget, importUnderLease, printImport, usageError } from './import-command';
import { statsCsv, statsTable } from './stats';
import { Ledger } from '../ledger/ledger';
import { createLogger } from '../log';
import { describePlan, describeWithdrawn } from '../publish/describe';
import { publish as publishRun } from '../publish/run';
import { adminRouter } from '../admin/router';
import { startService } from '../daemon/service';
import { buildProject } from '../pipeline/build';
import { validateProject } from '../pipeline/validate';
import { displayPath } from '../load/display-path';
import { postingFileSchema } from '../docs/posting-schema';
import { openProject, siteLinks, type Project } from '../project';
import { formatHuman, report, type ReportOptions, type Writer } from './report';
import { renderAll } from '../adapter';
import { renderContext } from '../pipeline/context';
import { collectBody } from '../artifact-body';
import type { CliIo } from './main';
import { progressLine } from './progress-line';
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';
import { describeHolder } from '../ledger/lease';
import type { BrokenFile } from '../pipeline/validate';
import { state } from './state';
import { deployOutput, type DeployResult } from '../deploy/deploy';

export interface CommandContext {
  io: CliIo;
  values: {
    config?: string;
    postings?: string;
    out?: string;
    state?: string;
    /** `state migrate --to`: where the ledger goes. */
    to?: string;
    port?: string;
    channel?: string;
    'dry-run'?: boolean;
    /** `stats --since`: the first day counted. */
    since?: string;
    /** `stats --format csv`. */
    csv?: boolean;
    'resend-all'?: boolean;
    watch?: boolean;
  };
  positionals: string[];
  reportOptions: ReportOptions;
  adapters: readonly Adapter[];
  notifiers: readonly Notifier[];
  importers?: readonly Importer[];
  /** The module `adapters` and `notifiers` come from (Project.plugins). */
  plugins?: string;
  now?: Date;
}

export type Command = (ctx: CommandContext) => Promise<number>;

function open(ctx: CommandContext): Promise<Project> {
  const v = ctx.values;
  return openProject({
    adapters: ctx.adapters,
    notifiers: ctx.notifiers,
    ...(ctx.importers ? { importers: ctx.importers } : {}),
    ...(ctx.plugins ? { plugins: ctx.plugins } : {}),
    ...(v.config ? { config: v.config } : {}),
    ...(v.postings ? { postings: v.postings } : {}),
    ...(v.out ? { out: v.out } : {}),
    ...(v.state ? { state: v.state } : {}),
  });
}

const validate: Command = async (ctx) => {
  const project = await open(ctx);
  const now = ctx.now ?? new Date();
  const v = await validateProject(project, { now, checkAllStates: true });
  const channels = Object.fromEntries(v.channels.map((c) => [c.adapter.name, { postings: c.entries.map((e) => e.id), dropped: c.dropped }]));
  report(
    ctx.io.stdout,
    ctx.io.stderr,
    v.diagnostics,
    ctx.reportOptions,
    { postings: v.entries.map((e) => ({ id: e.id, file: e.file, state: e.state })), channels },
    v.entries.length,
  );
  return v.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
};

/** One line on broken source files: what happened to their roles. */
function brokenLine(broken: readonly BrokenFile[]): string {
  const kept = broken.filter((b) => b.kept).length;
  const parts = [
    kept ? `${kept} keep${kept === 1 ? 's its' : ' their'} last good version` : '',
    broken.length - kept ? `${broken.length - kept} never valid, not published` : '',
  ].filter(Boolean);
  return `✖ ${broken.length} source file${broken.length === 1 ? ' has' : 's have'} errors (${parts.join('; ')}); every other role was built\n`;
}

const waitNote = (ctx: CommandContext) => (holder: Parameters<typeof describeHolder>[0]) =>
  ctx.io.stderr.write(`jobcast: waiting for the writer lease: ${describeHolder(holder)}\n`);

const build: Command = async (ctx) => {
  const project = await open(ctx);
  const progress = progressLine(ctx.io.stderr);
  let result: Awaited<ReturnType<typeof buildProject>>;
  try {
    result = await buildProject(project, {
      ...(ctx.now ? { now: ctx.now } : {}),
      onWait: waitNote(ctx),
      ...(progress ? { onProgress: progress.listener } : {}),
    });
  } finally {
    progress?.end();
  }
  const files = Object.keys(result.manifest.artifacts).length;
  const where = displayPath(result.outDir);
  const valid = result.validation.entries.filter((e) => !e.kept).length;
  if (ctx.reportOptions.format === 'json') {
    report(ctx.io.stdout, ctx.io.stderr, result.diagnostics, ctx.reportOptions, {
      out: result.outDir,
      files,
      postings: result.validation.entries.map((e) => ({ id: e.id, state: e.state, ...(e.kept ? { kept: true } : {}) })),
      broken: result.broken.map((b) => ({ file: b.file, id: b.id, kept: b.kept })),
    });
  } else {
    report(ctx.io.stdout, ctx.io.stderr, result.diagnostics, ctx.reportOptions, {}, valid);
    ctx.io.stdout.write(`built ${files} files into ${where}/\n`);
    if (result.broken.length) ctx.io.stdout.write(brokenLine(result.broken));
  }
  await deployAfterCommand(ctx, project);
  return result.broken.length ? 1 : 0;
};

const schema: Command = (ctx) => {
  ctx.io.stdout.write(JSON.stringify(postingFileSchema(ctx.adapters), null, 2) + '\n');
  return Promise.resolve(0);
};

const publish: Command = async (ctx) => {
  const project = await open(ctx);
  const ledger = await Ledger.open(project.statePath);
  try {
    const dryRun = Boolean(ctx.values['dry-run']);
    const json = ctx.reportOptions.format === 'json';
    // The summary below says what went wrong, in words; JSON log lines only when asked for.
    const log = createLogger(ctx.io.env.LOG_LEVEL ?? 'silent');
    const progress = progressLine(ctx.io.stderr);
    const result = await publishRun(project, ledger, {
      ...(ctx.now ? { now: ctx.now } : {}),
      dryRun,
      resendAll: Boolean(ctx.values['resend-all']),
      log,
      env: ctx.io.env,
      ...(progress ? { onProgress: progress.listener } : {}),
    }).finally(() => progress?.end());
    const summary = {
      ok: result.ok,
      dryRun,
      error: result.error,
      planned: result.planned,
      outstanding: result.outstanding.map((r) => ({ key: r.key, notifier: r.notifier, receiver: r.receiver, status: r.status, attempts: r.attempts })),
      ...(dryRun ? { withdrawn: result.withdrawn.map((r) => ({ key: r.key, notifier: r.notifier, receiver: r.receiver })), waitsFor: result.waitsFor } : {}),
      delivery: result.delivery,
      broken: result.broken.map((b) => ({ file: b.file, id: b.id, kept: b.kept })),
    };
    const valid = result.build?.validation.entries.filter((e) => !e.kept).length;
    // Refused before building (the state does not match): no postings were read, so no tally of them.
    if (json || result.build || result.diagnostics.length)
      report(ctx.io.stdout, ctx.io.stderr, result.diagnostics, ctx.reportOptions, json ? summary : {}, valid);
    if (!json) writePublishSummary(ctx, result, project.notifiers);
    if (result.ok && result.build && !dryRun) await deployAfterCommand(ctx, project);
    // Anything not delivered — failed, or waiting for a retry — is worth a non-zero exit to cron and CI.
    return result.ok && result.delivery.failed === 0 && result.delivery.retrying === 0 && !result.broken.length ? 0 : 1;
  } finally {
    await ledger.close();
  }
};

function writePublishSummary(ctx: CommandContext, result: Awaited<ReturnType<typeof publishRun>>, notifiers: readonly Notifier[]): void {
  const out = ctx.io.stdout;
  if (result.error) out.write(`✖ ${result.error.message} [${result.error.code}]\n`);
  if (result.broken.length) out.write(brokenLine(result.broken));
  // Refused before anything was built or sent: the error line says it all.
  if (result.error?.code === CODES.STATE_MISMATCH) return;
  const lines = describePlan(result, notifiers);
  if (result.dryRun) {
    const withdrawn = describeWithdrawn(result, notifiers);
    out.write(
      lines.length
        ? `would send ${lines.length} notification${lines.length === 1 ? '' : 's'}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`
        : `nothing to send: every receiver already knows what this output says\n`,
    );
    if (withdrawn.length) out.write(`would withdraw ${withdrawn.length} not yet sent:\n${withdrawn.map((l) => `  ${l}`).join('\n')}\n`);
    return;
  }
  const d = result.delivery;
  if (result.build) out.write(`published ${Object.keys(result.build.manifest.artifacts).length} files into ${displayPath(result.build.outDir)}/\n`);
  // Built, but its plan could not be recorded (a full disk): nothing of it is queued.
  if (result.build && result.error) return void out.write('notifications: none recorded or sent by this run; the next run plans them again\n');
  out.write(
    `notifications: ${result.planned.length} queued, ${d.sent} sent, ${d.retrying} to retry, ${d.deferred} deferred, ${d.waiting} waiting for configuration, ${d.failed} failed\n`,
  );
  if (d.retrying)
    out.write(
      `  ${d.retrying} notification${d.retrying === 1 ? '' : 's'} could not be delivered now and will be retried by the next publish (the schedule, or jobcast publish)\n`,
    );
  if (d.interrupted) out.write(`  ${d.interrupted} interrupted by an earlier run's crash were re-sent with the same key\n`);
  for (const [receiver, why] of Object.entries(d.waitingFor)) out.write(`  ${receiver} waits for configuration: ${why}\n`);
  for (const p of d.problems)
    out.write(`  ${p.receiver}${p.subject ? ` ${p.subject}` : ''}: ${p.outcome === 'failed' ? 'failed' : 'will retry'}: ${p.error}\n`);
}

const serve: Command = async (ctx) => {
  const project = await open(ctx);
  const portText = ctx.values.port ?? ctx.io.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    ctx.io.stderr.write(`jobcast: --port must be a port number, got "${portText}" [${CODES.USAGE}]\n`);
    return 2;
  }
  const log = createLogger(ctx.io.env.LOG_LEVEL ?? 'info');
  const service = await startService({
    project,
    port,
    log,
    env: ctx.io.env,
    ...(ctx.io.env.HOST ? { host: ctx.io.env.HOST } : {}),
    schedule: project.config.schedule.enabled,
    watch: Boolean(ctx.values.watch),
    admin: (svc) => adminRouter(svc, ctx.io.env, log),
  });
  const where = service.listening === service.url ? service.url : `${service.listening} (all interfaces; from this machine ${service.url})`;
  ctx.io.stderr.write(
    `jobcast: serving ${displayPath(project.outDir)} on ${where}${project.config.schedule.enabled ? ` — republishing on "${project.config.schedule.cron}" (${project.config.schedule.timezone})` : ''}\n`,
  );
  if (ctx.io.onServe) {
    ctx.io.onServe(service);
    return 0;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ event: 'serve.stopping', signal });
      service.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
};

const preview: Command = async (ctx) => {
  const [id, ...extra] = ctx.positionals;
  if (!id || extra.length) {
    ctx.io.stderr.write(`jobcast: usage: jobcast preview <id> [--channel NAME] [${CODES.USAGE}]\n`);
    return 2;
  }
  const project = await open(ctx);
  const wanted = ctx.values.channel;
  if (wanted && !project.adapters.some((a) => a.name === wanted)) {
    ctx.io.stderr.write(`jobcast: unknown channel "${wanted}"; channels are: ${project.adapters.map((a) => a.name).join(', ')} [${CODES.USAGE}]\n`);
    return 2;
  }
  const now = ctx.now ?? new Date();
  const v = await validateProject(project, { now, checkAllStates: true });
  const entry = v.entries.find((e) => e.id === id);
  const own = v.diagnostics.filter((d) => d.posting === id || d.file?.endsWith(`/${id}.yaml`) || d.file === `${id}.yaml`);
  if (!entry) {
    if (own.length) report(ctx.io.stdout, ctx.io.stderr, own, ctx.reportOptions);
    ctx.io.stderr.write(
      `jobcast: no valid posting "${id}" in ${displayPath(project.postingsDir)}${v.entries.length ? ` (postings: ${v.entries.map((e) => e.id).join(', ')})` : ''} [${CODES.USAGE}]\n`,
    );
    return own.length ? 1 : 2;
  }
  for (const { adapter } of v.channels) {
    if (!wanted || adapter.name === wanted) await previewChannel(ctx.io.stdout, adapter, { entry, own, project, now });
  }
  if (entry.state !== 'open') ctx.io.stderr.write(`jobcast: note: ${id} is ${entry.state}; shown as it will look when open\n`);
  return 0;
};

/** One channel's part of a preview: why it leaves the role out, or the role's files in it. */
async function previewChannel(
  out: Writer,
  adapter: Adapter,
  { entry, own, project, now }: { entry: PostingEntry; own: readonly Diagnostic[]; project: Project; now: Date },
): Promise<void> {
  const why = own.filter((d) => d.channel === adapter.name && d.severity === 'error');
  if (entry.posting.channels?.exclude?.includes(adapter.name)) {
    out.write(`==> ${adapter.name}: not published here (channels.exclude) <==\n\n`);
    return;
  }
  if (why.length) {
    out.write(`==> ${adapter.name}: dropped by this channel's rules <==\n${why.map((d) => formatHuman(d)).join('\n')}\n\n`);
    return;
  }
  // Preview the role as it will look once open, whatever its state today.
  const shown = entry.state === 'open' ? entry : { ...entry, state: 'open' as const };
  const { artifacts } = renderAll(adapter, [shown], renderContext(adapter, project.config, now, siteLinks(project)));
  for (const a of artifacts) {
    if (a.posting && a.posting !== entry.id) continue;
    out.write(`==> ${adapter.name}: /${a.path} (${a.contentType}) <==\n`);
    const body = await collectBody(a.body);
    out.write(body.endsWith('\n') ? body : `${body}\n`);
    out.write('\n');
  }
}

/** `jobcast deploy`: the served output to the configured bucket; a progress line on a terminal. */
const deploy: Command = async (ctx) => {
  const project = await open(ctx);
  const tty = (ctx.io.stderr as { isTTY?: boolean }).isTTY === true;
  let last = 0;
  const result = await deployOutput(project, {
    env: ctx.io.env,
    ...(tty
      ? {
          onProgress: (what: string, done: number, total: number) => {
            if (Date.now() - last < 100 && done < total) return;
            last = Date.now();
            ctx.io.stderr.write(`\r\x1b[K${what} ${done} of ${total}`);
          },
        }
      : {}),
  });
  if (tty) ctx.io.stderr.write('\r\x1b[K');
  if (ctx.reportOptions.format === 'json') ctx.io.stdout.write(JSON.stringify(result) + '\n');
  else ctx.io.stdout.write(deployedLine(result));
  return 0;
};

function deployedLine(result: DeployResult): string {
  const mib = (result.bytes / 1024 / 1024).toFixed(1);
  return (
    `deployed generation ${result.generation}: ${result.uploaded} object(s) uploaded (${mib} MiB), ${result.removed} removed, ${result.unchanged} unchanged` +
    `${result.foreign ? `; ${result.foreign} object(s) jobcast did not put there were left as they are` : ''}\n`
  );
}

/** `deploy.afterBuild` after a CLI build or publish that swapped output in; a failing deploy fails the command (cron and CI see it). */
async function deployAfterCommand(ctx: CommandContext, project: Project): Promise<void> {
  if (!project.config.deploy?.afterBuild) return;
  const result = await deployOutput(project, { env: ctx.io.env });
  (ctx.reportOptions.format === 'json' ? ctx.io.stderr : ctx.io.stdout).write(deployedLine(result));
}

const importCommand: Command = async (ctx) => {
  const project = await open(ctx);
  const target = importTarget(project, ctx.positionals[0]);
  if ('error' in target) throw usageError(target.error);
  const run = await importUnderLease(project, ctx.positionals[0]!, target.config, {
    dryRun: Boolean(ctx.values['dry-run']),
    now: ctx.now ?? new Date(),
    progress: ctx.io.stderr,
  });
  if (ctx.reportOptions.format === 'json') {
    const plan = run.plan && { ...run.plan, changes: run.plan.changes.map(({ text: _, ...c }) => ({ ...c, file: displayPath(c.file) })) };
    ctx.io.stdout.write(JSON.stringify({ ...run, plan }, null, 2) + '\n');
  } else printImport(run, ctx.io.stdout, ctx.io.stderr);
  return importExitCode(run);
};

const stats: Command = async (ctx) => {
  const since = ctx.values.since;
  if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw usageError('--since must be a day, e.g. 2026-11-01');
  const project = await open(ctx);
  const ledger = await Ledger.open(project.statePath);
  try {
    const rows = await ledger.clicks(since);
    ctx.io.stdout.write(
      ctx.values.csv
        ? statsCsv(rows)
        : ctx.reportOptions.format === 'json'
          ? JSON.stringify({ since: since ?? null, clicks: rows }, null, 2) + '\n'
          : statsTable(rows),
    );
  } finally {
    await ledger.close();
  }
  return 0;
};

export const commands: Record<string, Command> = { validate, build, schema, publish, serve, preview, deploy, state: state(open), import: importCommand, stats };
