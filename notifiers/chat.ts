/**
 * Chat channels: Slack- and Microsoft Teams-compatible incoming webhooks. One message when a role
 * goes live and one when it closes; edits are recorded by the table but not announced. The webhook
 * URL is the secret, so the config names only its environment variable. The message is fixed when
 * it is queued, so a retry posts the same bytes.
 */
import { z } from 'zod';
import { whereText } from '../src/compose/facts';
import { envVarName } from '../src/model/config';
import { outcomeOf, send } from '../src/publish/http';
import { defineNotifier } from '../src/publish/notifier';
import { toldDetail, type Message, type Subject, type Transition } from '../src/publish/protocol';

const NAME = 'chat';
const PREFIX = 'chat:';

const CHAT_CODES = { NAME_REPEATED: 'JC_CHAT_NAME_REPEATED' } as const;

const target = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .describe('A short name, lowercase a-z, 0-9 and -, e.g. hiring; the ledger keys what chat:<name> was told on it, so keep it'),
  urlEnv: envVarName.describe('NAME of the environment variable holding the incoming-webhook URL (the URL itself is the secret), e.g. SLACK_HIRING_URL'),
  format: z
    .enum(['slack', 'teams'])
    .default('slack')
    .describe('slack: a Slack incoming webhook ({"text"} with a mrkdwn link); teams: a Microsoft Teams incoming webhook ({"text"} in markdown)'),
});

type Target = z.output<typeof target>;

// A custom issue, so the config loader reports our code at the repeated name's file:line:col.
const schema = z
  .array(target)
  .superRefine((targets, ctx) => {
    targets.forEach((t, i) => {
      if (targets.findIndex((o) => o.name === t.name) === i) return;
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `the chat name "${t.name}" is used twice; each names its own receiver (chat:${t.name})`,
        input: t.name,
        params: { jc: CHAT_CODES.NAME_REPEATED, fix: 'give each entry its own name' },
      });
    });
  })
  .default([])
  .describe('Chat channels (Slack or Teams incoming webhooks): a message when a role goes live and one when it closes, not for edits');

type Config = z.output<typeof schema>;

const example = `  chat:                                         # Slack or Teams: new and closed roles
    - name: hiring                              # keep it: the ledger records what chat:hiring was told
      urlEnv: SLACK_HIRING_URL                  # NAME of the env var holding the incoming-webhook URL
      format: slack                             # slack | teams
`;

/** What a chat is told of a role: kept as the told detail, so a close can name a role whose file is gone. */
interface Role {
  title: string;
  where: string;
  /** Its job page, else its apply page (a role left out of the job pages still has one). */
  url: string;
}

interface Payload {
  target: string;
  body: string;
}

const slackText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const teamsText = (s: string) => s.replace(/([\\`*_[\]<>])/g, '\\$1');

function text(format: Target['format'], event: 'publish' | 'close', r: Role): string {
  const title = format === 'slack' ? `<${r.url}|${slackText(r.title)}>` : `[${teamsText(r.title)}](${r.url})`;
  const where = format === 'slack' ? slackText(r.where) : teamsText(r.where);
  return `${event === 'publish' ? 'New role' : 'Closed'}: ${title} — ${where}`;
}

function roleOf(subject: Subject): Role | undefined {
  const p = subject.entry?.posting;
  if (!p) return undefined;
  return { title: p.title, where: whereText(p), url: subject.pages[0]?.url ?? p.apply.url };
}

function messageOf(t: Transition, hook: Target): Message | undefined {
  if (t.event === 'update') return undefined;
  const role = t.event === 'close' ? (toldDetail<Role>(t.told) ?? roleOf(t.subject)) : roleOf(t.subject);
  if (!role) return undefined;
  const body = JSON.stringify({ text: text(hook.format, t.event, role) });
  return {
    receiver: t.receiver,
    transport: NAME,
    subject: t.subject.id,
    version: t.version,
    event: t.event,
    payload: { target: hook.name, body } satisfies Payload,
  };
}

const missingUrl = (hook: Target) => `set ${hook.urlEnv} to the incoming-webhook URL of chat "${hook.name}"`;
const findTarget = (ctx: { config: Config }, name: string) => ctx.config.find((h) => h.name === name);

export const chat = defineNotifier<Config>({
  name: NAME,
  section: { key: 'chat', schema, example },
  codes: CHAT_CODES,
  enabled: (config) => config.length > 0,
  owns: (receiver) => receiver.startsWith(PREFIX),
  queue: { concurrency: 1 },
  observe(subject, ctx) {
    const role = subject.kind === 'posting' && subject.lifecycle === 'open' ? roleOf(subject) : undefined;
    return role ? ctx.config.map((hook) => ({ receiver: `${PREFIX}${hook.name}`, fingerprint: subject.hash, detail: role })) : [];
  },
  plan(transitions, ctx) {
    return transitions.flatMap((t) => {
      const hook = findTarget(ctx, t.receiver.slice(PREFIX.length));
      const message = hook && messageOf(t, hook);
      return message ? [message] : [];
    });
  },
  describe: (payload) => `${PREFIX}${(payload as Payload).target} ${(JSON.parse((payload as Payload).body) as { text: string }).text}`,
  missing(payload, ctx) {
    const hook = findTarget(ctx, (payload as Payload).target);
    return hook && !ctx.env[hook.urlEnv] ? missingUrl(hook) : undefined;
  },
  async deliver(item, ctx) {
    const payload = JSON.parse(item.payload) as Payload;
    const hook = findTarget(ctx, payload.target);
    if (!hook) return { ok: false, retryable: false, error: `chat "${payload.target}" is no longer configured` };
    const url = ctx.env[hook.urlEnv];
    if (!url) return { waiting: missingUrl(hook) };
    // Never echo the value: it is the secret.
    if (!/^https?:\/\//.test(url)) return { waiting: `${hook.urlEnv} does not hold an http(s) URL; set it to the incoming-webhook URL of chat "${hook.name}"` };
    const res = await send(ctx.http, { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: payload.body }, ctx.policy, ctx.sleep);
    return outcomeOf(res);
  },
});
