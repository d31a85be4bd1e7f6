/**
 * Real `jobcast` child processes (the compiled CLI in build/) for one project, and bounded polling.
 * Every child spawned here is tracked so a test's cleanup can end the ones still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runCli, type CliRun } from './cli';
import { REPO } from './project';

/** The paths one project's commands work with. */
export interface CliProject {
  configFile: string;
  postingsDir: string;
  outDir: string;
  dir: string;
}

export const statePath = (p: CliProject): string => path.join(p.dir, 'state.db');

/** `--config … --postings … --out … --state …` for a project. */
export const projectArgs = (p: CliProject): string[] => ['--config', p.configFile, '--postings', p.postingsDir, '--out', p.outDir, '--state', statePath(p)];

export interface ChildRun {
  child: ChildProcess;
  /** Resolves when the process has exited (with when it did, by this process's clock). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; at: number }>;
  alive(): boolean;
  output(): string;
}

const running = new Set<ChildProcess>();

/** Spawn `node bin/jobcast.js <command> <project args> <extra>`; stdout and stderr are captured together. */
export function jobcastChild(p: CliProject, command: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}): ChildRun {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), ...command, ...projectArgs(p), ...extra], {
    env: { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let done = false;
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; at: number }>((resolve, reject) => {
    child.on('error', reject);
    // 'close' rather than 'exit': all output has been read by then.
    child.on('close', (code, signal) => {
      done = true;
      running.delete(child);
      resolve({ code, signal, out, at: Date.now() });
    });
  });
  return { child, exited, alive: () => !done, output: () => out };
}

/** End every child still running (SIGKILL) and wait for each to go. */
export async function killChildren(): Promise<void> {
  const left = [...running];
  await Promise.all(
    left.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('close', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** The same command in this process (src/, through ts-jest), for the many runs whose process does not matter. */
export function jobcastHere(p: CliProject, command: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli([...command, ...projectArgs(p), ...extra], { LOG_LEVEL: 'silent', NO_COLOR: '1', ...env });
}

/**
 * Call `probe` until it returns something other than undefined, or fail once `deadline` (an instant,
 * Date.now() scale) has passed, or at once when `alive` says what we wait on has died.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { deadline: number; alive?: () => boolean; everyMs?: number },
): Promise<T> {
  let last: unknown;
  for (;;) {
    if (opts.alive && !opts.alive()) throw new Error(`gave up waiting for ${what}: the process it depends on is gone`);
    try {
      const got = await probe();
      if (got !== undefined) return got;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= opts.deadline) throw new Error(`${what}: not within the deadline${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 20));
  }
}

/** Does the text look like a stack trace (an internal error), rather than a one-line user error? */
export const hasStackTrace = (text: string): boolean => /^\s+at .*:\d+:\d+\)?$/m.test(text) || /internal error|rerun with --debug/.test(text);
