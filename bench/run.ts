/**
 * `npm run bench` (issue #7): builds, the limit, an incremental rebuild, serving and publish planning,
 * each in a fresh temp folder and in child processes; prints a table and writes bench/results.json.
 *
 *   node build/bench/run.js [--quick] [--long] [--only build|serve|publish|ledger] [--profile] [--seconds N]
 *
 * --quick    1k and 10k only (no 100k), 3 s per serving case
 * --long     30 s per serving case (the issue's "zero errors for 30 s")
 * --only X   just the build, serve or publish measurements (serve and publish build 10k first if needed)
 * --profile  also profile a 10k build with `node --cpu-prof` (profile written to the OS temp dir) and
 *            print the top self-time functions
 * --seconds  serving duration per case (overrides --quick/--long)
 * --sizes    build sizes, e.g. 1k,10k (default 1k,10k,100k; --quick 1k,10k)
 * --roles    the size the rebuild, serving, publish and profile steps use (default 10k)
 * --out      where to write the results (default bench/results.json)
 *
 * Ratios measured side by side in one run are the result; absolute times depend on the machine and
 * on whatever else it is doing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { BuildChildArgs, BuildChildResult } from './build-child';
import { makeProject, MiB, REPO, removeProject, round, type BenchProject, type BuildTiming, type ChannelTiming, type ChildMessage } from './common';
import { BENCH_NOW, DEFAULT_SEED, writePostings, type GeneratedPosting } from './generate';
import { formatSummary, summariseProfile, type ProfileSummary } from './profile-summary';
import type { PeerChildArgs, PeerChildResult } from './peer-child';
import type { LedgerChildArgs, LedgerChildResult } from './ledger-child';
import type { PublishChildArgs, PublishChildResult } from './publish-child';
import type { ServeChildArgs, ServeRoute } from './serve-child';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  long: boolean;
  only?: 'build' | 'serve' | 'publish' | 'ledger';
  profile: boolean;
  serveSeconds: number;
  seed: number;
  /** Build sizes (default 1k, 10k, 100k; --quick 1k, 10k). */
  sizes: number[];
  /** The size incremental, serve, publish and the profile use (default 10k). */
  roles: number;
  /** Where results go (default bench/results.json). */
  out: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    quick: false,
    long: false,
    profile: false,
    serveSeconds: 10,
    seed: DEFAULT_SEED,
    sizes: [],
    roles: 10_000,
    out: path.join(REPO, 'bench', 'results.json'),
  };
  let seconds: number | undefined;
  let sizes: number[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opts.quick = true;
    else if (a === '--long') opts.long = true;
    else if (a === '--profile') opts.profile = true;
    else if (a === '--only') {
      const v = argv[++i];
      if (v !== 'build' && v !== 'serve' && v !== 'publish' && v !== 'ledger') usage(`--only takes build, serve, publish or ledger (got ${v ?? 'nothing'})`);
      opts.only = v;
    } else if (a === '--seconds') seconds = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--sizes') sizes = (argv[++i] ?? '').split(',').map(count);
    else if (a === '--roles') opts.roles = count(argv[++i] ?? '');
    else if (a === '--out') opts.out = path.resolve(argv[++i] ?? usage('--out needs a file'));
    else usage(`unknown option ${a}`);
  }
  opts.sizes = [...new Set(sizes ?? (opts.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]))].sort((a, b) => a - b);
  if (opts.sizes.some((n) => !(n > 0)) || !(opts.roles > 0)) usage('bad --sizes or --roles');
  opts.serveSeconds = seconds ?? (opts.long ? 30 : opts.quick ? 3 : 10);
  if (!(opts.serveSeconds > 0) || !Number.isInteger(opts.seed)) usage('bad --seconds or --seed');
  return opts;
}

/** `10k` → 10000, `500` → 500. */
function count(v: string): number {
  const m = /^(\d+)(k?)$/i.exec(v.trim());
  return m ? Number(m[1]) * (m[2] ? 1000 : 1) : NaN;
}

/** 10000 → `10k`, 500 → `500`. */
export const size = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench -- [--quick] [--long] [--only build|serve|publish|ledger] [--profile] [--seconds N] [--sizes 1k,10k,100k] [--roles 10k] [--out FILE]\n`,
  );
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Progress line and clean-up

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

class Progress {
  private width = 0;
  private lastLine = '';
  private readonly tty = Boolean(process.stderr.isTTY);
  set(text: string): void {
    const line = `[bench ${elapsed()}] ${text}`;
    if (this.tty) {
      const cols = process.stderr.columns || 120;
      const shown = line.length > cols - 1 ? `${line.slice(0, cols - 2)}…` : line;
      process.stderr.write(`\r${shown.padEnd(this.width)}`);
      this.width = shown.length;
    } else {
      // Not a terminal (CI, a log file): one line per change of step, without the counters.
      const key = text.replace(/[\d.,]+/g, '#');
      if (key !== this.lastLine) process.stderr.write(`${line}\n`);
      this.lastLine = key;
    }
  }
  done(): void {
    if (this.tty && this.width) process.stderr.write(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
  }
  log(text: string): void {
    this.done();
    process.stderr.write(`${text}\n`);
  }
}
const progress = new Progress();

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
function cleanUp(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanUp);
// `npm run bench | head`: a closed stdout is not a failure of the bench.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    progress.log(`\ninterrupted (${sig}); cleaning up temp folders`);
    cleanUp();
    process.exit(130);
  });
}

function project(label: string, extraConfig = ''): BenchProject {
  const p = makeProject(label, extraConfig);
  tempDirs.add(p.dir);
  return p;
}
function dropProject(p: BenchProject | undefined): void {
  if (!p) return;
  removeProject(p);
  tempDirs.delete(p.dir);
}

// ---------------------------------------------------------------------------------------------
// Child processes

type ChildOutcome<T> =
  /** `incomplete`: stopped after a partial result (why). */
  | { ok: true; data: T; seconds: number; incomplete?: string }
  | { ok: false; reason: 'timeout' | 'crashed' | 'error'; message: string; seconds: number; lastMaxRssMiB?: number };

function runChild<T>(script: string, args: unknown, label: string, timeoutMs: number, execArgv: string[] = []): Promise<ChildOutcome<T>> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = fork(path.join(__dirname, script), [JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.stdout!.resume();
    let result: T | undefined;
    let partial: T | undefined;
    let error: string | undefined;
    let lastMaxRss: number | undefined;
    let lastText = '';
    let timedOut = false;
    const seconds = () => (Date.now() - t0) / 1000;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: ChildMessage<T>) => {
      if (m.type === 'progress') {
        lastMaxRss = m.maxRssMiB;
        lastText = m.text;
        progress.set(`${label}: ${m.text} · ${seconds().toFixed(0)}s · rss ${m.rssMiB} MiB (peak ${m.maxRssMiB})`);
      } else if (m.type === 'result') result = m.data;
      else if (m.type === 'partial') partial = m.data;
      else if (m.type === 'error') error = m.message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const s = seconds();
      if (result !== undefined) resolve({ ok: true, data: result, seconds: s });
      else if (partial !== undefined) {
        const why = timedOut ? `did not complete in ${Math.round(timeoutMs / 1000)} s` : error ? error.split('\n')[0]! : `exited (${code ?? signal})`;
        resolve({ ok: true, data: partial, seconds: s, incomplete: why });
      } else if (timedOut)
        resolve({
          ok: false,
          reason: 'timeout',
          message: `did not complete in ${Math.round(timeoutMs / 1000)} s${lastText ? ` (stopped during: ${lastText})` : ''}`,
          seconds: s,
          ...(lastMaxRss ? { lastMaxRssMiB: lastMaxRss } : {}),
        });
      else if (error) resolve({ ok: false, reason: 'error', message: error, seconds: s, ...(lastMaxRss ? { lastMaxRssMiB: lastMaxRss } : {}) });
      else {
        const oom = /heap out of memory|Allocation failed/i.test(stderr);
        resolve({
          ok: false,
          reason: 'crashed',
          seconds: s,
          message: `${oom ? 'ran out of memory' : 'crashed'} (exit ${code ?? signal})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
          ...(lastMaxRss ? { lastMaxRssMiB: lastMaxRss } : {}),
        });
      }
    });
  });
}

