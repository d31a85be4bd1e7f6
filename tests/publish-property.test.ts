/**
 * Property: over random edit sequences, with simulated crashes (the process dies at a random write
 * to the ledger, before or after it) in random publishes, every change reaches every receiver once
 * under a key of its own — or again, under the same key with the same bytes, only where a crashed
 * run had it on the wire without recording the answer — nothing is lost, and nothing is sent for a
 * non-change (docs/publication.md).
 *
 * The receivers are real servers on 127.0.0.1: the board webhook, the Indexing API and IndexNow (fake
 * remote), and an SMTP server for the email list `eng` (announceChanges). What each must get comes
 * from a model of the roles written here, independently of src/:
 *
 * - a role is live while its file is present, valid, `open` and posted in the past; its content is
 *   the salary. A broken file keeps the last good content a build saw of it; a file that was never
 *   valid since its role was removed (or ever) is not published.
 * - each run that commits compares what receivers would know now with what was committed last:
 *   gone → live is a publish, live → live with another salary an update, live → gone a close.
 *   A run that died before its commit told nothing (its change is seen by the next run), but the
 *   output it built is served, so what it saw of the files counts as seen.
 * - the board gets all three events; Google URL_UPDATED / URL_DELETED; IndexNow the URL; the list an
 *   email for publish and update only (one not yet sent when its role leaves may be withdrawn).
 *
 * After a crash a new process (a new Ledger on the same file) runs either at once, with the same
 * sources, or only with the next edit; it waits for the dead run's lease to expire.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Ledger, type OutboxRow } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import { notifiers as defaultNotifiers } from '../notifiers';
import { publish, type PublishResult } from '../src/publish/run';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { BASE_URL, BOARD_SECRET, notifyConfig } from './helpers/publish-env';
import { MINIMAL_POSTING, tempProject } from './helpers/project';
import { crashingLedger, startSmtpInbox, trackDeliveries, type CrashPoint, type SmtpInbox } from './helpers/prop-crash';

// ---------------------------------------------------------------------------------------------
// The model

const ROLES = ['api-engineer', 'data-engineer', 'web-engineer'] as const;
type RoleId = (typeof ROLES)[number];
const TITLES: Record<RoleId, string> = { 'api-engineer': 'API Engineer', 'data-engineer': 'Data Engineer', 'web-engineer': 'Web Engineer' };

type Status = 'open' | 'closed' | 'draft';
type Salary = 'A' | 'B';
type Broken = 'none' | 'yaml' | 'enum';

/** What a valid file says. */
interface Content {
  status: Status;
  future: boolean;
  salary: Salary;
}
/** What the author has in the editor: the content, and whether it is broken. */
interface Spec extends Content {
  broken: Broken;
}
interface RoleModel {
  present: boolean;
  spec: Spec;
  /** The last good content a build saw while the file existed (a broken file keeps it). */
  lastGood: Content | undefined;
}

const _KINDS = ['open', 'close', 'draft', 'future', 'past', 'salaryA', 'salaryB', 'delete', 'recreate', 'breakYaml', 'breakEnum', 'fix', 'noop'] as const;
type Kind = (typeof _KINDS)[number];
interface Action {
  role: number;
  kind: Kind;
}
/** Where in its run the process dies: a fraction of the run's writes to the ledger, before or after that write. */
interface CrashAt {
  permille: number;
  after: boolean;
  /** Instead: die at the first call of this write. */
  method?: CrashPoint['method'];
}
interface Step {
  /** Edits made before this step's publish. */
  actions: Action[];
  /** The publish dies at the first point; its restart at the second, and so on. */
  crashes: CrashAt[];
  /** After the last crash, the next process starts only with the next step (or at the end). */
  restartLater: boolean;
}
interface Scenario {
  initial: { present: boolean; spec: Spec }[];
  steps: Step[];
}

type TellEvent = 'publish' | 'update' | 'close';
/** Live with this salary, or gone. */
type Seen = Salary | null;

