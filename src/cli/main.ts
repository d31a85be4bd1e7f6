/**
 * `jobcast` command line. User mistakes print as diagnostics and exit 1 (postings) or 2 (usage,
 * config); an internal bug prints one line and a hint to rerun with --debug for the stack trace.
 */
import { parseArgs } from 'node:util';
import { adapters as defaultAdapters, importers as defaultImporters, notifiers as defaultNotifiers } from './registries';
import type { Importer } from '../import/importer';
import type { Adapter } from '../adapter';
import type { Notifier } from '../publish/notifier';
import { CODES, isJobcastError } from '../errors';
import { environmentCode, reasonOf } from '../util/environment';
import { report, type OutputFormat, type ReportOptions, type Writer } from './report';
import { commands, type CommandContext } from './commands';

/** The module the default plugins come from (Project.plugins). */
const REGISTRIES = require.resolve('./registries');

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  env: NodeJS.ProcessEnv;
  adapters?: readonly Adapter[];
  notifiers?: readonly Notifier[];
  importers?: readonly Importer[];
  /** Lets tests and `serve` receive a long-running handle instead of waiting for exit. */
  onServe?: (handle: unknown) => void;
}

const USAGE = `Usage: jobcast <command> [options]

Commands:
  validate                       check every posting; exit 0 valid (warnings allowed), 1 errors
  build    [--out DIR]           render every channel into DIR atomically
  serve    [--port N] [--watch]  HTTP server + the republish schedule
  publish  [--dry-run]           one republish run now; --dry-run prints what would be sent
           [--resend-all]        tell every receiver everything again (after the state was lost)
  preview  <id> [--channel NAME] print one channel's output for one posting
  schema                         print the JSON Schema of a posting file
  deploy                         copy the served output to the config's deploy: bucket
                                 (changed objects only; resumes where it stopped)
  state    [show|adopt]          the ledger against the output; adopt: rebuild a lost ledger
                                 from the output being served, as already told (sends nothing)
  state migrate --to TARGET      copy the ledger into an empty PostgreSQL database
                                 (postgres://…) or SQLite file, identity and all
  stats    [--since DATE]        apply clicks per role and channel (--format json or csv)
  import   <source> [--dry-run]  write and update postings from an ATS board (import.<source>
                                 in the config); --dry-run prints the plan, writes nothing

Options:
  --config FILE     site config (default jobcast.config.yaml)
  --postings DIR    posting files (default: the config's postings, postings/)
  --out DIR         output folder (default: the config's output, dist/)
  --format FORMAT   human (default) or json
  --now ISO         evaluate lifecycle at this instant instead of the clock
  --debug           print stack traces of internal errors
  -h, --help        this help
`;

const OPTIONS = {
  config: { type: 'string' },
  postings: { type: 'string' },
  out: { type: 'string' },
  state: { type: 'string' },
  to: { type: 'string' },
  since: { type: 'string' },
  format: { type: 'string' },
  now: { type: 'string' },
  port: { type: 'string' },
  channel: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'resend-all': { type: 'boolean' },
  watch: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The arguments read against OPTIONS; throws on an option it does not know or a missing value. */
function parseCommandLine(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}
type CommandLine = ReturnType<typeof parseCommandLine>;

export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.stderr.write(`jobcast: ${(err as Error).message} [${CODES.USAGE}]\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || !name) {
    (values.help ? io.stdout : io.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`jobcast: unknown command "${name}" [${CODES.USAGE}]\n\n${USAGE}`);
    return 2;
  }
  // CSV is a table: only `stats` prints one.
  const csv = values.format === 'csv' && name === 'stats';
  const ctx = commandContext(csv ? { ...values, format: 'human' } : values, rest, io);
  if (typeof ctx === 'object' && csv) ctx.values.csv = true;
  if (typeof ctx === 'number') return ctx;
  try {
    return await command(ctx);
  } catch (err) {
    return failureExitCode(err, ctx, { debug: Boolean(values.debug) });
  }
}

/** What a command is given, or the exit code when --format or --now cannot be used. */
function commandContext(values: CommandLine['values'], positionals: string[], io: CliIo): CommandContext | number {
  const format = (values.format ?? 'human') as OutputFormat;
  if (format !== 'human' && format !== 'json') {
    io.stderr.write(`jobcast: --format must be human or json [${CODES.USAGE}]\n`);
    return 2;
  }
  let now: Date | undefined;
  if (values.now) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime())) {
      io.stderr.write(`jobcast: --now must be an ISO 8601 instant, e.g. 2026-12-01T09:00:00Z [${CODES.USAGE}]\n`);
      return 2;
    }
  }
  const reportOptions: ReportOptions = {
    format,
    github: io.env.GITHUB_ACTIONS === 'true',
    color: format === 'human' && !io.env.NO_COLOR && Boolean((io.stdout as { isTTY?: boolean }).isTTY),
  };
  return {
    io,
    values,
    positionals,
    reportOptions,
    adapters: io.adapters ?? defaultAdapters,
    notifiers: io.notifiers ?? defaultNotifiers,
    importers: io.importers ?? defaultImporters,
    // Worker threads load the registries themselves; plugins a caller passed in cannot cross to them.
    ...(io.adapters || io.notifiers ? {} : { plugins: REGISTRIES }),
    ...(now ? { now } : {}),
  };
}

/** Tell why a command failed and return its exit code. */
function failureExitCode(err: unknown, { io, reportOptions }: CommandContext, { debug }: { debug: boolean }): number {
  if (isJobcastError(err)) {
    if (err.details.length) report(io.stdout, io.stderr, err.details, reportOptions, { error: { code: err.code, message: err.message } });
    io.stderr.write(`jobcast: ${err.message} [${err.code}]\n`);
    return err.exitCode;
  }
  const env = environmentCode(err);
  if (env && !debug) {
    // The machine refused something: say what and where, not "a bug in jobcast".
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    const where = e.path ?? (e.address ? `${e.address}${e.port !== undefined ? `:${e.port}` : ''}` : '');
    io.stderr.write(`jobcast: ${e.syscall ? `${e.syscall} ` : ''}${where ? `${where}: ` : ''}${reasonOf(env)} (${env}) [${CODES.ENVIRONMENT}]\n`);
    return 1;
  }
  if (debug) io.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  else io.stderr.write(`jobcast: internal error: ${(err as Error)?.message ?? String(err)} (this is a bug in jobcast; rerun with --debug for details)\n`);
  return 1;
}