/** A long-lived child (a server): resolves once it says `ready`. */
function startChild<R extends { type: 'ready' }>(
  script: string,
  args: unknown,
  label: string,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; ready: R }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, script), [JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.stdout!.resume();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', (m: ChildMessage<unknown>) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ child, ready: m as unknown as R });
      } else if (m.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`${label}: ${m.message}`));
      }
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Results

interface BuildRow {
  n: number;
  ok: boolean;
  /** Why it has no numbers (timeout, crash). */
  failure?: string;
  /** The build completed but what came after it did not. */
  incomplete?: string;
  seconds?: number;
  postingsMiB?: number;
  generateMs?: number;
  full?: BuildTiming;
  postings?: number;
  peakRssMiB?: number;
  limitMs?: number;
  limitSequentialMs?: number;
  limitParallelMs?: number;
  buildOverLimit?: number;
  diagnostics?: { errors: number; warnings: number };
}

interface IncrementalRow {
  n: number;
  fullMs: number;
  /** A rebuild with nothing changed, and its share of the full build. */
  noopMs?: number;
  noopFraction?: number;
  noop?: BuildTiming;
  rebuildMs: number;
  fraction: number;
  rebuild: BuildTiming;
  /** A second edit into the full build's retired, recycled generation folder, and its share; `recycled`: it really was. */
  recycledMs?: number;
  recycledFraction?: number;
  recycled?: boolean;
}

interface ServeSide {
  /** Responses per second over the run (large bodies: bytes received per second ÷ body size). */
  rps: number;
  /** Measured with the node:http loop by bytes received (large bodies), not autocannon. */
  byBytes?: boolean;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  /** Responses with another status than expected (2xx for GET, 304 for revalidation). */
  unexpected: number;
  throughputMiBs: number;
}

interface ServeCase {
  name: string;
  path: string;
  expect: 200 | 302 | 304;
  bytes: number;
  jobcast: ServeSide;
  bare: ServeSide;
  /** jobcast ÷ bare requests/s. */
  ratio: number;
  /** What loaded the servers: autocannon, or (bodies ≥ 1 MiB) a node:http loop counting bytes. */
  load: string;
}

interface ServeRow {
  /** How long jobcast's server took to become idle after starting (precompressing large feeds). */
  jobcastSettledS?: number;
  roles: number;
  connections: number;
  seconds: number;
  cases: ServeCase[];
  sameBytes: boolean;
  failure?: string;
}

interface PublishRow {
  ok: boolean;
  failure?: string;
  n: number;
  data?: PublishChildResult;
  planPerRoleMs?: number;
  planAndWritePerRoleMs?: number;
  totalPerRoleMs?: number;
  webhookRequests?: number;
}

interface TargetRow {
  target: string;
  measured: string;
  ratio?: number;
  met: boolean | null;
}

interface Results {
  version: 1;
  date: string;
  command: string;
  machine: { node: string; platform: string; cpus: number; cpuModel: string; memoryGiB: number; loadAverage1m: number };
  seed: number;
  now: string;
  builds: BuildRow[];
  incremental?: IncrementalRow;
  serve?: ServeRow;
  publish?: PublishRow;
  /** What a user would otherwise write, on the same roles (bench/peer-child.ts). */
  peer?: { data?: PeerChildResult; failure?: string };
  profile?: ProfileRow;
  /** The ledger on SQLite and on PostgreSQL, side by side (bench/ledger-child.ts). */
  ledger?: { data?: LedgerChildResult; failure?: string };
  targets: TargetRow[];
  notes: string[];
  durationS: number;
}

// ---------------------------------------------------------------------------------------------
// Steps

/** The harness's own budget: the issue's 10 minutes, less a minute for `npm run build` before it. */
const BUDGET_MS = 9 * 60_000;

async function generate(p: BenchProject, n: number, seed: number, label: string): Promise<{ list: GeneratedPosting[]; ms: number; mib: number }> {
  const t0 = Date.now();
  const list = await writePostings(p.postingsDir, n, seed, (done) => progress.set(`${label}: generating roles ${done}/${n}`));
  let bytes = 0;
  for (const name of await fs.readdir(p.postingsDir)) bytes += (await fs.stat(path.join(p.postingsDir, name))).size;
  return { list, ms: Date.now() - t0, mib: bytes / MiB };
}

