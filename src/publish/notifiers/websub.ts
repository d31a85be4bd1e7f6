/** WebSub: `hub.mode=publish` for each changed feed to each configured hub. */
import { send } from '../http';
import type { Notifier } from '../notifier';

const NAME = 'websub';

interface Payload {
  hub: string;
  feed: string;
}

export const webSub: Notifier = {
  name: NAME,
  enabled: (ctx) => ctx.notify.websub.hubs.length > 0,
  plan(changes, ctx) {
    return ctx.notify.websub.hubs.flatMap((hub) =>
      changes.feedsChanged.map((c) => ({
        key: `${NAME}:${hub}:${c.url}:${c.from}>${c.to}`,
        notifier: NAME,
        target: c.channel,
        payload: { hub, feed: c.url } satisfies Payload,
      })),
    );
  },
  async deliver(item, ctx) {
    const { hub, feed } = JSON.parse(item.payload) as Payload;
    const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feed }).toString();
    const res = await send(ctx.http, { method: 'POST', url: hub, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }, ctx.policy, ctx.sleep);
    if (res.ok) return { ok: true, response: `${res.status}` };
    return { ok: false, retryable: res.retryable, error: res.error, ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}) };
  },
};
