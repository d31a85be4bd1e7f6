/** WebSub: `hub.mode=publish` to each configured hub whenever a feed appears or its bytes change. */
import { send } from '../http';
import type { Notifier } from '../notifier';

const NAME = 'websub';
const PREFIX = 'websub:';

interface Payload {
  hub: string;
  feed: string;
}

export const webSub: Notifier = {
  name: NAME,
  enabled: (ctx) => ctx.notify.websub.hubs.length > 0,
  owns: (receiver) => receiver.startsWith(PREFIX),
  queue: { concurrency: 2 },
  observe(subject, ctx) {
    if (subject.kind !== 'feed' || !subject.feed) return [];
    return ctx.notify.websub.hubs.map((hub) => ({ receiver: `${PREFIX}${hub}`, fingerprint: subject.hash, detail: subject.feed!.url }));
  },
  plan(transitions) {
    // A feed that disappears is not pinged: there is nothing left to fetch.
    return transitions
      .filter((t) => t.event !== 'close')
      .map((t) => {
        const hub = t.receiver.slice(PREFIX.length);
        const feed = t.subject.feed!.url;
        return {
          receiver: t.receiver,
          transport: NAME,
          subject: t.subject.id,
          version: t.version,
          event: t.event,
          payload: { hub, feed } satisfies Payload,
          summary: `${hub} hub.url=${feed}`,
        };
      });
  },
  async deliver(item, ctx) {
    const { hub, feed } = JSON.parse(item.payload) as Payload;
    const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feed }).toString();
    const res = await send(
      ctx.http,
      { method: 'POST', url: hub, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
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