/** An open role from the middle of the set: the one edited, and the page served. */
function pickRole(list: readonly GeneratedPosting[]): string {
  const mid = Math.floor(list.length / 2);
  return (list.slice(mid).find((p) => p.status === 'open') ?? list.find((p) => p.status === 'open'))!.id;
}

async function buildStep(
  n: number,
  opts: Options,
  extra: { limit: boolean; edit: boolean; seedLedger: boolean; keep: boolean; timeoutMs: () => number; removeLater?: BenchProject[] },
): Promise<{ row: BuildRow; incremental?: IncrementalRow; project?: BenchProject; role?: string; seed?: string }> {
  const label = `build ${size(n)}`;
  const p = project(`${size(n)}`);
  const gen = await generate(p, n, opts.seed, label);
  const role = pickRole(gen.list);
  const seed = extra.seedLedger ? path.join(p.dir, 'seed.db') : undefined;
  const args: BuildChildArgs = {
    ...p,
    n,
    now: BENCH_NOW.toISOString(),
    limit: extra.limit,
    ...(extra.edit ? { editId: role } : {}),
    ...(seed ? { seedLedgerTo: seed } : {}),
  };
  const out = await runChild<BuildChildResult>('build-child.js', args, label, extra.timeoutMs());
  const row: BuildRow = { n, ok: out.ok, seconds: round(out.seconds, 1), postingsMiB: round(gen.mib, 1), generateMs: gen.ms };
  let incremental: IncrementalRow | undefined;
  if (out.ok) {
    const d = out.data;
    Object.assign(row, { full: d.full, postings: d.postings, peakRssMiB: d.peakRssMiB, diagnostics: d.diagnostics });
    if (out.incomplete)
      row.incomplete = `the steps after the build (${[extra.limit && 'limit', extra.edit && 'rebuild'].filter(Boolean).join(', ') || 'none'}): ${out.incomplete}`;
    if (d.limit) {
      row.limitMs = d.limit.writeMs;
      row.limitSequentialMs = d.limit.sequentialMs;
      row.limitParallelMs = d.limit.parallelMs;
      row.buildOverLimit = d.full.wallMs / d.limit.writeMs;
    }
    if (d.rebuild)
      incremental = {
        n,
        fullMs: d.full.wallMs,
        ...(d.noop ? { noopMs: d.noop.wallMs, noopFraction: d.noop.wallMs / d.full.wallMs, noop: d.noop } : {}),
        rebuildMs: d.rebuild.wallMs,
        fraction: d.rebuild.wallMs / d.full.wallMs,
        rebuild: d.rebuild,
        ...(d.recycledRebuild
          ? { recycledMs: d.recycledRebuild.wallMs, recycledFraction: d.recycledRebuild.wallMs / d.full.wallMs, recycled: d.recycled === true }
          : {}),
      };
  } else {
    row.failure = out.message;
    if (out.lastMaxRssMiB) row.peakRssMiB = out.lastMaxRssMiB;
  }
  if (!extra.keep || !out.ok || out.incomplete) {
    if (extra.removeLater) extra.removeLater.push(p);
    else {
      progress.set(`${label}: removing the temp folder`);
      dropProject(p);
    }
    return { row, ...(incremental ? { incremental } : {}) };
  }
  return { row, ...(incremental ? { incremental } : {}), project: p, role, ...(seed ? { seed } : {}) };
}

/** GET once with plain node:http: status, headers, body hash. */
function probe(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag?: string; contentType?: string; location?: string; sha: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          hash.update(d);
          bytes += d.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            sha: hash.digest('hex'),
            bytes,
            ...(typeof res.headers.etag === 'string' ? { etag: res.headers.etag } : {}),
            ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
            ...(res.headers.location ? { location: res.headers.location } : {}),
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function load(url: string, headers: Record<string, string>, seconds: number, expect: 200 | 302 | 304, label: string): Promise<ServeSide> {
  const ticker = setInterval(() => progress.set(label), 1000);
  progress.set(label);
  try {
    const r = await autocannon({ url, headers, connections: 100, duration: seconds, timeout: 30 });
    const stats = (r.statusCodeStats ?? {}) as Record<string, { count?: number }>;
    const byClass = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
    const total = Object.values(stats).reduce((sum, v) => sum + (v.count ?? 0), 0) || byClass;
    const good = expect === 304 ? (r.statusCodeStats ? (stats['304']?.count ?? 0) : r['3xx']) : expect === 302 ? r['3xx'] : r['2xx'];
    const duration = r.duration || seconds;
    return {
      rps: total / duration,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      requests: total,
      errors: r.errors,
      timeouts: r.timeouts,
      unexpected: Math.max(0, total - good),
      throughputMiBs: r.throughput.total / duration / MiB,
    };
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Load for large bodies: autocannon keeps every response body as a string (100 × a 65 MiB feed ran
 * the harness out of memory) and parses in JavaScript, so here 100 keep-alive node:http connections
 * fetch in a loop for a fixed time, counting bytes as they arrive (responses still in flight at the
 * end count for the bytes they delivered). Requests/s = bytes/s ÷ body size.
 */
async function streamLoad(url: string, headers: Record<string, string>, seconds: number, bodyBytes: number, label: string): Promise<ServeSide> {
  const ticker = setInterval(() => progress.set(label), 1000);
  progress.set(label);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  const inflight = new Set<http.ClientRequest>();
  const latencies: number[] = [];
  let bytes = 0;
  let completed = 0;
  let errors = 0;
  let unexpected = 0;
  let stopped = false;
  const t0 = performance.now();
  const one = () =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        inflight.delete(req);
        resolve();
      };
      const req = http.get(url, { agent, headers }, (res) => {
        if (res.statusCode !== 200) unexpected++;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        res.on('end', () => {
          completed++;
          latencies.push(performance.now() - start);
          done();
        });
        res.on('error', () => {
          if (!stopped) errors++;
          done();
        });
        res.on('close', done);
      });
      req.on('error', () => {
        if (!stopped) errors++;
        done();
      });
      req.on('close', done);
      inflight.add(req);
    });
  const loop = async () => {
    while (!stopped) await one();
  };
  const loops = Array.from({ length: 100 }, loop);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stopped = true;
  const elapsed = (performance.now() - t0) / 1000;
  const received = bytes;
  for (const req of inflight) req.destroy();
  await Promise.all(loops);
  agent.destroy();
  clearInterval(ticker);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!) : 0);
  return {
    rps: received / elapsed / bodyBytes,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    requests: completed,
    errors,
    timeouts: 0,
    unexpected,
    throughputMiBs: received / elapsed / MiB,
    byBytes: true,
  };
}