/** An edit in the editor: what it does to the file. */
function applyAction(r: RoleModel, kind: Kind): { write: boolean; remove: boolean } {
  const s = r.spec;
  switch (kind) {
    case 'open':
      s.status = 'open';
      break;
    case 'close':
      s.status = 'closed';
      break;
    case 'draft':
      s.status = 'draft';
      break;
    case 'future':
      s.future = true;
      break;
    case 'past':
      s.future = false;
      break;
    case 'salaryA':
      s.salary = 'A';
      break;
    case 'salaryB':
      s.salary = 'B';
      break;
    case 'breakYaml':
      s.broken = 'yaml';
      break;
    case 'breakEnum':
      s.broken = 'enum';
      break;
    case 'fix':
      s.broken = 'none';
      break;
    case 'noop':
      return { write: false, remove: false };
    case 'delete':
      if (!r.present) return { write: false, remove: false };
      r.present = false;
      return { write: false, remove: true };
    case 'recreate':
      r.present = true;
      break;
  }
  return { write: r.present, remove: false };
}

/**
 * What a build sees of the files: a valid file is the role's last good content; a removed role has
 * none (a file created later under its name starts afresh); a broken file keeps what was seen last.
 * Only builds count: a file broken before any build read it was never valid.
 */
function build(model: RoleModel[]): void {
  for (const r of model) {
    if (!r.present) r.lastGood = undefined;
    else if (r.spec.broken === 'none') r.lastGood = { status: r.spec.status, future: r.spec.future, salary: r.spec.salary };
  }
}

/** What receivers would know of a role after that build: its salary while it is live, else null. */
function seen(r: RoleModel): Seen {
  const c = r.present ? r.lastGood : undefined;
  return c && c.status === 'open' && !c.future ? c.salary : null;
}

/** The table: gone → live publishes, live → live with other content updates, live → gone closes. */
function eventOf(before: Seen, after: Seen): TellEvent | undefined {
  if (before === null) return after === null ? undefined : 'publish';
  if (after === null) return 'close';
  return before === after ? undefined : 'update';
}

// ---------------------------------------------------------------------------------------------
// Files and clocks

const PAST = '2026-11-01';
/** After every clock of the test: a role posted then is scheduled, never live. */
const FUTURE = '2027-06-01';
const BASE = Date.parse('2026-11-28T12:00:00Z');
const clock = (i: number) => new Date(BASE + i * 15 * 60_000);
const page = (id: string) => `${BASE_URL}/jobs/${id}/`;
const LIST_ADDRESS = 'eng@lists.example.com';

function postingText(id: RoleId, s: Spec): string {
  let t = MINIMAL_POSTING.replace('Backend Engineer', TITLES[id])
    .replace('status: open', `status: ${s.status}`)
    .replace('datePosted: 2026-11-01', `datePosted: ${s.future ? FUTURE : PAST}`)
    .replace('max: 90000', `max: ${s.salary === 'A' ? 90000 : 120000}`)
    .replace('/jobs/backend-engineer/apply', `/jobs/${id}/apply`);
  t += 'channels:\n  email: { lists: [eng] }\n';
  if (s.broken === 'yaml') t += 'responsibilities: [ "unclosed\n';
  if (s.broken === 'enum') t = t.replace('workplace: onsite', 'workplace: onsight');
  return t;
}

const LIST = `channels:
  email:
    lists:
      eng:
        address: ${LIST_ADDRESS}
        announceChanges: true
`;

/** A dead run's lease expires this long after its last renewal; the next process waits for it. */
const LEDGER_ENV: NodeJS.ProcessEnv = { JOBCAST_LEASE_TTL_MS: '200' };
const LOCK_WAIT_MS = 15_000;
const NO_SLEEP = async () => undefined;

// ---------------------------------------------------------------------------------------------
// Receivers

let remote: FakeRemote;
let smtp: SmtpInbox;
let keyJson: string;

beforeAll(async () => {
  remote = await startFakeRemote();
  smtp = await startSmtpInbox();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyJson = JSON.stringify({
    type: 'service_account',
    client_email: 'jobcast@example-project.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    token_uri: `${remote.url}/token`,
  });
});
afterAll(async () => {
  await smtp?.close();
  await remote?.close();
});

/** A keyed notification as received: its key, what it says, and its bytes (copies must be equal). */
interface Got {
  key: string;
  what: string;
  version: number;
  bytes: string;
}

const WEBHOOK_EVENT: Record<TellEvent, string> = { publish: 'posting.published', update: 'posting.updated', close: 'posting.closed' };
const INDEXING_TYPE: Record<TellEvent, string> = { publish: 'URL_UPDATED', update: 'URL_UPDATED', close: 'URL_DELETED' };

