/**
 * Board webhooks: one signed JSON POST per posting event (`posting.published|updated|closed`) to each
 * configured endpoint. The body is fixed when the event is queued, so a retry re-sends the very same
 * bytes; the HMAC-SHA256 signature is computed at delivery from a secret read from the environment.
 */
import { createHash, createHmac } from 'node:crypto';
import { send } from '../http';
import type { Notifier } from '../notifier';

const NAME = 'webhook';

interface Payload {
  endpoint: string;
  event: string;
  delivery: string;
  body: string;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export const webhooks: Notifier = {
  name: NAME,
  enabled: (ctx) => ctx.notify.webhooks.length > 0,
  plan(changes, ctx) {
    const items = [];
    for (const hook of ctx.notify.webhooks) {
      for (const change of changes.postings) {
        if (hook.events && !hook.events.includes(change.event)) continue;
        const key = `${NAME}:${hook.name}:${change.event}:${change.id}:${change.from}>${change.to}`;
        const delivery = createHash('sha256').update(key).digest('hex').slice(0, 32);
        const p = change.entry?.posting;
        const body = JSON.stringify({
          event: change.event,
          delivery,
          occurredAt: ctx.now.toISOString(),
          posting: {
            id: change.id,
            url: ctx.url(`jobs/${change.id}/`),
            state: change.state,
            version: change.to,
            ...(p ? { title: p.title, datePosted: p.datePosted, ...(p.validThrough ? { validThrough: p.validThrough } : {}), applyUrl: p.apply.url } : {}),
          },
        });
        items.push({ key, notifier: NAME, target: `webhook:${hook.name}`, posting: change.id, payload: { endpoint: hook.name, event: change.event, delivery, body } satisfies Payload });
      }
    }
    return items;
  },
  async deliver(item, ctx) {
    const payload = JSON.parse(item.payload) as Payload;
    const hook = ctx.notify.webhooks.find((h) => h.name === payload.endpoint);
    if (!hook) return { ok: false, retryable: false, error: `webhook endpoint "${payload.endpoint}" is no longer configured` };
    const secret = ctx.env[hook.secretEnv];
    if (!secret) return { ok: false, retryable: false, error: `set ${hook.secretEnv} to the signing secret of webhook "${hook.name}"` };
    const res = await send(ctx.http, {
      method: 'POST',
      url: hook.url,
      headers: {
        'content-type': 'application/json',
        'x-jobcast-event': payload.event,
        'x-jobcast-delivery': payload.delivery,
        'x-jobcast-signature': signature(secret, payload.body),
      },
      body: payload.body,
    }, ctx.policy, ctx.sleep);
    if (res.ok) return { ok: true, response: `${res.status}` };
    return { ok: false, retryable: res.retryable, error: res.error, ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}) };
  },
};