async function serveStep(p: BenchProject, role: string, n: number, seconds: number): Promise<ServeRow> {
  const cases: { name: string; path: string; file: string; expect: 200 | 302 | 304 }[] = [
    { name: 'GET feed', path: '/feeds/indeed.xml', file: 'feeds/indeed.xml', expect: 200 },
    { name: 'GET job page', path: `/jobs/${role}/`, file: `jobs/${role}/index.html`, expect: 200 },
    { name: '304 feed', path: '/feeds/indeed.xml', file: 'feeds/indeed.xml', expect: 304 },
    { name: '304 job page', path: `/jobs/${role}/`, file: `jobs/${role}/index.html`, expect: 304 },
    // The counting apply redirect (issue #18): a browser's clicks, counted once per burst.
    { name: '302 apply redirect', path: `/apply/${role}/rss`, file: '', expect: 302 },
  ];
  progress.set('serve: starting jobcast (startService) in a child process');
  const jc = await startChild<{ type: 'ready'; url: string; settledMs: number }>(
    'serve-child.js',
    { ...p, mode: 'jobcast' } satisfies ServeChildArgs,
    'jobcast server',
  );
  let bare: { child: ChildProcess; ready: { type: 'ready'; url: string } } | undefined;
  try {
    const jcProbe = new Map<string, Awaited<ReturnType<typeof probe>>>();
    for (const c of cases) if (!jcProbe.has(c.path)) jcProbe.set(c.path, await probe(jc.ready.url + c.path));
    const routes: ServeRoute[] = [...new Set(cases.map((c) => c.path))].map((u) => {
      const c = cases.find((x) => x.path === u)!;
      const location = c.expect === 302 ? jcProbe.get(u)!.location : undefined;
      return { url: u, file: c.file, contentType: jcProbe.get(u)!.contentType ?? 'application/octet-stream', ...(location ? { location } : {}) };
    });
    progress.set('serve: starting the bare node:http server in a child process');
    bare = await startChild<{ type: 'ready'; url: string }>('serve-child.js', { ...p, mode: 'bare', routes } satisfies ServeChildArgs, 'bare server');
    const bareProbe = new Map<string, Awaited<ReturnType<typeof probe>>>();
    for (const r of routes) bareProbe.set(r.url, await probe(bare.ready.url + r.url));
    const sameBytes = routes.every((r) =>
      r.location
        ? bareProbe.get(r.url)!.location === r.location && jcProbe.get(r.url)!.status === 302
        : jcProbe.get(r.url)!.sha === bareProbe.get(r.url)!.sha && jcProbe.get(r.url)!.status === 200,
    );
    const out: ServeCase[] = [];
    for (const [i, c] of cases.entries()) {
      const bytes = jcProbe.get(c.path)!.bytes;
      const big = c.expect === 200 && bytes >= MiB;
      const warmS = Math.min(2, Math.max(1, seconds / 5));
      const run = async (who: 'jobcast' | 'bare') => {
        const base = who === 'jobcast' ? jc.ready.url : bare!.ready.url;
        const etag = (who === 'jobcast' ? jcProbe : bareProbe).get(c.path)!.etag;
        const headers: Record<string, string> =
          c.expect === 304 && etag
            ? { 'if-none-match': etag }
            : c.expect === 302
              ? { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' }
              : {};
        const what = `serve: ${c.name} ${c.path} · ${who} · ${seconds}s × 100 connections`;
        // Warm-up (caches, JIT, connections), not counted.
        if (big) {
          await streamLoad(base + c.path, headers, warmS, bytes, `serve: ${c.name} ${who} (warm-up)`);
          return streamLoad(base + c.path, headers, seconds, bytes, what);
        }
        await load(base + c.path, headers, warmS, c.expect, `serve: ${c.name} ${who} (warm-up)`);
        return load(base + c.path, headers, seconds, c.expect, what);
      };
      // Alternate who goes first so drift on a shared machine does not favour one side.
      const first = i % 2 === 0 ? 'bare' : 'jobcast';
      const a = await run(first);
      const b = await run(first === 'bare' ? 'jobcast' : 'bare');
      const jobcastSide = first === 'jobcast' ? a : b;
      const bareSide = first === 'bare' ? a : b;
      const ratio = jobcastSide.rps / bareSide.rps;
      out.push({
        name: c.name,
        path: c.path.replace(role, '<id>'),
        expect: c.expect,
        bytes: c.expect === 304 ? 0 : bytes,
        jobcast: jobcastSide,
        bare: bareSide,
        ratio: Number.isFinite(ratio) ? ratio : 0,
        load: big ? 'node:http loop, bytes/s' : 'autocannon',
      });
    }
    return { roles: n, connections: 100, seconds, cases: out, sameBytes, jobcastSettledS: round(jc.ready.settledMs / 1000, 1) };
  } finally {
    await stopChild(jc.child);
    if (bare) await stopChild(bare.child);
  }
}

/** The peer column: a plain handlebars script and the `rss` and `feed` packages on the same roles. */
async function peerStep(p: BenchProject, n: number): Promise<NonNullable<Results['peer']>> {
  const outDir = path.join(p.dir, 'peer-out');
  const out = await runChild<PeerChildResult>('peer-child.js', { postingsDir: p.postingsDir, outDir } satisfies PeerChildArgs, `peer ${size(n)}`, 8 * 60_000);
  rmSync(outDir, { recursive: true, force: true });
  if (!out.ok) return { failure: out.message };
  return out.incomplete ? { failure: out.incomplete } : { data: out.data };
}

function peerTable(peer: NonNullable<Results['peer']>, full: number | undefined): string {
  if (!peer.data) return `peer: ${peer.failure}`;
  const d = peer.data;
  const rows = [
    ['handlebars job pages (read YAML, render, write)', s(d.pagesMs)],
    ['`rss` package: one feed of every role', s(d.rssMs)],
    ['`feed` package: RSS 2.0 + JSON Feed of every role', s(d.feedMs)],
    ['peer total', s(d.totalMs)],
    ['jobcast full build, every channel', full === undefined ? '–' : s(full)],
  ];
  return `${table([`what a user would otherwise write, ${d.roles} roles`, 's'], rows)}\npeer peak RSS ${d.peakRssMiB} MiB`;
}

async function publishStep(n: number, opts: Options, from: { postingsDir?: string; seed?: string }, timeoutMs: number): Promise<PublishRow> {
  const label = `publish ${size(n)}`;
  let hits = 0;
  const fake = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as AddressInfo).port;
  const secretEnv = 'BENCH_WEBHOOK_SECRET';
  const p = project(`publish-${size(n)}`, `notify:\n  webhooks:\n    - name: bench\n      url: http://127.0.0.1:${port}/hook\n      secretEnv: ${secretEnv}\n`);
  try {
    if (from.postingsDir && existsSync(from.postingsDir)) {
      progress.set(`${label}: copying the roles`);
      await fs.cp(from.postingsDir, p.postingsDir, { recursive: true });
    } else await generate(p, n, opts.seed, label);
    const args: PublishChildArgs = { ...p, n, now: BENCH_NOW.toISOString(), secretEnv, ...(from.seed ? { seededLedger: from.seed } : {}) };
    const out = await runChild<PublishChildResult>('publish-child.js', args, label, timeoutMs);
    if (!out.ok) return { ok: false, n, failure: out.message };
    const d = out.data;
    const per = (ms?: number) => (ms === undefined ? undefined : ms / d.changedRoles);
    return {
      ok: d.ok,
      n,
      data: d,
      webhookRequests: hits,
      ...(d.error ? { failure: d.error } : {}),
      ...(d.phases.planMs !== undefined ? { planPerRoleMs: per(d.phases.planMs)! } : {}),
      ...(d.phases.planMs !== undefined && d.phases.writeMs !== undefined ? { planAndWritePerRoleMs: per(d.phases.planMs + d.phases.writeMs)! } : {}),
      totalPerRoleMs: per(d.totalMs)!,
    };
  } finally {
    fake.close();
    fake.closeAllConnections();
    dropProject(p);
  }
}

