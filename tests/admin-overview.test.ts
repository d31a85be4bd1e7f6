/**
 * What the overview and role pages say, built from real posting files, the real validation and a
 * real (in-memory) ledger: every lifecycle state, delivery states from the ledger, channels that
 * leave a role out, and hostile text that must stay text.
 */
import { claimById } from './helpers/claim';
import { Ledger, type SubjectRow, type ToldRow } from '../src/ledger/ledger';
import type { Transition } from '../src/publish/protocol';
import { buildOverview, type RoleSummary } from '../src/admin/overview';
import { renderPage } from '../src/admin/pages';
import { buildRoleView } from '../src/admin/role';
import { validateProject } from '../src/pipeline/validate';
import { siteLinks, type Project } from '../src/project';
import { MINIMAL_POSTING, tempProject, type TempProject } from './helpers/project';

const NOW = new Date('2026-12-01T12:00:00Z');
const posting = (extra: Record<string, string>): string =>
  Object.entries(extra).reduce(
    (text, [key, value]) =>
      new RegExp(`^${key}:`, 'm').test(text) ? text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`) : `${text}${key}: ${value}\n`,
    MINIMAL_POSTING,
  );

let tp: TempProject;
let project: Project;
let ledger: Ledger;

beforeEach(async () => {
  tp = tempProject({
    'draft-role.yaml': posting({ title: 'Draft Role', status: 'draft' }),
    'scheduled-role.yaml': posting({ title: 'Scheduled Role', datePosted: '2026-12-20' }),
    'soon-role.yaml': posting({ title: 'Soon Role', validThrough: '2026-12-05' }),
    'open-role.yaml': posting({ title: 'Open Role', validThrough: '2027-03-01' }),
    'closed-role.yaml': posting({ title: 'Closed Role', status: 'closed' }),
    'expired-role.yaml': posting({ title: 'Expired Role', validThrough: '2026-11-20' }),
  });
  project = await tp.open();
  ledger = await Ledger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
  tp.cleanup();
});

async function overview(untold: Transition[] = []) {
  const validation = await validateProject(project, { now: NOW, history: await ledger.history(), checkAllStates: true, lastGood: (id) => ledger.lastGood(id) });
  return buildOverview({ validation, ledger, now: NOW, timeZone: 'UTC', untold });
}

const subjectRow = (id: string, lifecycle: string, content: unknown = null): SubjectRow => ({
  subject: id,
  kind: 'posting',
  version: 1,
  digest: 'd',
  lifecycle,
  hash: 'h',
  since: NOW.toISOString(),
  changed: NOW.toISOString(),
  content: content ? JSON.stringify(content) : null,
});
const toldRow = (receiver: string, state: 'live' | 'gone'): ToldRow => ({
  receiver,
  subject: 'open-role',
  state,
  version: 1,
  fingerprint: 'f',
  detail: null,
  at: '2026-11-30T10:00:00.000Z',
});

/** Record state as a publish run would, under the writer lease. */
async function record(run: Parameters<Ledger['commitRun']>[1]) {
  const lease = await ledger.lease.acquire('publish');
  try {
    await ledger.commitRun(lease, run, NOW);
  } finally {
    await lease.release();
  }
}

const role = (o: Awaited<ReturnType<typeof overview>>, id: string): RoleSummary => {
  const found = o.roles.find((r) => r.id === id);
  if (!found) throw new Error(`no role ${id} in ${o.roles.map((r) => r.id).join(', ')}`);
  return found;
};

describe('admin overview', () => {
  it('labels every lifecycle state, with the go-live and closing dates', async () => {
    const o = await overview();
    const states = Object.fromEntries(o.roles.map((r) => [r.id, [r.state.label, r.state.detail]]));
    expect(states).toEqual({
      'draft-role': ['Draft', 'not public; set status: open to publish it'],
      'scheduled-role': ['Scheduled', 'goes live 2026-12-20 00:00 UTC'],
      'soon-role': ['Closing soon', 'applications close 2026-12-05 23:59 UTC'],
      'open-role': ['Open', 'open until 2027-03-01 23:59 UTC'],
      'closed-role': ['Closed', 'status: closed; its page answers 410 Gone'],
      'expired-role': ['Expired', 'applications closed 2026-11-20 23:59 UTC'],
    });
  });

  it('says which channels include each role now, later, or no longer', async () => {
    const o = await overview();
    const reach = (id: string, channel: string) => role(o, id).channels.find((c) => c.name === channel)!.reach.label;
    expect(reach('open-role', 'linkedin')).toBe('Yes');
    expect(reach('scheduled-role', 'linkedin')).toBe('Once live');
    expect(reach('draft-role', 'google')).toBe('Once live');
    expect(reach('closed-role', 'indeed')).toBe('No (closed)');
  });

  it('shows per receiver what it was told, what is queued, retrying, waiting or failed, and what is built but not yet told', async () => {
    await record({
      subjects: [subjectRow('open-role', 'open')],
      told: [
        toldRow('google-indexing', 'live'),
        toldRow('webhook:board', 'live'),
        toldRow('email:eng', 'live'),
        toldRow('webhook:x', 'live'),
        toldRow('webhook:old', 'gone'),
      ],
      items: ['webhook:board', 'email:eng', 'webhook:x'].map((receiver, i) => ({
        key: `k${i}`,
        notifier: receiver.startsWith('email') ? 'smtp' : 'webhook',
        receiver,
        subject: 'open-role',
        version: 1,
        payload: {},
      })),
      gone: [],
    });
    const [board, eng, x] = await ledger.outbox();
    const lease = await ledger.lease.acquire('publish');
    const attempt: Record<number, string> = {};
    for (const row of [board!, eng!, x!]) attempt[row.id] = (await claimById(ledger, { writer: lease }, row.id))!;
    await ledger.markRetry(board!.id, attempt[board!.id]!, 'HTTP 503: try later', new Date('2026-12-01T12:04:00Z'), false);
    await ledger.markWaiting(eng!.id, attempt[eng!.id]!, 'set SMTP_URL to the SMTP URL');
    await ledger.markFailed(x!.id, attempt[x!.id]!, 'HTTP 400: rejected');
    await lease.release();
    const pending = { receiver: 'indexnow', event: 'publish', version: 2, subject: { id: 'open-role' } } as unknown as Transition;

    const channels = Object.fromEntries(role(await overview([pending]), 'open-role').channels.map((c) => [c.name, c.delivery]));
    expect(channels['google-indexing']).toMatchObject({ key: 'live', label: 'Told: live', detail: 'version 1, 2026-11-30 10:00 UTC' });
    expect(channels['webhook:board']).toEqual({
      key: 'pending',
      label: 'Retrying',
      detail: '1 attempt so far',
      error: 'HTTP 503: try later',
      retry: '2026-12-01 12:04 UTC',
    });
    expect(channels['email:eng']).toMatchObject({ key: 'waiting', label: 'Waiting for configuration', error: 'set SMTP_URL to the SMTP URL' });
    expect(channels['webhook:x']).toMatchObject({ key: 'failed', label: 'Failed', error: 'HTTP 400: rejected' });
    expect(channels['webhook:old']).toMatchObject({ key: 'closed', label: 'Told: withdrawn' });
    expect(channels.indexnow).toMatchObject({ key: 'untold', label: 'Built, not yet told', detail: 'publish pending (version 2); sent at the next publish' });
    // Channels are pulled: whether the served output carries this version (none is served here).
    expect(channels.indeed).toMatchObject({ key: 'pending', label: 'Not built yet' });
    expect(channels.adzuna).toMatchObject({ key: 'pending' });
  });

  it('lists invalid files with their diagnostics, keeps a once-valid role at its last good version, and lists roles only the ledger still knows', async () => {
    tp.write('broken-role.yaml', posting({ title: 'Broken Role' }));
    const good = (await validateProject(project, { now: NOW, checkAllStates: true })).entries.find((e) => e.id === 'broken-role')!.posting;
    await record({ subjects: [subjectRow('broken-role', 'open', good), subjectRow('gone-role', 'removed')], told: [], items: [], gone: [] });
    tp.write('broken-role.yaml', posting({ title: 'Broken Role', salary: '{ currency: EUR, min: 90000, max: 70000, unit: YEAR }' }));
    tp.write('never-valid.yaml', posting({ status: 'opne' }));
    const o = await overview();
    expect(role(o, 'broken-role').title).toBe('Broken Role');
    expect(o.roles.map((r) => r.id)).not.toContain('never-valid');
    expect(o.invalid.map((f) => [f.id, f.served])).toEqual([
      ['broken-role', 'Its last valid version stays published everywhere until this file is fixed.'],
      ['never-valid', 'Never published: nothing goes out until this file is fixed.'],
    ]);
    const items = o.invalid[0]!.groups.flatMap((g) => g.items);
    expect(items.some((d) => d.severity === 'error' && /broken-role\.yaml:\d+:\d+$/.test(d.where) && d.field.startsWith('salary'))).toBe(true);
    expect(o.removed).toEqual([{ id: 'gone-role', status: 'file deleted; receivers were told it is gone' }]);
  });
});

describe('admin role view', () => {
  const view = async (id: string) => {
    const validation = await validateProject(project, { now: NOW, history: await ledger.history(), checkAllStates: true });
    return buildRoleView({ id, validation, ledger, site: project.config, links: siteLinks(project), now: NOW });
  };

  it('previews a draft as it will be once open, and says so', async () => {
    const v = (await view('draft-role'))!;
    expect(v.note).toMatch(/^This role is a draft/);
    const linkedin = v.channels.find((c) => c.name === 'linkedin')!;
    expect(linkedin.blocks).toHaveLength(1);
    expect(linkedin.blocks[0]!.fields!.find((f) => f.name === 'title')!.value).toBe('Draft Role');
  });

  it('shows no preview on a channel the posting excludes or whose rules leave it out', async () => {
    tp.write(
      'tokyo-role.yaml',
      `${posting({ title: 'Tokyo Role', workplace: 'onsite' })
        .replace(/locations:\n.*\n/, 'locations:\n  - { locality: Tokyo, postalCode: "100-0001", country: JP, street: 1 Chiyoda }\n')
        .replace('currency: EUR', 'currency: JPY')}channels:\n  exclude: [rss]\n`,
    );
    const v = (await view('tokyo-role'))!;
    const byName = Object.fromEntries(v.channels.map((c) => [c.name, c]));
    expect(byName.rss).toMatchObject({ reach: { key: 'excluded' }, blocks: [], files: [] });
    expect(byName.adzuna).toMatchObject({ reach: { key: 'blocked' }, blocks: [] });
    expect(byName.adzuna!.diagnostics.map((d) => d.code)).toContain('ADZUNA_COUNTRY_UNSUPPORTED');
    expect(byName.indeed!.blocks[0]!.fields!.find((f) => f.name === 'city')!.value).toBe('Tokyo');
  });

  it('shows one record per location where a board lists a job per location', async () => {
    tp.write(
      'two-cities.yaml',
      posting({ title: 'Two Cities' }).replace(
        /locations:\n.*\n/,
        'locations:\n  - { locality: Berlin, postalCode: "10115", country: DE, street: A 1 }\n  - { locality: Hamburg, postalCode: "20095", country: DE, street: B 2 }\n',
      ),
    );
    const indeed = (await view('two-cities'))!.channels.find((c) => c.name === 'indeed')!;
    expect(indeed.blocks.map((b) => b.label)).toEqual(['<job> 1 of 2 in feeds/indeed.xml', '<job> 2 of 2 in feeds/indeed.xml']);
    expect(indeed.blocks.map((b) => b.fields!.find((f) => f.name === 'city')!.value)).toEqual(['Berlin', 'Hamburg']);
  });

  it('is undefined for an id nobody knows', async () => {
    expect(await view('nobody')).toBeUndefined();
  });

  it('keeps hostile text as text on the page', async () => {
    const hostile = 'Engineer <script>alert(1)</script> & "friends" <img src=x onerror=alert(2)>';
    tp.write(
      'hostile-role.yaml',
      posting({ title: JSON.stringify(hostile), summary: JSON.stringify(`${hostile} ]]> </job> we need more words here for the boards.`) }),
    );
    const v = (await view('hostile-role'))!;
    expect(v.channels.find((c) => c.name === 'linkedin')!.blocks[0]!.fields!.find((f) => f.name === 'title')!.value).toBe(hostile);
    const html = renderPage('role', { role: v }, { title: v.title, orgName: 'Example Corp', csrf: 'c' }, (s) => s);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('Engineer &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;');
  });
});
