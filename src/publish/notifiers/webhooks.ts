/**
 * Board webhooks: one signed JSON POST per posting event (`posting.published|updated|closed`) to each
 * configured endpoint. The body is fixed when the event is queued, so a retry re-sends the very same
 * bytes under the same delivery id (also the `Idempotency-Key` header); the HMAC-SHA256 signature is
 * computed at delivery from a secret read from the environment.
 */
import { createHash, createHmac } from 'node:crypto';
import { send } from '../http';
import type { Notifier } from '../notifier';
import { messageKey, type Message, type TellEvent } from '../protocol';

const NAME = 'webhook';
const PREFIX = 'webhook:';

const EVENTS: Record<TellEvent, 'posting.published' | 'posting.updated' | 'posting.closed'> = {
  publish: 'posting.published',
  update: 'posting.updated',
  close: 'posting.closed',
};

interface Payload {
  endpoint: string;
  event: string;
  delivery: string;
  body: string;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const missingSecret = (hook: { name: string; secretEnv: string }): string => `set ${hook.secretEnv} to the signing secret of webhook "${hook.name}"`;

export const webhooks: Notifier = {
  name: NAME,
  enabled: (ctx) => ctx.notify.webhooks.length > 0,
  owns: (receiver) => receiver.startsWith(PREFIX),
  queue: { concurrency: 4 },
  observe(subject, ctx) {
    // A board hears of a role while it is open, whatever the other channels make of it.
    if (subject.kind !== 'posting' || subject.lifecycle !== 'open') return [];
    return ctx.notify.webhooks.map((hook) => ({ receiver: `${PREFIX}${hook.name}`, fingerprint: subject.hash }));
  },
  plan(transitions, ctx) {
    const out: Message[] = [];
    for (const t of transitions) {
      const hook = ctx.notify.webhooks.find((h) => `${PREFIX}${h.name}` === t.receiver);
      const event = EVENTS[t.event];
      // A filtered event is not sent, but its told state still follows the table.
      if (!hook || (hook.events && !hook.events.includes(event))) continue;
      const message: Message = { receiver: t.receiver, transport: NAME, subject: t.subject.id, version: t.version, event: t.event, payload: {}, summary: '' };
      const delivery = createHash('sha256').update(messageKey(message, ctx.keySpace)).digest('hex').slice(0, 32);
      const p = t.subject.entry?.posting;
      const body = JSON.stringify({
        event,
        delivery,
        occurredAt: ctx.now.toISOString(),
        posting: {
          id: t.subject.id,
          url: ctx.url(`jobs/${t.subject.id}/`),
          state: t.subject.lifecycle,
          version: t.version,
          ...(p && t.event !== 'close'
            ? { title: p.title, datePosted: p.datePosted, ...(p.validThrough ? { validThrough: p.validThrough } : {}), applyUrl: p.apply.url }
            : {}),
        },
      });
      out.push({
        ...message,
        payload: { endpoint: hook.name, event, delivery, body } satisfies Payload,
        summary: `${t.receiver} ${event} ${t.subject.id} v${t.version}`,
      });
    }
    return out;
  },
  missing(payload, ctx) {
    const hook = ctx.notify.webhooks.find((h) => h.name === (payload as Payload).endpoint);
    return hook && !ctx.env[hook.secretEnv] ? missingSecret(hook) : undefined;
  },
  async deliver(item, ctx) {
    const payload = JSON.parse(item.payload) as Payload;
    const hook = ctx.notify.webhooks.find((h) => h.name === payload.endpoint);
    if (!hook) return { ok: false, retryable: false, error: `webhook endpoint "${payload.endpoint}" is no longer configured` };
    const secret = ctx.env[hook.secretEnv];
    if (!secret) return { waiting: missingSecret(hook) };
    const res = await send(
      ctx.http,
      {
        method: 'POST',
        url: hook.url,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': payload.delivery,
          'x-jobcast-event': payload.event,
          'x-jobcast-delivery': payload.delivery,
          'x-jobcast-signature': signature(secret, payload.body),
        },
        body: payload.body,
      },
      ctx.policy,
      ctx.sleep,
    );
    if (res.ok) return { ok: true, response: `${res.status}` };
    return {
      ok: false,
      retryable: res.retryable,
      error: res.error,
      ...(res.ambiguous ? { ambiguous: true } : {}),
      ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}),
    };
  },
};
