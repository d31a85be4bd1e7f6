/**
 * Child processes for the writer-lease tests: light contenders (./lease-contender.js, on the compiled
 * ledger), bounded waits that notice a dead child, a small pool for parallel trials, and cleanup
 * of every child a test started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CONTENDER = path.join(__dirname, 'lease-contender.js');

/** Every child started through this module, so afterEach can kill what a failed test left. */
const started = new Set<ChildProcess>();

export const isAlive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

export function track<C extends ChildProcess>(child: C): C {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** SIGKILL every tracked child still running and wait for it to be reaped. */
export async function killLeftovers(): Promise<void> {
  const alive = [...started].filter(isAlive);
  await Promise.all(
    alive.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
  started.clear();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `cond` until it holds. Fails when `timeoutMs` passes, or when one of `alive` exits first
 * (the thing being waited for can then never happen).
 */
export async function waitUntil(
  what: string,
  cond: () => boolean | Promise<boolean>,
  opts: { timeoutMs?: number; intervalMs?: number; alive?: readonly ChildProcess[] } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    if (await cond()) return;
    const dead = (opts.alive ?? []).find((c) => !isAlive(c));
    if (dead) throw new Error(`waiting for ${what}: pid ${dead.pid} exited (code ${dead.exitCode}, signal ${dead.signalCode}) first`);
    if (Date.now() > deadline) throw new Error(`waiting for ${what}: not reached within ${opts.timeoutMs ?? 15_000} ms`);
    await sleep(opts.intervalMs ?? 10);
  }
}

export interface ContenderEvent {
  id?: string;
  ready?: boolean;
  won?: boolean;
  lost?: boolean;
  released?: boolean;
  holding?: number;
  locked?: boolean;
  done?: boolean;
  error?: boolean;
  pid?: number;
  fence?: number;
  acquired?: string;
  holder?: string;
  file?: string;
  code?: string;
  message?: string;
  [k: string]: unknown;
}

export interface Contender {
  child: ChildProcess;
  pid: number;
  events: ContenderEvent[];
  stderr(): string;
  /** The first event matching `pred`; fails on the deadline or when the child exits without it. */
  next(what: string, pred: (e: ContenderEvent) => boolean, timeoutMs?: number): Promise<ContenderEvent>;
  send(word: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Its exit; SIGKILLed first when it has not exited within `timeoutMs` (then `killed` is true). */
  exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

export function spawnContender(args: string[], env: NodeJS.ProcessEnv = {}): Contender {
  const child = track(spawn(process.execPath, [CONTENDER, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }));
  const events: ContenderEvent[] = [];
  let err = '';
  let buf = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        events.push(JSON.parse(line) as ContenderEvent);
      } catch {
        events.push({ error: true, message: `not JSON: ${line}` });
      }
    }
    notify();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  child.stdin.on('error', () => {}); // a child that already exited
  // 'close', not 'exit': by then the last stdout chunk has been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => ((gone = true), notify()));
  return {
    child,
    pid: child.pid!,
    events,
    stderr: () => err,
    send: (word) => void (child.stdin.writable && child.stdin.write(`${word}\n`)),
    exited,
    exit: async (timeoutMs) => {
      let killed = false;
      const timer = setTimeout(() => ((killed = true), child.kill('SIGKILL')), timeoutMs);
      const r = await exited;
      clearTimeout(timer);
      return { ...r, killed };
    },
    next: (what, pred, timeoutMs = 15_000) =>
      new Promise<ContenderEvent>((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) return done(() => resolve(hit));
          if (gone)
            return done(() =>
              reject(
                new Error(
                  `contender ${child.pid} exited (${child.exitCode ?? child.signalCode}) before ${what}; events ${JSON.stringify(events)}; stderr ${err}`,
                ),
              ),
            );
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`contender ${child.pid}: no ${what} within ${timeoutMs} ms; events ${JSON.stringify(events)}; stderr ${err}`))),
          timeoutMs,
        );
        const done = (then: () => void) => (clearTimeout(timer), listeners.delete(check), then());
        listeners.add(check);
        check();
      }),
  };
}

/** Run `n` trials, at most `width` at a time (each in a lane 0…width-1); resolves with every result in order. */
export async function pool<T>(n: number, width: number, trial: (i: number, lane: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const worker = async (lane: number) => {
    while (next < n) {
      const i = next++;
      results[i] = await trial(i, lane);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, (_, lane) => worker(lane)));
  return results;
}
