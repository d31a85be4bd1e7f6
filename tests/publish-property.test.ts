/**
 * Property: over random edit sequences, with a simulated crash (the process dies at a random write
 * to the ledger, before or after it) in random publishes, every change reaches every receiver exactly
 * once under a new key — or, only in a run that crashed, once more under the same key with the same
 * body — nothing is lost, nothing is sent for a non-change (docs/publication.md).
 *
 * The receivers are real servers on 127.0.0.1: the board webhook, the Indexing API and IndexNow
 * (fake remote), and an SMTP server for the email list `eng` (announceChanges). What each of them
 * must get is derived from a model of the roles written here, independently of src/: a role is live
 * while its file is present, open and posted in the past — a broken file keeps the role's last good
 * state, a file that was never valid publishes nothing — and its content is the salary.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Ledger } from '../src/ledger/ledger';
import { silentLogger } from '../src/log';
import { notifiers as defaultNotifiers } from '../src/publish/notifiers';
import { publish, type PublishResult } from '../src/publish/run';
import { startFakeRemote, type FakeRemote, type Recorded } from './helpers/fake-remote';
import { BASE_URL, BOARD_SECRET, notifyConfig } from './helpers/publish-env';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';
import { crashingLedger, startSmtpInbox, trackDeliveries, type CrashPoint, type SmtpInbox } from './helpers/prop-crash';

// ---------------------------------------------------------------------------------------------
// The model

const ROLES = ['api-engineer', 'data-engineer', 'web-engineer'] as const;
type RoleId = (typeof ROLES)[number];
const TITLES: Record<RoleId, string> = { 'api-engineer': 'API Engineer', 'data-engineer': 'Data Engineer', 'web-engineer': 'Web Engineer' };

type Status = 'open' | 'closed' | 'draft';
type Salary = 'A' | 'B';
type Broken = 'none' | 'yaml' | 'enum';

/** What a file says (when it is valid). */
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
  /** The role's last good content while its file exists (a broken file keeps it). */
  lastGood: Content | undefined;
}

const KINDS = ['open', 'close', 'draft', 'future', 'past', 'salaryA', 'salaryB', 'delete', 'recreate', 'breakYaml', 'breakEnum', 'fix', 'noop'] as const;
type Kind = (typeof KINDS)[number];
interface Action {
  role: number;
  kind: Kind;
}
/** Where in its run the process dies: a fraction of the run's writes to the ledger, before or after that write. */
interface CrashAt {
  permille: number;
  after: boolean;
}
interface Step {
  action: Action;
  crash: CrashAt | null;
}
interface Scenario {
  initial: { present: boolean; spec: Spec }[];
  steps: Step[];
}

type TellEvent = 'publish' | 'update' | 'close';
/** Live with this salary, or gone. */
type Told = Salary | null;

/** What receivers would know of a role now: its salary while it is live, else null. */
function effective(r: RoleModel): Told {
  if (!r.present) return null;
  const c = r.spec.broken === 'none' ? r.spec : r.lastGood;
  if (!c) return null;
  return c.status === 'open' && !c.future ? c.salary : null;
}

/** The table: gone → live publishes, live → live with other content updates, live → gone closes. */
function eventOf(before: Told, after: Told): TellEvent | undefined {
  if (before === null) return after === null ? undefined : 'publish';
  if (after === null) return 'close';
  return before === after ? undefined : 'update';
}

function applyAction(r: RoleModel, kind: Kind): { write: boolean; remove: boolean } {
  const s = r.spec;
  switch (kind) {
    case 'open': s.status = 'open'; break;
    case 'close': s.status = 'closed'; break;
    case 'draft': s.status = 'draft'; break;
    case 'future': s.future = true; break;
    case 'past': s.future = false; break;
    case 'salaryA': s.salary = 'A'; break;
    case 'salaryB': s.salary = 'B'; break;
    case 'breakYaml': s.broken = 'yaml'; break;
    case 'breakEnum': s.broken = 'enum'; break;
    case 'fix': s.broken = 'none'; break;
    case 'noop': return { write: false, remove: false };
    case 'delete':
      if (!r.present) return { write: false, remove: false };
      r.present = false;
      // The role is removed: a file created later under its name starts afresh.
      r.lastGood = undefined;
      return { write: false, remove: true };
    case 'recreate':
      r.present = true;
      break;
  }
  if (r.present && s.broken === 'none') r.lastGood = { status: s.status, future: s.future, salary: s.salary };
  return { write: r.present, remove: false };
}

