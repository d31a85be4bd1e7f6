/**
 * Another process in the middle of creating a state database: it has the real ledger schema written
 * inside an open write transaction and commits it a moment later, exactly what a second `jobcast`
 * process started at the same instant does while the first is still in its migration.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Ledger } from '../../src/ledger/ledger';

/** The statements and user_version a fresh ledger is created with (read from one made by Ledger). */
export async function ledgerSchema(): Promise<{ statements: string[]; userVersion: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobcast-schema-'));
  try {
    const file = path.join(dir, 'template.db');
    await (await Ledger.open(file)).close();
    const db = new Database(file, { fileMustExist: true });
    try {
      const statements = (
        db.prepare(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid`).all() as { sql: string }[]
      ).map((r) => r.sql);
      return { statements, userVersion: db.pragma('user_version', { simple: true }) as number };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CREATOR = `
const [driver, file, schema, holdMs] = process.argv.slice(1);
const Database = require(driver);
const { statements, userVersion } = JSON.parse(schema);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.exec('BEGIN IMMEDIATE');
for (const s of statements) db.exec(s);
db.pragma('user_version = ' + userVersion);
process.stdout.write('ready\\n');
setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('committed\\n'); }, Number(holdMs));
`;

export interface Creator {
  /** The schema is written, not yet committed. */
  ready: Promise<void>;
  /** Committed and closed; resolves with the exit code. */
  exited: Promise<number | null>;
  alive(): boolean;
  kill(): void;
}

/** Start a process that creates `file`'s ledger schema and holds the transaction open for `holdMs`. */
export async function createLedgerElsewhere(file: string, holdMs: number): Promise<Creator> {
  const schema = JSON.stringify(await ledgerSchema());
  const child = spawn(process.execPath, ['-e', CREATOR, require.resolve('better-sqlite3'), file, schema, String(holdMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let done = false;
  let onReady: () => void = () => undefined;
  let onFail: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject)));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    if (out.includes('ready\n')) onReady();
  });
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      done = true;
      onFail(new Error(`the creating process exited before it was ready: ${out}`));
      resolve(code);
    }),
  );
  return { ready, exited, alive: () => !done, kill: () => void (done || child.kill('SIGKILL')) };
}
