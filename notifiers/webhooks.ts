/**
 * Board webhooks: one signed JSON POST per posting event (`posting.published|updated|closed`) to each
 * configured endpoint. The body is fixed when the event is queued, so a retry re-sends the very same
 * bytes under the same delivery id (also the `Idempotency-Key` header); the HMAC-SHA256 signature is
 * computed at delivery from a secret read from the environment.
 */
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { envVarName, httpUrl } from '../src/model/config';
import { outcomeOf, send } from '../src/publish/http';
import { defineNotifier, type PlanContext } from '../src/publish/notifier';
import { messageKey, type Message, type TellEvent, type Transition } from '../src/publish/protocol';

const NAME = 'webhook';
const PREFIX = 'webhook:';

const EVENTS: Record<TellEvent, 'posting.published' | 'posting.updated' | 'posting.closed'> = {
  publish: 'posting.published',
  update: 'posting.updated',
  close: 'posting.closed',
};

const schema = z
  .array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9-]+$/)
        .describe('A short name, lowercase a-z, 0-9 and -, e.g. board; the ledger keys what this receiver was told on it, so keep it'),
      url: httpUrl.describe('The endpoint that receives the POSTs, e.g. https://board.example.com/hooks/jobcast'),
      secretEnv: envVarName.describe('NAME of the environment variable holding the HMAC-SHA256 signing secret, e.g. BOARD_SECRET'),
      events: z
        .array(z.enum(['posting.published', 'posting.updated', 'posting.closed']))
        .optional()
        .describe('Only these events, e.g. [posting.published, posting.closed]; default: all three'),
    }),
  )
  .default([])
  .describe(
    'Board webhooks: a signed JSON POST per posting event, with Idempotency-Key, X-Jobcast-Event, X-Jobcast-Delivery and X-Jobcast-Signature (sha256= HMAC of the body) headers',
  );

type Config = z.output<typeof schema>;
type Hook = Config[number];

const example = `  webhooks:
    - name: board                               # keep it: the ledger records what webhook:board was told
      url: https://board.example.com/hooks/jobcast
      secretEnv: BOARD_SECRET                   # NAME of the env var holding the HMAC-SHA256 secret
      events: [posting.published, posting.updated, posting.closed]
`;

interface Payload {
  endpoint: string;
  event: string;
  delivery: string;
  body: string;
}

function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const missingSecret = (hook: { name: string; secretEnv: string }): string => `set ${hook.secretEnv} to the signing secret of webhook "${hook.name}"`;

function bodyOf(t: Transition, event: string, delivery: string, ctx: PlanContext<Config>): string {
  const p = t.subject.entry?.posting;
  return JSON.stringify({
    event,
    delivery,
    occurredAt: ctx.now.toISOString(),
    posting: {
      id: t.subject.id,
      url: ctx.pageUrl(t.subject.id),
      state: t.subject.lifecycle,
      version: t.version,
      ...(p && t.event !== 'close'
        ? { title: p.title, datePosted: p.datePosted, ...(p.validThrough ? { validThrough: p.validThrough } : {}), applyUrl: p.apply.url }
        : {}),
    },
  });
}

function messageOf(t: Transition, hook: Hook, ctx: PlanContext<Config>): Message | undefined {
  const event = EVENTS[t.event];
  // A filtered event is not sent, but its told state still follows the table.
  if (hook.events && !hook.events.includes(event)) return undefined;
  const message: Message = { receiver: t.receiver, transport: NAME, subject: t.subject.id, version: t.version, event: t.event, payload: {} };
  const delivery = createHash('sha256').update(messageKey(message, ctx.keySpace)).digest('hex').slice(0, 32);
  return { ...message, payload: { endpoint: hook.name, event, delivery, body: bodyOf(t, event, delivery, ctx) } satisfies Payload };
}

function describe(payload: unknown): string {
  const p = payload as Payload;
  const { id, version } = (JSON.parse(p.body) as { posting: { id: string; version: number } }).posting;
  return `${PREFIX}${p.endpoint} ${p.event} ${id} v${version}`;
}

export const webhooks = defineNotifier<Config>({
  name: NAME,
  section: { key: 'webhooks', schema, example },
  enabled: (config) => config.length > 0,
  owns: (receiver) => receiver.startsWith(PREFIX),
  queue: { concurrency: 4 },
  observe(subject, ctx) {
    // A board hears of a role while it is open, whatever the other channels make of it.
    if (subject.kind !== 'posting' || subject.lifecycle !== 'open') return [];
    return ctx.config.map((hook) => ({ receiver: `${PREFIX}${hook.name}`, fingerprint: subject.hash }));
  },
  plan(transitions, ctx) {
    return transitions.flatMap((t) => {
      const hook = ctx.config.find((h) => `${PREFIX}${h.name}` === t.receiver);
      const message = hook && messageOf(t, hook, ctx);
      return message ? [message] : [];
    });
  },
  describe,
  missing(payload, ctx) {
    const hook = ctx.config.find((h) => h.name === (payload as Payload).endpoint);
    return hook && !ctx.env[hook.secretEnv] ? missingSecret(hook) : undefined;
  },
  async deliver(item, ctx) {
    const payload = JSON.parse(item.payload) as Payload;
    const hook = ctx.config.find((h) => h.name === payload.endpoint);
    if (!hook) return { ok: false, retryable: false, error: `webhook endpoint "${payload.endpoint}" is no longer configured` };
    const secret = ctx.env[hook.secretEnv];
    if (!secret) return { waiting: missingSecret(hook) };
    const headers = {
      'content-type': 'application/json',
      'idempotency-key': payload.delivery,
      'x-jobcast-event': payload.event,
      'x-jobcast-delivery': payload.delivery,
      'x-jobcast-signature': signature(secret, payload.body),
    };
    return outcomeOf(await send(ctx.http, { method: 'POST', url: hook.url, headers, body: payload.body }, ctx.policy, ctx.sleep));
  },
});
