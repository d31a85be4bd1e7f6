#!/usr/bin/env node
'use strict';
/**
 * A light writer-lease contender for tests/lease.test.ts: a real process that uses the COMPILED
 * ledger (build/src/ledger/ledger.js, `npm run build`) the way `jobcast publish` does, without the
 * cost of loading the whole CLI. Every line it prints on stdout is one JSON event.
 *
 *   node lease-contender.js serve
 *     Prints {"ready":…}, then runs trials as the parent asks, one stdin line each:
 *     "TRY <id> <json {file, marker, holdMs}>": opens a new Ledger on `file` (so two contenders also
 *     race on creating a state file that does not exist yet) and tries
 *     lease.acquire('publish', { waitMs: 0 }).
 *       Lost: {"id","lost":true,"code","message"}; the ledger is closed.
 *       Won:  {"id","won":true,"pid","fence","acquired","holder"}; appends "start <pid> <fence>" to
 *             `marker`, commits a marker run (subject `marker-<pid>`, outbox key `marker|<pid>`)
 *             through the fenced Ledger.commitRun, holds the lease for `holdMs` and until
 *             "RELEASE <id>" arrives, proves it still holds it (assertHeld), appends
 *             "end <pid> <fence>", releases, closes and prints {"id","released":true}.
 *       Anything unexpected: {"id","error":true,"code","message"}.
 *     "EXIT": exits 0.
 *   node lease-contender.js hold <json options> <state.db>...
 *     Takes the lease in every file (ttlMs from options, default 10 min), prints one {"won":…} per
 *     file and {"holding":n}, then stays alive until it is killed.
 *   node lease-contender.js loop <state.db> <json options>
 *     Prints {"ready":…}, waits for "GO", then until it has held the lease options.rounds times:
 *     acquire (waitMs 0); when won append "start <pid> <fence>", commit a marker (key
 *     `loop|<pid>|<fence>`), wait 0–3 ms, assertHeld, append "end <pid> <fence>", release; when lost
 *     wait 0–2 ms. Prints {"done":true,"won","lost"}.
 *   node lease-contender.js lock <state.db> <ms>
 *     Opens (creates) the file with plain better-sqlite3, as a first opener would before switching it
 *     to WAL, holds a write transaction (BEGIN IMMEDIATE), prints {"locked":true}, commits after
 *     <ms> ms and exits 0.
 * A mode that fails prints {"error":true,"code","message"} and exits 2.
 */
const { appendFileSync } = require('node:fs');
const path = require('node:path');
const { Ledger } = require(path.join(__dirname, '..', '..', 'build', 'src', 'ledger', 'ledger.js'));

const say = (event) => process.stdout.write(JSON.stringify(event) + '\n');
const fail = (err) => {
  say({ error: true, code: err && err.code, message: String((err && err.message) || err) });
  process.exit(2);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Lines from the parent on stdin: "GO", "RELEASE". */
const heard = new Set();
const waiting = [];
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    heard.add(buffered.slice(0, nl).trim());
    buffered = buffered.slice(nl + 1);
  }
  for (const w of [...waiting]) {
    if (!heard.has(w.word)) continue;
    waiting.splice(waiting.indexOf(w), 1);
    w.resolve();
  }
});

const hear = (word) => (heard.has(word) ? Promise.resolve() : new Promise((resolve) => waiting.push({ word, resolve })));

function markerRun(subject, key, payload) {
  const at = new Date().toISOString();
  return {
    subjects: [{ subject, kind: 'posting', version: 1, digest: 'marker', lifecycle: 'open', hash: 'marker', since: at, changed: at, content: null }],
    told: [],
    items: [{ key, notifier: 'marker', receiver: 'marker', subject, version: 1, event: 'marker', payload }],
    gone: [],
  };
}

