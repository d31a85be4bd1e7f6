/**
 * What a publish reads to plan. A channel's audience (the email lists a role goes to) is worked out
 * with its rules and kept in the source cache under the role's render key, so a publish after one
 * edit does not read (parse) every other posting to learn its lists again: counted on the email
 * channel's own `audience`, with the mail really sent to a local SMTP server. And the ledger's
 * subjects are read without the contents they store.
 */
import { adapters } from '../adapters';
import type { Adapter } from '../src/adapter';
import { publish } from '../src/publish/run';
import { silentLogger } from '../src/log';
import { startFakeRemote, type FakeRemote } from './helpers/fake-remote';
import { MINIMAL_POSTING } from './helpers/project';
import { publishEnv, type PublishEnv } from './helpers/publish-env';
import { startSmtpInbox, type SmtpInbox } from './helpers/smtp-inbox';

const LISTS = `channels:
  email:
    lists:
      eng: { address: eng@lists.example.com, announceChanges: true }
`;
const role = (i: number, max = 90000) =>
  `${MINIMAL_POSTING.replace('Backend Engineer', `Engineer ${i}`).replace('max: 90000', `max: ${max}`)}channels:\n  email: { lists: [eng] }\n`;
const ROLES = [1, 2, 3, 4];

let remote: FakeRemote;
let smtp: SmtpInbox;
let env: PublishEnv;
beforeEach(async () => {
  remote = await startFakeRemote();
  smtp = await startSmtpInbox();
  env = await publishEnv(remote, Object.fromEntries(ROLES.map((i) => [`role-${i}.yaml`, role(i)])), LISTS);
  env.env.SMTP_URL = smtp.url;
});
afterEach(async () => {
  await env.cleanup();
  await Promise.all([smtp.close(), remote.close()]);
});

/** The adapters, the email channel's audience calls counted by role. */
function counted(): { adapters: Adapter[]; calls: string[] } {
  const calls: string[] = [];
  const wrapped = adapters.map((a): Adapter => {
    const audience = a.audience?.bind(a);
    return audience ? { ...a, audience: (entry, ctx) => (calls.push(entry.id), audience(entry, ctx)) } : a;
  });
  return { adapters: wrapped, calls };
}

describe('audiences kept with the checks', () => {
  it('are worked out for every role once, then only for the edited one, and none when nothing changed', async () => {
    const count = counted();
    const run = async (now: string) => {
      const result = await publish(await env.project.open(count.adapters), env.ledger, { now: new Date(now), log: silentLogger(), env: env.env });
      expect(result.ok).toBe(true);
      return result;
    };
    const first = await run('2026-11-28T12:00:00Z');
    expect(count.calls.sort()).toEqual(ROLES.map((i) => `role-${i}`));
    expect(
      first.planned
        .filter((p) => p.receiver === 'email:eng')
        .map((p) => p.subject)
        .sort(),
    ).toEqual(ROLES.map((i) => `role-${i}`));

    count.calls.length = 0;
    env.project.write('role-2.yaml', role(2, 99000));
    const second = await run('2026-11-28T12:15:00Z');
    expect(count.calls).toEqual(['role-2']);
    // The lists announce changes: the edited role's update is the one email of the run.
    expect(second.planned.filter((p) => p.receiver === 'email:eng').map((p) => p.subject)).toEqual(['role-2']);

    count.calls.length = 0;
    const third = await run('2026-11-28T12:30:00Z');
    expect(count.calls).toEqual([]);
    expect(third.planned).toEqual([]);
    expect(smtp.mail).toHaveLength(ROLES.length + 1);
  });

  it('planning reads every subject the ledger knows, without the contents it stores', async () => {
    const result = await publish(await env.project.open(), env.ledger, { now: new Date('2026-11-28T12:00:00Z'), log: silentLogger(), env: env.env });
    expect(result.ok).toBe(true);
    const full = await env.ledger.subjects();
    expect([...full.values()].filter((r) => r.kind === 'posting').every((r) => r.content !== null)).toBe(true);
    expect(await env.ledger.knownSubjects()).toEqual(new Map([...full].map(([id, { content: _c, ...rest }]) => [id, rest])));
  });
});
