/**
 * One real `jobcast` process with exactly the arguments given (no project flags added: the tests
 * that use it choose `--state` or the config's `stateEnv` themselves). Resolves with its exit and
 * everything it printed; killed with SIGKILL past the deadline.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO } from './project';

export interface JobcastExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

export function runJobcast(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number; onSpawn?: (kill: () => void) => void } = {},
): Promise<JobcastExit> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'jobcast.js'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.onSpawn?.(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const timeoutMs = opts.timeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jobcast ${args.join(' ')} did not finish in ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

/** `--config --postings --out` of a temp project. */
export const projectFlags = (p: { configFile: string; postingsDir: string; outDir: string }): string[] => [
  '--config',
  p.configFile,
  '--postings',
  p.postingsDir,
  '--out',
  p.outDir,
];