function webhookGot(reqs: readonly Recorded[], id: string): Got[] {
  return reqs
    .filter((r) => r.path === '/webhook')
    .flatMap((r) => {
      const b = JSON.parse(r.body) as { event: string; delivery: string; posting: { id: string; version: number } };
      if (b.posting.id !== id) return [];
      return [
        {
          key: String(r.headers['idempotency-key']),
          what: b.event,
          version: b.posting.version,
          bytes: `${String(r.headers['x-jobcast-delivery'])} ${b.delivery} ${r.body}`,
        },
      ];
    });
}

/** `<jobcast.<id>.v<version>.<key space>.<list>@<host>>` (docs/publication.md, "Keys"). */
const MESSAGE_ID = /^Message-ID:\s*(<jobcast\.([a-z0-9-]+)\.v(\d+)\.([0-9a-f]{8})\.([a-z0-9-]+)@([^>]+)>)/im;

function mailGot(mail: readonly Buffer[], id: string): Got[] {
  return mail.flatMap((raw) => {
    const text = raw.toString('utf8');
    const m = MESSAGE_ID.exec(text);
    if (!m || m[2] !== id) return [];
    const to = /^To:\s*(.*)$/im.exec(text)?.[1]?.trim() ?? '';
    return [{ key: m[1]!, what: `${m[5]}@${m[6]} ${to}`, version: Number(m[3]), bytes: text }];
  });
}

const indexingGot = (reqs: readonly Recorded[], id: string): string[] =>
  reqs
    .filter((r) => r.path === '/indexing')
    .map((r) => JSON.parse(r.body) as { url: string; type: string })
    .filter((b) => b.url === page(id))
    .map((b) => b.type);

const indexNowCount = (reqs: readonly Recorded[], id: string): number =>
  reqs.filter((r) => r.path === '/indexnow').filter((r) => (JSON.parse(r.body) as { urlList: string[] }).urlList.includes(page(id))).length;

/** Distinct keys in order of first arrival, each with its copies. */
function byKey(got: readonly Got[]): { first: Got; copies: Got[] }[] {
  const out = new Map<string, { first: Got; copies: Got[] }>();
  for (const g of got) {
    const e = out.get(g.key);
    if (e) e.copies.push(g);
    else out.set(g.key, { first: g, copies: [g] });
  }
  return [...out.values()];
}

/** The key a receiver sees of an outbox item (webhook delivery id, Message-ID), if it sees one. */
function receivedKeyOf(o: OutboxRow): string | undefined {
  const p = JSON.parse(o.payload) as { delivery?: string; spec?: { messageId?: string } };
  return o.notifier === 'webhook' ? p.delivery : o.notifier === 'smtp' ? p.spec?.messageId : undefined;
}

/** Is `got` `want` with each element repeated at most `max` times in a row (copies of one notification)? */
function isStutter(got: readonly string[], want: readonly string[], max: number): boolean {
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    if (j === want.length) return i === got.length;
    const k = `${i},${j}`;
    if (memo.has(k)) return memo.get(k)!;
    let ok = false;
    for (let n = 1; n <= max && i + n <= got.length && got[i + n - 1] === want[j]; n++)
      if (go(i + n, j + 1)) {
        ok = true;
        break;
      }
    memo.set(k, ok);
    return ok;
  };
  return go(0, 0);
}

// ---------------------------------------------------------------------------------------------
// One scenario

interface RunRecord {
  step: number;
  crash: string | undefined;
  committed: Partial<Record<RoleId, TellEvent>>;
  requests: Recorded[];
  mail: Buffer[];
}