async function trial(id, opts) {
  const ledger = await Ledger.open(opts.file);
  let lease;
  try {
    lease = await ledger.lease.acquire('publish', { waitMs: 0 });
  } catch (err) {
    await ledger.close();
    if (err && err.code === 'JC_LEASE_HELD') return say({ id, lost: true, code: err.code, message: err.message });
    throw err;
  }
  const row = await ledger.lease.current();
  say({ id, won: true, pid: process.pid, fence: lease.fence, acquired: row && row.acquired, holder: row && row.holder });
  appendFileSync(opts.marker, `start ${process.pid} ${lease.fence}\n`);
  await ledger.commitRun(lease, markerRun(`marker-${process.pid}`, `marker|${process.pid}`, { pid: process.pid, fence: lease.fence }), new Date());
  await Promise.all([sleep(opts.holdMs ?? 200), hear(`RELEASE ${id}`)]);
  await lease.assertHeld();
  appendFileSync(opts.marker, `end ${process.pid} ${lease.fence}\n`);
  await lease.release();
  await ledger.close();
  say({ id, released: true });
}

function serve() {
  say({ ready: true, pid: process.pid });
  process.stdin.on('data', () => {
    for (const line of [...heard]) {
      if (line === 'EXIT') process.exit(0);
      const m = /^TRY (\S+) (.*)$/.exec(line);
      if (!m) continue;
      heard.delete(line);
      const id = m[1];
      trial(id, JSON.parse(m[2])).catch((err) => say({ id, error: true, code: err && err.code, message: String((err && err.message) || err) }));
    }
  });
  return new Promise(() => {});
}

async function hold(opts, files) {
  const ledgers = [];
  for (const file of files) {
    const ledger = await Ledger.open(file);
    ledgers.push(ledger);
    const lease = await ledger.lease.acquire('publish', { waitMs: 0, ttlMs: opts.ttlMs ?? 600_000 });
    const row = await ledger.lease.current();
    say({ won: true, file, pid: process.pid, fence: lease.fence, acquired: row && row.acquired, holder: row && row.holder });
  }
  say({ holding: files.length });
  setInterval(() => {}, 60_000);
}

async function loop(file, opts) {
  say({ ready: true, pid: process.pid });
  await hear('GO');
  const ledger = await Ledger.open(file);
  const rounds = opts.rounds ?? 20;
  const deadline = Date.now() + (opts.deadlineMs ?? 20_000);
  let won = 0;
  let lost = 0;
  while (won < rounds) {
    if (Date.now() > deadline) throw new Error(`won only ${won} of ${rounds} rounds before the deadline (lost ${lost})`);
    let lease;
    try {
      lease = await ledger.lease.acquire('publish', { waitMs: 0 });
    } catch (err) {
      if (!err || err.code !== 'JC_LEASE_HELD') throw err;
      lost++;
      await sleep(Math.floor(Math.random() * 3));
      continue;
    }
    appendFileSync(opts.marker, `start ${process.pid} ${lease.fence}\n`);
    await ledger.commitRun(lease, markerRun(`loop-${process.pid}-${lease.fence}`, `loop|${process.pid}|${lease.fence}`, { fence: lease.fence }), new Date());
    await sleep(Math.floor(Math.random() * 4));
    await lease.assertHeld();
    appendFileSync(opts.marker, `end ${process.pid} ${lease.fence}\n`);
    await lease.release();
    won++;
    await sleep(Math.floor(Math.random() * 2));
  }
  await ledger.close();
  say({ done: true, won, lost });
  process.exit(0);
}

async function lock(file, ms) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.exec('BEGIN IMMEDIATE');
  db.exec('CREATE TABLE IF NOT EXISTS first_opener (x)');
  say({ locked: true, pid: process.pid });
  await sleep(ms);
  db.exec('COMMIT');
  db.close();
  process.exit(0);
}

const [mode, ...rest] = process.argv.slice(2);
const parse = (text) => (text ? JSON.parse(text) : {});
let job;
if (mode === 'serve') job = serve();
else if (mode === 'hold') job = hold(parse(rest[0]), rest.slice(1));
else if (mode === 'loop') job = loop(rest[0], parse(rest[1]));
else if (mode === 'lock') job = lock(rest[0], Number(rest[1]));
else job = Promise.reject(new Error(`unknown mode ${mode}`));
job.catch(fail);
