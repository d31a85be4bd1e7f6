/** One function per CLI command; each returns its exit code. */
import type { Adapter } from '../adapter';
import { buildProject } from '../build/build';
import { validateProject } from '../build/validate';
import { displayPath } from '../load/display-path';
import { postingJsonSchema } from '../model/json-schema';
import { openProject, type Project } from '../project';
import { report, type ReportOptions } from './report';
import type { CliIo } from './main';

export interface CommandContext {
  io: CliIo;
  values: { config?: string; postings?: string; out?: string; state?: string; port?: string; channel?: string; 'dry-run'?: boolean; watch?: boolean };
  positionals: string[];
  reportOptions: ReportOptions;
  adapters: readonly Adapter[];
  now?: Date;
}

export type Command = (ctx: CommandContext) => Promise<number>;

export function open(ctx: CommandContext): Promise<Project> {
  const v = ctx.values;
  return openProject({
    adapters: ctx.adapters,
    ...(v.config ? { config: v.config } : {}),
    ...(v.postings ? { postings: v.postings } : {}),
    ...(v.out ? { out: v.out } : {}),
    ...(v.state ? { state: v.state } : {}),
  });
}

const validate: Command = async (ctx) => {
  const project = await open(ctx);
  const now = ctx.now ?? new Date();
  const v = await validateProject(project, now, {}, true);
  const channels = Object.fromEntries(v.channels.map((c) => [c.adapter.name, { postings: c.entries.map((e) => e.id), dropped: c.dropped }]));
  report(ctx.io.stdout, ctx.io.stderr, v.diagnostics, ctx.reportOptions, { postings: v.entries.map((e) => ({ id: e.id, file: e.file, state: e.state })), channels }, v.entries.length);
  return v.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
};

const build: Command = async (ctx) => {
  const project = await open(ctx);
  const result = await buildProject(project, ctx.now ? { now: ctx.now } : {});
  const files = Object.keys(result.manifest.artifacts).length;
  const where = displayPath(result.outDir);
  if (ctx.reportOptions.format === 'json') {
    report(ctx.io.stdout, ctx.io.stderr, result.diagnostics, ctx.reportOptions, { out: result.outDir, files, postings: result.validation.entries.map((e) => ({ id: e.id, state: e.state })) });
  } else {
    report(ctx.io.stdout, ctx.io.stderr, result.diagnostics, ctx.reportOptions, {}, result.validation.entries.length);
    ctx.io.stdout.write(`built ${files} files into ${where}/\n`);
  }
  return 0;
};

const schema: Command = async (ctx) => {
  ctx.io.stdout.write(JSON.stringify(postingJsonSchema(ctx.adapters), null, 2) + '\n');
  return 0;
};

export const commands: Record<string, Command> = { validate, build, schema };