function describeRuns(sc: Scenario, runs: readonly RunRecord[]): string {
  const lines = [`  initial ${sc.initial.map((r, i) => `${ROLES[i]}=${r.present ? JSON.stringify(r.spec) : 'absent'}`).join(' ')}`];
  let last = -1;
  for (const r of runs) {
    if (r.step !== last && r.step < sc.steps.length) {
      const s = sc.steps[r.step]!;
      lines.push(`  step ${r.step}: ${s.actions.map((a) => `${a.kind} ${ROLES[a.role]}`).join(', ')}`);
    } else if (r.step !== last) lines.push('  final run');
    last = r.step;
    const hooks = r.requests
      .filter((q) => q.path === '/webhook')
      .map((q) => {
        const b = JSON.parse(q.body) as { event: string; posting: { id: string; version: number } };
        return `${b.event.replace('posting.', '')} ${b.posting.id} v${b.posting.version}`;
      });
    const idx = r.requests
      .filter((q) => q.path === '/indexing')
      .map((q) => {
        const b = JSON.parse(q.body) as { url: string; type: string };
        return `${b.type} ${b.url.replace(BASE_URL, '')}`;
      });
    const mails = r.mail.map((m) => MESSAGE_ID.exec(m.toString('utf8'))?.[1] ?? '?');
    const committed = Object.entries(r.committed)
      .map(([id, e]) => `${id}:${e}`)
      .join(' ');
    lines.push(`    run${r.crash ? ` crashed ${r.crash}` : ''}; model commits [${committed}]`);
    lines.push(`      webhook [${hooks.join(', ')}] indexing [${idx.join(', ')}] mail [${mails.join(', ')}]`);
  }
  return lines.join('\n');
}