async function ledgerStep(n: number): Promise<NonNullable<Results['ledger']>> {
  const out = await runChild<LedgerChildResult>('ledger-child.js', { n } satisfies LedgerChildArgs, `ledger ${size(n)}`, 5 * 60_000);
  return out.ok ? { data: out.data } : { failure: out.message };
}

function ledgerTable(l: NonNullable<Results['ledger']>): string {
  if (!l.data) return `the ledger on both engines: ${l.failure}`;
  const { n, sqlite: a, postgres: b } = l.data;
  const row = (what: string, x: number, y: number) => [what, s(x), s(y), `${(y / x).toFixed(1)}×`];
  return (
    table(
      [`the ledger, ${size(n)} roles`, 'SQLite s', 'PostgreSQL s', 'PostgreSQL / SQLite'],
      [
        row('one run recorded (subjects, told states, outbox; 1 txn)', a.commitMs, b.commitMs),
        row(`${size(n)} notifications claimed + confirmed, one at a time`, a.claimAndConfirmMs, b.claimAndConfirmMs),
        row('what planning reads (subjects, told states)', a.readMs, b.readMs),
      ],
    ) + workersTable(l.data)
  );
}

/** Delivery throughput by 1, 2 and 3 worker processes on one PostgreSQL ledger, as a ratio to one. */
function workersTable({ n, workers }: LedgerChildResult): string {
  const one = (latency: number) => workers.find((w) => w.instances === 1 && w.latencyMs === latency)?.ms ?? NaN;
  return `\n\n${table(
    [`${size(n)} queued notifications → one local receiver (PostgreSQL)`, 's', 'per second', 'throughput / 1 worker', 'sent', 'sent twice'],
    workers.map((w) => [
      `${w.instances} delivery worker process(es), receiver answers in ${w.latencyMs} ms`,
      s(w.ms),
      String(Math.round(w.sent / (w.ms / 1000))),
      `${(one(w.latencyMs) / w.ms).toFixed(2)}×`,
      String(w.sent),
      String(w.twice),
    ]),
  )}`;
}

interface ProfileRow {
  note: string;
  main: ProfileSummary;
  /** Worker threads (if the build uses any), summed. */
  workers?: ProfileSummary & { threads: number };
}