// ---------------------------------------------------------------------------------------------
// Files and clocks

const PAST = '2026-11-01';
/** After every clock of the test: a role posted then is scheduled, never live. */
const FUTURE = '2027-06-01';
const BASE = Date.parse('2026-11-28T12:00:00Z');
const clock = (i: number) => new Date(BASE + i * 15 * 60_000);
const HOST = new URL(BASE_URL).hostname;
const page = (id: string) => `${BASE_URL}/jobs/${id}/`;

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
        address: eng@lists.example.com
        announceChanges: true
`;

/** The lease of a dead run expires after this; the restart waits for it. */
const LEDGER_ENV: NodeJS.ProcessEnv = { JOBCAST_LEASE_TTL_MS: '250' };

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
    type: 'service_account', client_email: 'jobcast@example-project.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: `${remote.url}/token`,
  });
});
afterAll(async () => {
  await smtp?.close();
  await remote?.close();
});

/** One notification as a receiver got it: its key, what it says, and the bytes to compare copies by. */
interface Got {
  key: string;
  event: string;
  version?: number;
  bytes: string;
}

const WEBHOOK_EVENT: Record<TellEvent, string> = { publish: 'posting.published', update: 'posting.updated', close: 'posting.closed' };
const INDEXING_TYPE: Record<TellEvent, string> = { publish: 'URL_UPDATED', update: 'URL_UPDATED', close: 'URL_DELETED' };

function webhookGot(reqs: readonly Recorded[], id: string): Got[] {
  return reqs.filter((r) => r.path === '/webhook').flatMap((r) => {
    const b = JSON.parse(r.body) as { event: string; delivery: string; posting: { id: string; version: number } };
    if (b.posting.id !== id) return [];
    return [{ key: String(r.headers['idempotency-key']), event: b.event, version: b.posting.version, bytes: `${r.headers['x-jobcast-delivery']} ${b.delivery} ${r.body}` }];
  });
}

function indexingGot(reqs: readonly Recorded[], id: string): Got[] {
  return reqs.filter((r) => r.path === '/indexing').flatMap((r) => {
    const b = JSON.parse(r.body) as { url: string; type: string };
    return b.url === page(id) ? [{ key: `${b.type} ${b.url}`, event: b.type, bytes: r.body }] : [];
  });
}

function indexNowGot(reqs: readonly Recorded[], id: string): Got[] {
  return reqs.filter((r) => r.path === '/indexnow').flatMap((r) => {
    const b = JSON.parse(r.body) as { urlList: string[] };
    return b.urlList.includes(page(id)) ? [{ key: r.body, event: 'url', bytes: r.body }] : [];
  });
}

function mailGot(mail: readonly Buffer[], id: string): Got[] {
  return mail.flatMap((raw) => {
    const text = raw.toString('utf8');
    const m = /^Message-ID:\s*<jobcast\.([a-z0-9-]+)\.v(\d+)\.([a-z0-9-]+)@([^>]+)>/im.exec(text);
    if (!m) return [{ key: `unparsable Message-ID in ${text.slice(0, 200)}`, event: '?', bytes: text }];
    if (m[1] !== id) return [];
    return [{ key: m[0].slice(m[0].indexOf('<')), event: `${m[3]}@${m[4]}`, version: Number(m[2]), bytes: text }];
  });
}

// ---------------------------------------------------------------------------------------------
// One scenario

interface StepRecord {
  action: string;
  crash: string | undefined;
  expected: Partial<Record<RoleId, TellEvent>>;
  requests: Recorded[];
  mail: Buffer[];
}

const STATS: string[] = [];
afterAll(() => { if (process.env.PROP_DEBUG) require('node:fs').writeFileSync('/tmp/prop-stats.txt', STATS.join('\n')); });
const NO_SLEEP = async () => undefined;

function describeRun(steps: readonly StepRecord[]): string {
  return steps.map((s, i) => {
    const exp = Object.entries(s.expected).map(([id, e]) => `${id}:${e}`).join(' ') || '-';
    const hooks = s.requests.filter((r) => r.path === '/webhook').map((r) => {
      const b = JSON.parse(r.body) as { event: string; posting: { id: string; version: number } };
      return `${b.event.replace('posting.', '')} ${b.posting.id} v${b.posting.version}`;
    });
    const idx = s.requests.filter((r) => r.path === '/indexing').map((r) => { const b = JSON.parse(r.body) as { url: string; type: string }; return `${b.type} ${b.url.replace(BASE_URL, '')}`; });
    const mails = s.mail.map((m) => /^Message-ID:\s*(\S+)/im.exec(m.toString('utf8'))?.[1] ?? '?');
    return `  step ${i}: ${s.action}${s.crash ? ` [crash ${s.crash}]` : ''}\n    expected ${exp}\n    webhook [${hooks.join(', ')}]\n    indexing [${idx.join(', ')}]\n    mail [${mails.join(', ')}]`;
  }).join('\n');
}

/** Check one receiver's notifications about one role, step by step, against the model. */
function checkReceiver(
  problems: string[], steps: readonly StepRecord[], id: RoleId, receiver: string,
  got: (s: StepRecord) => Got[], expect: (e: TellEvent) => string | undefined, keyed = true,
): number[] {
  const seen = new Map<string, number>();
  const versions: number[] = [];
  steps.forEach((s, i) => {
    const event = s.expected[id];
    const want = event ? expect(event) : undefined;
    const msgs = got(s);
    const where = `step ${i} ${receiver} ${id}`;
    if (want === undefined) {
      if (msgs.length) problems.push(`${where}: expected nothing (${event ?? 'no change'}), got ${msgs.map((m) => `${m.event} ${m.key}`).join(', ')}`);
      versions.push(NaN);
      return;
    }
    if (!msgs.length) return void problems.push(`${where}: ${event} lost (expected ${want})`);
    const keys = new Set(msgs.map((m) => m.key));
    if (keys.size > 1) problems.push(`${where}: one change, several keys: ${[...keys].join(', ')}`);
    const limit = s.crash ? 2 : 1;
    if (msgs.length > limit) problems.push(`${where}: got ${msgs.length} copies${s.crash ? ' (crashed run: at most one repeat)' : ' without a crash'}`);
    for (const m of msgs) {
      if (m.event !== want) problems.push(`${where}: expected ${want}, got ${m.event}`);
      if (m.bytes !== msgs[0]!.bytes) problems.push(`${where}: a repeat under key ${m.key} differs from the first copy`);
    }
    const key = msgs[0]!.key;
    if (keyed && seen.has(key)) problems.push(`${where}: key ${key} was already used for the change of step ${seen.get(key)}`);
    seen.set(key, i);
    versions.push(msgs[0]!.version ?? NaN);
  });
  // Versions only grow: each change has a version (and key) of its own.
  const real = versions.filter((v) => !Number.isNaN(v));
  for (let k = 1; k < real.length; k++) if (!(real[k]! > real[k - 1]!)) problems.push(`${receiver} ${id}: versions do not grow: ${real.join(', ')}`);
  return versions;
}

async function runScenario(sc: Scenario): Promise<void> {
  remote.requests.length = 0;
  smtp.mail.length = 0;
  const project: TempProject = tempProject({}, notifyConfig(remote.url, LIST));
  const keyFile = path.join(project.dir, 'service-account.json');
  writeFileSync(keyFile, keyJson);
  const env: NodeJS.ProcessEnv = { GOOGLE_APPLICATION_CREDENTIALS: keyFile, BOARD_SECRET, SMTP_URL: smtp.url };
  const statePath = path.join(project.dir, 'state.db');
  const model: RoleModel[] = sc.initial.map((r) => ({ present: false, spec: { ...r.spec }, lastGood: undefined }));
  sc.initial.forEach((r, i) => {
    if (!r.present) return;
    model[i]!.present = true;
    applyAction(model[i]!, 'recreate');
    project.write(`${ROLES[i]}.yaml`, postingText(ROLES[i]!, model[i]!.spec));
  });
  let told: Told[] = ROLES.map(() => null);
  let ledger = new Ledger(statePath, LEDGER_ENV);
  const steps: StepRecord[] = [];
  const problems: string[] = [];
  const runOnce = async (l: Ledger, now: Date, tracked = trackDeliveries(defaultNotifiers), waitForLock = 0): Promise<PublishResult> =>
    publish(await project.open(), l, { now, env, log: silentLogger(), sleep: NO_SLEEP, notifiers: tracked.notifiers, waitForLock });
  /** The write to die at: the run's writes are counted from what a dry run of it plans. */
  const crashPoint = async (c: CrashAt, l: Ledger, now: Date): Promise<CrashPoint> => {
    const dry = await publish(await project.open(), l, { now, env, log: silentLogger(), dryRun: true });
    const items = [...dry.planned.map((p) => p.notifier), ...dry.outstanding.map((o) => o.notifier)];
    // startRun, recoverInterrupted, commitRun; claim + its outcome per item (Google also takes quota); finishRun.
    const writes = 3 + items.reduce((n, notifier) => n + (notifier === 'google-indexing' ? 3 : 2), 0) + 1;
    return { at: Math.floor((c.permille / 1000) * writes), after: c.after };
  };
  const checkResult = (r: PublishResult, where: string) => {
    if (r.error) problems.push(`${where}: publish failed: ${r.error.code} ${r.error.message}`);
    if (r.delivery.failed || r.delivery.retrying || r.delivery.remaining || r.delivery.waiting) problems.push(`${where}: delivery not complete: ${JSON.stringify(r.delivery)}`);
  };
  try {
    for (let i = 0; i < sc.steps.length; i++) {
      const { action, crash } = sc.steps[i]!;
      const id = ROLES[action.role]!;
      const r = model[action.role]!;
      const io = applyAction(r, action.kind);
      if (io.remove) project.remove(`${id}.yaml`);
      if (io.write) project.write(`${id}.yaml`, postingText(id, r.spec));
      const after = model.map(effective);
      const expected: StepRecord['expected'] = {};
      ROLES.forEach((rid, k) => {
        const e = eventOf(told[k]!, after[k]!);
        if (e) expected[rid] = e;
      });
      told = after;

      const r0 = remote.requests.length;
      const m0 = smtp.mail.length;
      const tracked = trackDeliveries(defaultNotifiers);
      const dying = crashingLedger(ledger, crash ? await crashPoint(crash, ledger, clock(i)) : null);
      let result: PublishResult | undefined;
      let thrown: unknown;
      try {
        result = await runOnce(dying.ledger, clock(i), tracked);
      } catch (err) {
        thrown = err;
      }
      const crashedAt = dying.crashedAt();
      if (!crashedAt) {
        if (thrown) throw thrown;
        checkResult(result!, `step ${i}`);
      } else {
        if (result) problems.push(`step ${i}: the run survived its crash (${crashedAt})`);
        // What the dead run had on the wire may still arrive; then a new process starts on the same state.
        await tracked.settle(15_000);
        ledger = new Ledger(statePath, LEDGER_ENV);
        checkResult(await runOnce(ledger, clock(i), trackDeliveries(defaultNotifiers), 15_000), `step ${i} restart`);
      }
      if (process.env.PROP_DEBUG) STATS.push(`${crashedAt ?? 'nocrash'} writes=${dying.writes.length} dupHooks=${remote.requests.slice(r0).filter((q) => q.path === '/webhook').length - new Set(remote.requests.slice(r0).filter((q) => q.path === '/webhook').map((q) => q.body)).size} dupMail=${smtp.mail.slice(m0).length - new Set(smtp.mail.slice(m0).map(String)).size} exp=${JSON.stringify(expected)} ${action.kind}`);
      steps.push({ action: `${action.kind} ${id}`, crash: crashedAt, expected, requests: remote.requests.slice(r0), mail: smtp.mail.slice(m0) });
    }

    // Nothing changed since: nothing at all is sent.
    const r0 = remote.requests.length;
    const m0 = smtp.mail.length;
    const quiet = await runOnce(ledger, clock(sc.steps.length));
    checkResult(quiet, 'final run');
    if (quiet.planned.length) problems.push(`final run without edits planned: ${quiet.planned.map((p) => p.key).join(', ')}`);
    if (remote.requests.length > r0 || smtp.mail.length > m0) problems.push(`final run without edits sent ${remote.requests.slice(r0).map((q) => q.path).join(', ')} ${smtp.mail.length - m0} mail(s)`);

    // Nothing is left undelivered.
    for (const o of ledger.outbox()) {
      if (o.status === 'done' || (o.status === 'cancelled' && o.notifier === 'smtp')) continue;
      problems.push(`outbox ${o.key} left ${o.status} (${o.last_error ?? ''})`);
    }

    for (const id of ROLES) {
      const hooks = checkReceiver(problems, steps, id, 'webhook:board', (s) => webhookGot(s.requests, id), (e) => WEBHOOK_EVENT[e]);
      checkReceiver(problems, steps, id, 'google-indexing', (s) => indexingGot(s.requests, id), (e) => INDEXING_TYPE[e], false);
      checkReceiver(problems, steps, id, 'indexnow', (s) => indexNowGot(s.requests, id), () => 'url', false);
      const mails = checkReceiver(problems, steps, id, 'email:eng', (s) => mailGot(s.mail, id), (e) => (e === 'close' ? undefined : `eng@${HOST}`));
      steps.forEach((s, i) => {
        // The key names the change: the board's key is (receiver, subject, version) hashed, and the
        // board and the list name the same version of the role for the same change.
        for (const g of webhookGot(s.requests, id)) {
          const want = createHash('sha256').update(`webhook:board|${id}|v${g.version}`).digest('hex').slice(0, 32);
          if (g.key !== want) problems.push(`step ${i} webhook ${id}: key ${g.key} is not that of v${g.version}`);
        }
        if (!Number.isNaN(mails[i]!) && !Number.isNaN(hooks[i]!) && mails[i] !== hooks[i]) {
          problems.push(`step ${i} ${id}: the board was told v${hooks[i]}, the list v${mails[i]}`);
        }
      });
    }
    for (const s of steps) for (const m of s.mail) if (!/^Message-ID:\s*<jobcast\./im.test(m.toString('utf8'))) problems.push('a mail without a jobcast Message-ID');
    if (problems.length) {
      throw new Error(`${problems.length} problem(s):\n${[...new Set(problems)].join('\n')}\nrun:\n  initial ${JSON.stringify(sc.initial)}\n${describeRun(steps)}`);
    }
  } finally {
    ledger.close();
    project.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const specArb: fc.Arbitrary<Spec> = fc.record({
  status: fc.constantFrom<Status>('open', 'open', 'closed', 'draft'),
  future: fc.boolean(),
  salary: fc.constantFrom<Salary>('A', 'B'),
  broken: fc.constantFrom<Broken>('none', 'none', 'none', 'yaml', 'enum'),
});

const stepArb: fc.Arbitrary<Step> = fc.record({
  action: fc.record({ role: fc.nat({ max: ROLES.length - 1 }), kind: fc.constantFrom(...KINDS) }),
  crash: fc.option(fc.record({ permille: fc.nat({ max: 999 }), after: fc.boolean() }), { freq: 2, nil: null }),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  initial: fc.array(fc.record({ present: fc.boolean(), spec: specArb }), { minLength: ROLES.length, maxLength: ROLES.length }),
  steps: fc.array(stepArb, { minLength: 4, maxLength: 9 }),
});

describe('publish under random edits and crashes', () => {
  it('tells every change to every receiver once under a new key, repeats only after a crash, loses nothing', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 14, endOnFailure: true });
  }, 300_000);
});