async function runScenario(sc: Scenario): Promise<void> {
  remote.requests.length = 0;
  smtp.mail.length = 0;
  const project = tempProject({}, notifyConfig(remote.url, LIST));
  const keyFile = path.join(project.dir, 'service-account.json');
  writeFileSync(keyFile, keyJson);
  const env: NodeJS.ProcessEnv = { GOOGLE_APPLICATION_CREDENTIALS: keyFile, BOARD_SECRET, SMTP_URL: smtp.url };
  const statePath = path.join(project.dir, 'state.db');

  const model: RoleModel[] = sc.initial.map((r) => ({ present: r.present, spec: { ...r.spec }, lastGood: undefined }));
  sc.initial.forEach((r, i) => void (r.present && project.write(`${ROLES[i]}.yaml`, postingText(ROLES[i]!, r.spec))));
  /** What the last committing run recorded of each role. */
  let committedSeen: Seen[] = ROLES.map(() => null);
  const expected = new Map<RoleId, TellEvent[]>(ROLES.map((id) => [id, []]));

  let ledger = await Ledger.open(statePath, LEDGER_ENV);
  /** A process died and its successor has not started yet. */
  let dead: ReturnType<typeof trackDeliveries> | undefined;
  /**
   * Items a crashed run handed to a notifier without writing their confirmation: the only ones that
   * may reach a receiver again (docs/publication.md, "Delivery"). Each such run allows one more copy.
   */
  const unconfirmed: OutboxRow[] = [];
  const runs: RunRecord[] = [];
  const problems: string[] = [];

  const options = (tracked: ReturnType<typeof trackDeliveries>, now: Date) => ({
    now,
    env,
    log: silentLogger(),
    sleep: NO_SLEEP,
    notifiers: tracked.notifiers,
    waitForLock: LOCK_WAIT_MS,
  });
  /** A new process after a crash: what the dead one had on the wire has arrived; a new Ledger on the file. */
  const restart = async () => {
    if (!dead) return;
    await dead.settle(LOCK_WAIT_MS);
    dead = undefined;
    ledger = await Ledger.open(statePath, LEDGER_ENV);
  };
  /** The write to die at: the run's writes are estimated from what a dry run plans. */
  const crashPoint = async (c: CrashAt, now: Date): Promise<CrashPoint> => {
    if (c.method) return { at: 0, after: c.after, method: c.method };
    const dry = await publish(await project.open(), ledger, { now, env, log: silentLogger(), dryRun: true, waitForLock: LOCK_WAIT_MS });
    const items = [...dry.planned.map((p) => p.notifier), ...dry.outstanding.map((o) => o.notifier)];
    // startRun, recoverInterrupted, commitRun; claim + outcome per item (Google also takes quota); finishRun.
    const writes = 3 + items.reduce((n, notifier) => n + (notifier === 'google-indexing' ? 3 : 2), 0) + 1;
    return { at: Math.floor((c.permille / 1000) * writes), after: c.after };
  };
  /** One publish, maybe dying; the model follows what it built and committed. Returns whether it died. */
  const runOnce = async (step: number, crash: CrashAt | null): Promise<boolean> => {
    await restart();
    const now = clock(step);
    const point = crash ? await crashPoint(crash, now) : null;
    const tracked = trackDeliveries(defaultNotifiers);
    const dying = crashingLedger(ledger, point);
    const r0 = remote.requests.length;
    const m0 = smtp.mail.length;
    let result: PublishResult | undefined;
    let thrown: unknown;
    try {
      result = await publish(await project.open(), dying.ledger, options(tracked, now));
    } catch (err) {
      thrown = err;
    }
    const crashedAt = dying.crashedAt();
    if (!crashedAt && thrown) throw thrown instanceof Error ? thrown : new Error('publish threw a non-Error', { cause: thrown });
    if (crashedAt && result) problems.push(`step ${step}: the run survived its crash (${crashedAt})`);
    if (result) {
      if (result.error) problems.push(`step ${step}: publish failed: ${result.error.code} ${result.error.message}`);
      const d = result.delivery;
      if (d.failed || d.retrying || d.remaining || d.waiting || d.deferred) problems.push(`step ${step}: delivery not complete: ${JSON.stringify(d)}`);
    }
    if (crashedAt) {
      dead = tracked;
    }
    // The build ran when commitRun was reached; the commit happened when commitRun was done.
    const committed: RunRecord['committed'] = {};
    if (dying.writes.includes('commitRun')) build(model);
    if (dying.done.includes('commitRun')) {
      const now = model.map(seen);
      ROLES.forEach((id, k) => {
        const e = eventOf(committedSeen[k]!, now[k]!);
        if (e) {
          expected.get(id)!.push(e);
          committed[id] = e;
        }
      });
      committedSeen = now;
    }
    if (crashedAt) {
      await dead!.settle(LOCK_WAIT_MS);
      const attempted = new Map(tracked.attempts.map((a) => [a.id, a]));
      for (const item of attempted.values()) if (!dying.confirmed.has(item.id)) unconfirmed.push(item);
    }
    runs.push({ step, crash: crashedAt, committed, requests: remote.requests.slice(r0), mail: smtp.mail.slice(m0) });
    return Boolean(crashedAt);
  };

  try {
    for (let i = 0; i < sc.steps.length; i++) {
      const step = sc.steps[i]!;
      for (const action of step.actions) {
        const id = ROLES[action.role]!;
        const r = model[action.role]!;
        const io = applyAction(r, action.kind);
        if (io.remove) project.remove(`${id}.yaml`);
        if (io.write) project.write(`${id}.yaml`, postingText(id, r.spec));
      }
      for (let j = 0; ; j++) {
        const died = await runOnce(i, step.crashes[j] ?? null);
        if (!died) break;
        if (j + 1 >= step.crashes.length && step.restartLater) break;
      }
    }
    // A process still dead starts now; then a run without edits sends nothing at all.
    if (dead) await runOnce(sc.steps.length, null);
    const end = sc.steps.length + 1;
    await restart();
    const r0 = remote.requests.length;
    const m0 = smtp.mail.length;
    const quiet = await publish(await project.open(), ledger, options(trackDeliveries(defaultNotifiers), clock(end)));
    if (quiet.error) problems.push(`final run: ${quiet.error.code} ${quiet.error.message}`);
    if (quiet.planned.length || quiet.outstanding.length) problems.push(`final run without edits planned ${quiet.planned.map((p) => p.key).join(', ')}`);
    if (remote.requests.length > r0 || smtp.mail.length > m0) {
      problems.push(
        `final run without edits sent ${remote.requests
          .slice(r0)
          .map((q) => q.path)
          .join(', ')} and ${smtp.mail.length - m0} mail(s)`,
      );
    }

    // Nothing is left undelivered; only an email whose role left before it was sent may be withdrawn.
    const outbox = await ledger.outbox();
    for (const o of outbox) {
      if (o.status === 'done' || (o.status === 'cancelled' && o.notifier === 'smtp')) continue;
      problems.push(`outbox ${o.key} left ${o.status} (${o.last_error ?? ''})`);
    }

    const all = runs.flatMap((r) => r.requests);
    const mail = runs.flatMap((r) => r.mail);
    /** How many more copies of a notification may arrive: one per crashed run that left it unconfirmed. */
    const extraCopies = (receivedKey: string) => unconfirmed.filter((o) => receivedKeyOf(o) === receivedKey).length;
    const checkCopies = (who: string, groups: { first: Got; copies: Got[] }[], perRun: (r: RunRecord) => Got[]) => {
      for (const g of groups) {
        const allowed = 1 + extraCopies(g.first.key);
        if (g.copies.length > allowed)
          problems.push(`${who}: ${g.first.key} received ${g.copies.length} times; ${allowed - 1} crashed run(s) had it on the wire unconfirmed`);
        if (g.copies.some((c) => c.bytes !== g.first.bytes)) problems.push(`${who}: a copy of ${g.first.key} differs from the first`);
      }
      runs.forEach((r, k) => {
        const keys = perRun(r).map((g) => g.key);
        if (new Set(keys).size !== keys.length) problems.push(`${who}: run ${k} (step ${r.step}) sent one notification twice: ${keys.join(', ')}`);
      });
    };
    for (const m of mail) if (!MESSAGE_ID.test(m.toString('utf8'))) problems.push(`a mail without a jobcast Message-ID: ${m.toString('utf8').slice(0, 300)}`);
    // One ledger throughout (crashes do not replace it): one key space.
    const spaces = new Set(mail.map((m) => MESSAGE_ID.exec(m.toString('utf8'))?.[4]));
    if (spaces.size > 1) problems.push(`mails in several key spaces: ${[...spaces].join(', ')}`);
    for (const id of ROLES) {
      const want = expected.get(id)!;
      // The board: every event, in order, each under the key of its (receiver, subject, version).
      const hooks = byKey(webhookGot(all, id));
      checkCopies(`webhook ${id}`, hooks, (r) => webhookGot(r.requests, id));
      const gotEvents = hooks.map((h) => h.first.what);
      if (JSON.stringify(gotEvents) !== JSON.stringify(want.map((e) => WEBHOOK_EVENT[e]))) {
        problems.push(`webhook ${id}: expected [${want.map((e) => WEBHOOK_EVENT[e]).join(', ')}], got [${gotEvents.join(', ')}]`);
      }
      const versions = hooks.map((h) => h.first.version);
      if (versions.some((v, k) => k > 0 && !(v > versions[k - 1]!))) problems.push(`webhook ${id}: versions do not grow: ${versions.join(', ')}`);
      for (const h of hooks) {
        const [delivery, bodyDelivery] = h.first.bytes.split(' ');
        if (h.first.key !== delivery || h.first.key !== bodyDelivery)
          problems.push(`webhook ${id}: Idempotency-Key ${h.first.key}, X-Jobcast-Delivery ${delivery} and the body's delivery ${bodyDelivery} differ`);
      }

      // Google: URL_UPDATED / URL_DELETED in order; copies only after crashes.
      const types = indexingGot(all, id);
      const googleExtra = unconfirmed.filter((o) => o.notifier === 'google-indexing' && o.subject === id).length;
      if (
        !isStutter(
          types,
          want.map((e) => INDEXING_TYPE[e]),
          1 + googleExtra,
        ) ||
        types.length > want.length + googleExtra
      ) {
        problems.push(
          `indexing ${id}: expected [${want.map((e) => INDEXING_TYPE[e]).join(', ')}]${googleExtra ? ` (${googleExtra} repeat(s) allowed)` : ''}, got [${types.join(', ')}]`,
        );
      }
      const pinged = indexNowCount(all, id);
      const indexNowExtra = unconfirmed.filter(
        (o) => o.notifier === 'indexnow' && (JSON.parse(o.payload) as { urlList: string[] }).urlList.includes(page(id)),
      ).length;
      if (pinged < want.length || pinged > want.length + indexNowExtra)
        problems.push(`indexnow ${id}: ${want.length} change(s)${indexNowExtra ? ` (${indexNowExtra} repeat(s) allowed)` : ''}, URL sent ${pinged} times`);

      // The list: an email for each publish and update, with the version the board was told.
      const mails = byKey(mailGot(mail, id));
      checkCopies(`email ${id}`, mails, (r) => mailGot(r.mail, id));
      for (const m of mails)
        if (m.first.what !== `eng@${new URL(BASE_URL).hostname} ${LIST_ADDRESS}`) problems.push(`email ${id}: ${m.first.key} names or went to ${m.first.what}`);
      if (versions.length !== want.length) continue; // reported above; the list's versions are the board's
      const told = want.map((e, k) => ({ e, v: versions[k]!, next: want[k + 1] })).filter((t) => t.e !== 'close');
      const withdrawn = new Set(outbox.filter((o) => o.notifier === 'smtp' && o.subject === id && o.status === 'cancelled').map((o) => o.version));
      for (const t of told) if (withdrawn.has(t.v) && t.next !== 'close') problems.push(`email ${id} v${t.v}: withdrawn, but the role did not leave after it`);
      const wantMail = told.filter((t) => !withdrawn.has(t.v)).map((t) => `v${t.v}`);
      const gotMail = mails.map((m) => `v${m.first.version}`);
      if (JSON.stringify(gotMail) !== JSON.stringify(wantMail))
        problems.push(`email ${id}: expected [${wantMail.join(', ')}] (the board's versions), got [${gotMail.join(', ')}]`);
    }
    if (problems.length) {
      const exp = ROLES.map((id) => `${id}: [${expected.get(id)!.join(', ')}]`).join('; ');
      throw new Error(`${problems.length} problem(s):\n${[...new Set(problems)].join('\n')}\nexpected ${exp}\nrun:\n${describeRuns(sc, runs)}`);
    }
  } finally {
    await dead?.settle(LOCK_WAIT_MS).catch(() => undefined);
    await ledger.close();
    project.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const weighted = <T>(...choices: [T[], number][]): fc.Arbitrary<T> =>
  fc.oneof(...choices.map(([values, weight]) => ({ arbitrary: fc.constantFrom(...values), weight })));

const specArb: fc.Arbitrary<Spec> = fc.record({
  status: weighted<Status>([['open'], 2], [['closed', 'draft'], 1]),
  future: weighted([[false], 4], [[true], 1]),
  salary: fc.constantFrom<Salary>('A', 'B'),
  broken: weighted<Broken>([['none'], 6], [['yaml', 'enum'], 1]),
});

/** Every kind of edit; those that change a role's content or bring it back come more often. */
const kindArb: fc.Arbitrary<Kind> = weighted<Kind>(
  [['salaryA', 'salaryB'], 4],
  [['open', 'past', 'fix', 'recreate'], 4],
  [['close', 'draft', 'future', 'delete', 'breakYaml', 'breakEnum'], 3],
  [['noop'], 1],
);

const crashArb: fc.Arbitrary<CrashAt> = fc.record({ permille: fc.nat({ max: 999 }), after: fc.boolean() });

const stepArb: fc.Arbitrary<Step> = fc.record({
  actions: fc.array(fc.record({ role: fc.nat({ max: ROLES.length - 1 }), kind: kindArb }), { minLength: 1, maxLength: 3 }),
  crashes: weighted<number>([[0], 5], [[1], 4], [[2], 1]).chain((n) => fc.array(crashArb, { minLength: n, maxLength: n })),
  restartLater: fc.boolean(),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  initial: fc.array(fc.record({ present: weighted([[true], 3], [[false], 1]), spec: specArb }), { minLength: ROLES.length, maxLength: ROLES.length }),
  steps: fc.array(stepArb, { minLength: 4, maxLength: 7 }),
});

describe('publish under random edits and crashes', () => {
  it('tells every change to every receiver once under a new key, repeats only after a crash, loses nothing', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), {
      numRuns: 12,
      // Shrinking a failure re-runs whole scenarios: stop it after a while and report the smallest found.
      interruptAfterTimeLimit: 90_000,
    });
  }, 240_000);

  // Counterexamples the property found (docs/publication.md, "A broken file never freezes the
  // others": a file that has never been valid is not published).
  const role = (present: boolean): Scenario['initial'][number] => ({ present, spec: { status: 'open', future: false, salary: 'A', broken: 'none' } });
  const step = (actions: [number, Kind][], crashes: CrashAt[] = [], restartLater = false): Step => ({
    actions: actions.map(([r, kind]) => ({ role: r, kind })),
    crashes,
    restartLater,
  });

  it('does not bring a deleted role back when a broken file of its name appears', async () => {
    await runScenario({
      initial: [role(true), role(false), role(false)],
      steps: [
        step([[0, 'noop']]),
        step([[0, 'delete']]),
        step([
          [0, 'breakEnum'],
          [0, 'recreate'],
        ]),
      ],
    });
  }, 60_000);

  it('tells the deletion even when the run that built it died before its commit and the file comes back broken', async () => {
    await runScenario({
      initial: [role(true), role(false), role(false)],
      steps: [
        step([[0, 'noop']]),
        step([[0, 'delete']], [{ permille: 0, after: false, method: 'commitRun' }], true),
        step([
          [0, 'breakEnum'],
          [0, 'recreate'],
        ]),
      ],
    });
  }, 60_000);
});