async function profileStep(p: BenchProject, n: number, timeoutMs: number): Promise<ProfileRow | { failure: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-bench-cpuprof-'));
  const args: BuildChildArgs = { ...p, outDir: path.join(p.dir, 'dist-profile'), n, now: BENCH_NOW.toISOString(), limit: false };
  const out = await runChild<BuildChildResult>('build-child.js', args, `profile ${size(n)} build`, timeoutMs, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  // One file per thread: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main one.
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const thread = (f: string) => Number(f.split('.')[4]);
  const mainFile = files.find((f) => thread(f) === 0);
  if (!out.ok || !mainFile) return { failure: out.ok ? 'no .cpuprofile written' : out.message };
  progress.set('profile: summarising');
  const workerFiles = files.filter((f) => f !== mainFile).map((f) => path.join(dir, f));
  const main = summariseProfile(path.join(dir, mainFile), 20);
  await fs.rm(path.join(p.dir, 'dist-profile'), { recursive: true, force: true });
  await fs.rm(path.join(p.dir, '.dist-profile.generations'), { recursive: true, force: true });
  return {
    note: `${size(n)}-role full build (${s(out.data.full.wallMs)} s under the profiler) in a child started with --cpu-prof; profiles kept in ${path.join('<tmp>', path.basename(dir))} (${files.length} file${files.length === 1 ? '' : 's'}: main thread${workerFiles.length ? ` + ${workerFiles.length} worker thread${workerFiles.length === 1 ? '' : 's'}` : ''})`,
    main,
    ...(workerFiles.length ? { workers: { ...summariseProfile(workerFiles, 20), threads: workerFiles.length } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const s = (ms?: number) => (ms === undefined ? '–' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const x = (r?: number) => (r === undefined || !Number.isFinite(r) ? '–' : `${r.toFixed(r < 10 ? 2 : 1)}×`);
const pct = (r?: number) => (r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
const pad = (v: string, w: number) => (v.length >= w ? v : ' '.repeat(w - v.length) + v);
const padR = (v: string, w: number) => (v.length >= w ? v : v + ' '.repeat(w - v.length));
const mib = (b: number) => (b / MiB).toFixed(b < 10 * MiB ? 2 : 1);

function table(head: string[], rows: string[][], firstWidth?: number): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  if (firstWidth) widths[0] = Math.max(widths[0]!, firstWidth);
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? padR(c, widths[0]!) : pad(c, widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function buildTable(builds: BuildRow[], inc?: IncrementalRow): string {
  const head = ['full build, all channels', ...builds.map((b) => `${size(b.n)} roles`)];
  const rows: string[][] = [];
  const cell = (f: (b: BuildRow) => string) => builds.map((b) => (b.ok ? f(b) : '–'));
  rows.push(['status', ...builds.map((b) => (b.ok ? (b.incomplete ? 'ok (limit cut short)' : 'ok') : b.failure!.split(' (')[0]!.split(':')[0]!.slice(0, 40)))]);
  rows.push(['source YAML (MiB)', ...builds.map((b) => (b.postingsMiB !== undefined ? b.postingsMiB.toFixed(1) : '–'))]);
  rows.push(['output files', ...cell((b) => String(b.full!.files))]);
  rows.push(['output MiB', ...cell((b) => mib(b.full!.bytes))]);
  rows.push(['build wall (s)', ...cell((b) => s(b.full!.wallMs))]);
  rows.push(['limit: plain fs writes (s)', ...cell((b) => s(b.limitMs))]);
  rows.push(['  one by one / 32 at a time, best (s)', ...cell((b) => `${s(b.limitSequentialMs)} / ${s(b.limitParallelMs)}`)]);
  rows.push(['build / limit', ...cell((b) => x(b.buildOverLimit))]);
  rows.push(['peak RSS (MiB)', ...builds.map((b) => (b.peakRssMiB !== undefined ? `${b.peakRssMiB}${b.ok ? '' : '+'}` : '–'))]);
  rows.push(['  load + validate + rules (s)', ...cell((b) => s(b.full!.beforeRenderMs))]);
  rows.push(['  worker threads rendering own files', ...cell((b) => String(b.full!.workers ?? 0))]);
  const channels = [...new Set(builds.flatMap((b) => b.full?.channels.map((c) => c.channel) ?? []))];
  for (const ch of channels) {
    rows.push([
      `  ${ch} (s: render / wall)`,
      ...cell((b) => {
        const c = b.full!.channels.find((y) => y.channel === ch);
        if (!c) return '–';
        // Own files rendered on worker threads are not seen by the probe: only what this thread did is timed.
        if (c.ownFilesInWorkers) return c.renderCalls ? `${s(c.renderMs)} / ${s(c.wallMs)} + workers` : 'on workers';
        return `${s(c.renderMs)} / ${s(c.wallMs)}`;
      }),
    ]);
  }
  rows.push(['  manifest + swap + prune (s)', ...cell((b) => s(b.full!.afterRenderMs))]);
  let text = table(head, rows);
  if (inc) {
    const calls = (c: ChannelTiming) =>
      `${c.channel} ${s(c.wallMs ?? c.renderMs)}${c.renderPostingCalls ? ` (${c.renderPostingCalls} renderPosting)` : ''}${!c.renderCalls && !c.renderPostingCalls ? ' (carried over)' : ''}`;
    const phases = (r: BuildTiming) =>
      `\n  load + validate + rules ${s(r.beforeRenderMs)} s · manifest + swap + prune ${s(r.afterRenderMs)} s\n  channels (wall s): ${r.channels.map(calls).join(', ')}`;
    if (inc.noop)
      text += `\n\nrebuild with nothing changed among ${size(inc.n)}: ${s(inc.noopMs)} s = ${pct(inc.noopFraction)} of the full build (${s(inc.fullMs)} s)${phases(inc.noop)}`;
    text += `\n\nrebuild after editing one role's salary among ${size(inc.n)}: ${s(inc.rebuildMs)} s = ${pct(inc.fraction)} of the full build (${s(inc.fullMs)} s)${phases(inc.rebuild)}`;
    if (inc.recycledMs !== undefined)
      text += `\n\nrebuild after a second edit, into the full build's retired generation folder (${inc.recycled ? 'recycled' : 'NOT recycled'}; the grace set to 0 for it): ${s(inc.recycledMs)} s = ${pct(inc.recycledFraction)} of the full build`;
  }
  return text;
}

function serveTable(sv: ServeRow): string {
  const head = [
    `serving ${size(sv.roles)} roles, ${sv.connections} connections, ${sv.seconds} s each`,
    'body',
    'jobcast req/s',
    'p99 ms',
    'bare req/s',
    'p99 ms',
    'jobcast/bare',
    'errors j/b',
  ];
  const rate = (side: ServeSide) => `${side.byBytes ? '~' : ''}${side.rps.toFixed(side.rps < 100 ? 1 : 0)}`;
  const rows = sv.cases.map((c) => [
    `${c.name} ${c.path}`,
    c.expect === 304 ? '304' : c.bytes >= MiB ? `${mib(c.bytes)} MiB` : `${(c.bytes / 1024).toFixed(1)} KiB`,
    rate(c.jobcast),
    c.jobcast.requests ? String(c.jobcast.p99Ms) : '–',
    rate(c.bare),
    c.bare.requests ? String(c.bare.p99Ms) : '–',
    pct(c.ratio),
    `${c.jobcast.errors + c.jobcast.unexpected}/${c.bare.errors + c.bare.unexpected}`,
  ]);
  const notes: string[] = [];
  if (sv.cases.some((c) => c.jobcast.byBytes))
    notes.push(
      '~ bodies ≥ 1 MiB: loaded by 100 keep-alive node:http connections fetching in a loop (autocannon keeps each body as a string: out of memory at 100 × the feed); req/s = bytes received per second ÷ body size; p99 over completed responses (– when none completed within the run)',
    );
  if (sv.jobcastSettledS !== undefined)
    notes.push(`jobcast's server was started, then left until idle (${sv.jobcastSettledS} s: start-up work such as precompressing feeds) before the runs`);
  if (!sv.sameBytes) notes.push('(!) jobcast and the bare server did not return the same bytes');
  return `${table(head, rows)}${notes.map((n) => `\n${n}`).join('')}`;
}

function publishTable(pb: PublishRow): string {
  if (!pb.data) return `publish planning for ${size(pb.n)} changed roles: ${pb.failure}`;
  const d = pb.data;
  const per = (ms?: number) => (ms === undefined ? '–' : `${(ms / d.changedRoles).toFixed(3)} ms/role`);
  const rows = [
    ['build (inside publish)', s(d.phases.buildMs), per(d.phases.buildMs)],
    ['plan: observe receivers, versions, transitions, messages', s(d.phases.planMs), per(d.phases.planMs)],
    ['write: versions + told states + outbox (1 txn, fenced)', s(d.phases.writeMs), per(d.phases.writeMs)],
    ['deliver (webhook → local fake, 200)', s(d.phases.deliverMs), per(d.phases.deliverMs)],
    ['bookkeeping after the last delivery', s(d.phases.mirrorMs), per(d.phases.mirrorMs)],
    ['publish() total', s(d.totalMs), per(d.totalMs)],
  ];
  const planned =
    Object.entries(d.plannedByNotifier)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const one = d.oneEdit;
  const oneLine = one
    ? `\nthen one role edited (${one.id}): publish ${s(one.totalMs)} s (build ${s(one.buildMs)} s); the edit ${one.reachedOutput ? 'reached' : 'did NOT reach'} the served output; ${one.told} webhook message(s) about it planned${one.ok ? '' : '; run failed'}`
    : '';
  return (
    `${table([`publish, ${d.changedRoles} roles changed (ledger seeded: ${d.seededBy})`, 's', 'per changed role'], rows)}\n` +
    `posting events ${d.postingEvents}, queued ${d.planned} (${planned}), sent ${d.delivery.sent}, failed ${d.delivery.failed}, retrying ${d.delivery.retrying}, left queued ${d.delivery.remaining}; fake webhook got ${pb.webhookRequests} requests${d.ok ? '' : `; run failed: ${d.error}`}` +
    oneLine
  );
}

function targets(r: Results, opts: Options): TargetRow[] {
  const out: TargetRow[] = [];
  const midName = size(opts.roles);
  const b10 = r.builds.find((b) => b.n === opts.roles);
  if (b10) {
    const t = `${midName} full build ≤ 3× the limit`;
    out.push(
      b10.ok && b10.buildOverLimit !== undefined
        ? {
            target: t,
            measured: `${x(b10.buildOverLimit)} (${s(b10.full!.wallMs)} s vs ${s(b10.limitMs)} s)`,
            ratio: b10.buildOverLimit,
            met: b10.buildOverLimit <= 3,
          }
        : { target: t, measured: b10.failure ?? 'not measured', met: false },
    );
  }
  const bigN = Math.max(...opts.sizes);
  const b100 = bigN > opts.roles || bigN >= 100_000 ? r.builds.find((b) => b.n === bigN) : undefined;
  const bigT = `${size(bigN > opts.roles ? bigN : 100_000)} completes, peak RSS ≤ 1 GiB`;
  if (b100) {
    out.push(
      b100.ok
        ? {
            target: bigT,
            measured: `completed in ${s(b100.full!.wallMs)} s, peak RSS ${b100.peakRssMiB} MiB`,
            ratio: b100.peakRssMiB! / 1024,
            met: b100.peakRssMiB! <= 1024,
          }
        : {
            target: bigT,
            measured: `${b100.failure}${b100.peakRssMiB ? `; peak RSS ≥ ${b100.peakRssMiB} MiB by then` : ''}`,
            ...(b100.peakRssMiB ? { ratio: b100.peakRssMiB / 1024 } : {}),
            met: false,
          },
    );
  } else if (!opts.only || opts.only === 'build') {
    out.push({ target: bigT, measured: opts.quick ? 'not run (--quick)' : 'not run', met: null });
  }
  if (r.incremental?.noopFraction !== undefined) {
    const f = r.incremental.noopFraction;
    out.push({
      target: `no-op rebuild among ${midName}: ≤ 2% of full build`,
      measured: `${pct(f)} (${s(r.incremental.noopMs)} s vs ${s(r.incremental.fullMs)} s)`,
      ratio: f,
      met: f <= 0.02,
    });
  }
  if (r.incremental) {
    const f = r.incremental.fraction;
    out.push({
      target: `one edited role among ${midName}: rebuild ≤ 5% of full build`,
      measured: `${pct(f)} (${s(r.incremental.rebuildMs)} s vs ${s(r.incremental.fullMs)} s)${r.incremental.recycledFraction !== undefined ? `; a later edit (recycled tree) ${pct(r.incremental.recycledFraction)}` : ''}`,
      ratio: f,
      met: f <= 0.05,
    });
  }
  const peer = r.peer?.data;
  if (peer && r.incremental) {
    const ratio = r.incremental.fullMs / peer.totalMs;
    out.push({
      target: `${midName} full build faster than a plain handlebars script + rss + feed on the same roles`,
      measured: `${x(ratio)} (${s(r.incremental.fullMs)} s vs ${s(peer.totalMs)} s; the peer builds pages and two feeds, no rules)`,
      ratio,
      met: ratio < 1,
    });
  }
  const one = r.publish?.data?.oneEdit;
  if (one && r.incremental) {
    const f = one.totalMs / r.incremental.fullMs;
    out.push({
      target: `publish after one edit among ${midName}: ≤ 5% of full build, and the edit reaches the output and the receivers`,
      measured: `${pct(f)} (${s(one.totalMs)} s vs ${s(r.incremental.fullMs)} s); output ${one.reachedOutput ? 'yes' : 'NO'}, webhook ${one.told}`,
      ratio: f,
      met: f <= 0.05 && one.reachedOutput && one.told > 0,
    });
  }
  if (r.serve) {
    if (r.serve.failure) out.push({ target: 'cached GETs and 304s ≥ 60% of bare node:http, zero errors', measured: r.serve.failure, met: false });
    for (const c of r.serve.cases) {
      const errs = c.jobcast.errors + c.jobcast.unexpected;
      out.push({
        target: `${c.name}: ≥ 60% of bare req/s, zero errors`,
        measured: `${pct(c.ratio)}, ${errs} errors${c.jobcast.timeouts ? ` (${c.jobcast.timeouts} timeouts)` : ''} in ${r.serve.seconds} s`,
        ratio: c.ratio,
        met: c.ratio >= 0.6 && errs === 0,
      });
    }
  }
  return out;
}

function report(r: Results): string {
  const parts: string[] = [];
  parts.push(
    `jobcast bench · ${r.date.slice(0, 16).replace('T', ' ')} · node ${r.machine.node} · ${r.machine.cpus} × ${r.machine.cpuModel} · load ${r.machine.loadAverage1m.toFixed(1)} at start · ${r.durationS.toFixed(0)} s`,
  );
  if (r.builds.length) parts.push(buildTable(r.builds, r.incremental));
  if (r.serve) parts.push(r.serve.failure ? `serving: ${r.serve.failure}` : serveTable(r.serve));
  if (r.peer) parts.push(peerTable(r.peer, r.incremental?.fullMs));
  if (r.publish) parts.push(publishTable(r.publish));
  if (r.ledger) parts.push(ledgerTable(r.ledger));
  if (r.targets.length) {
    parts.push(
      table(
        ['target', 'measured', 'result'],
        r.targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'met' : 'NOT MET']),
      ),
    );
  }
  if (r.profile) {
    const short = (p: ProfileSummary) =>
      formatSummary({ ...p, functions: p.functions.slice(0, 15), inclusive: p.inclusive.slice(0, 12), modules: p.modules.slice(0, 10) });
    parts.push(`${r.profile.note}\n\nmain thread — ${short(r.profile.main)}`);
    if (r.profile.workers) parts.push(`worker threads (${r.profile.workers.threads}, summed) — ${short(r.profile.workers)}`);
  }
  for (const b of r.builds) if (b.incomplete) parts.push(`note: ${size(b.n)}: ${b.incomplete}`);
  for (const n of r.notes) parts.push(`note: ${n}`);
  return parts.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const deadline = started + BUDGET_MS;
  const cpus = os.cpus();
  const results: Results = {
    version: 1,
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus.length,
      cpuModel: (cpus[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
      memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
      loadAverage1m: round(os.loadavg()[0]!, 2),
    },
    seed: opts.seed,
    now: BENCH_NOW.toISOString(),
    builds: [],
    targets: [],
    notes: [],
    durationS: 0,
  };
  const want = (what: NonNullable<Options['only']>) => !opts.only || opts.only === what;
  const mid = opts.roles;
  const sizes = want('build') ? opts.sizes : [];
  if (!sizes.includes(mid) && (want('serve') || want('publish') || opts.profile || want('build'))) sizes.push(mid);
  sizes.sort((a, b) => a - b);
  const largest = Math.max(...sizes);

  // Before the builds: the largest build takes what is left of the budget.
  if (want('ledger')) results.ledger = await ledgerStep(mid);
  let pMid: BenchProject | undefined;
  const removeLater: BenchProject[] = [];
  try {
    for (const n of sizes) {
      const isMid = n === mid;
      const reported = want('build') && opts.sizes.includes(n);
      // The largest size gets what is left of the 10-minute budget (at least a minute, minus time to
      // clean up); smaller ones a fixed ceiling.
      // (Removing the folder of a large build takes a while too: it happens after the results are out.)
      const last = n === largest && n > mid;
      const timeoutMs = () => (last ? Math.max(60_000, deadline - Date.now() - 30_000) : 8 * 60_000);
      const r = await buildStep(n, opts, {
        limit: reported,
        edit: isMid && want('build'),
        seedLedger: isMid && want('publish'),
        keep: isMid && (want('serve') || want('publish') || want('build') || opts.profile),
        timeoutMs,
        ...(last ? { removeLater } : {}),
      });
      if (reported) results.builds.push(r.row);
      else if (!r.row.ok) results.notes.push(`the ${size(n)} build the other steps need failed: ${r.row.failure}`);
      if (!isMid) continue;
      if (r.incremental) results.incremental = r.incremental;
      pMid = r.project;
      if (want('build') && pMid) results.peer = await peerStep(pMid, n);
      if (want('serve') && pMid && r.role) {
        try {
          results.serve = await serveStep(pMid, r.role, n, opts.serveSeconds);
        } catch (err) {
          results.serve = { roles: n, connections: 100, seconds: opts.serveSeconds, cases: [], sameBytes: false, failure: (err as Error).message };
        }
      }
      if (want('publish')) {
        results.publish = await publishStep(n, opts, { ...(pMid ? { postingsDir: pMid.postingsDir } : {}), ...(r.seed ? { seed: r.seed } : {}) }, 8 * 60_000);
      }
      if (opts.profile && pMid) {
        const prof = await profileStep(pMid, n, 8 * 60_000);
        if ('failure' in prof) results.notes.push(`profile: ${prof.failure}`);
        else results.profile = prof;
      }
      dropProject(pMid);
      pMid = undefined;
    }
  } finally {
    dropProject(pMid);
  }

  results.durationS = round((Date.now() - started) / 1000, 1);
  results.targets = targets(results, opts);
  if (opts.roles !== 10_000 || opts.sizes.some((n) => ![1_000, 10_000, 100_000].includes(n))) {
    results.notes.push(
      `non-standard sizes (--sizes/--roles): targets are checked against ${size(opts.roles)} and ${size(Math.max(...opts.sizes))} instead of 10k and 100k`,
    );
  }
  if (results.builds.length) {
    results.notes.push(
      'build phases come from buildProject run with instrumented adapters (no hook in the core): a channel\'s "render" is the time during which any of its render()/renderPosting() calls or body iterators is in progress (producing bytes; for async bodies such as the email channel\'s .eml this includes waiting, so it is an upper bound); its "wall" runs from its first render call to the next channel\'s (render + produce + write + hash + carrying files over); "load + validate + rules" is build start → first render call.',
      "the limit writes the built files' bytes (read into memory first, 256 MiB at a time) to the same relative paths in a fresh folder with fs.promises.writeFile (each folder created once), one file after another, and 32 at a time (best of 3 runs below 50k roles, as disk write-back makes single runs noisy); the faster is the limit.",
      "peak RSS is the build process's maxRSS right after the full build (each size runs in its own process).",
    );
  }
  progress.done();
  const text = report(results);
  process.stdout.write(`\n${text}\n`);
  const file = opts.out;
  writeFileSync(file, `${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? round(v, 3) : v), 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), file) || file}\n`);
  for (const p of removeLater) {
    progress.set('removing the temp folder of the largest build');
    dropProject(p);
  }
  progress.done();
}

main().catch((err: unknown) => {
  progress.done();
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  cleanUp();
  process.exit(1);
});
