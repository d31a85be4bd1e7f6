/**
 * IndexNow (Bing, Yandex, Seznam, …): every changed or removed page URL, in one POST per host
 * (≤ 10,000 URLs each). Engines share submissions, so one endpoint is notified.
 */
import { createHash } from 'node:crypto';
import { send } from '../http';
import type { Notifier } from '../notifier';

const NAME = 'indexnow';
const MAX_URLS = 10_000;

interface Payload {
  host: string;
  key: string;
  keyLocation: string;
  urlList: string[];
}

export const indexNow: Notifier = {
  name: NAME,
  enabled: (ctx) => ctx.notify.indexnow.enabled && Boolean(ctx.notify.indexnow.key),
  plan(changes, ctx) {
    const key = ctx.notify.indexnow.key!;
    const all = [...changes.pagesUpdated, ...changes.pagesGone];
    const byHost = new Map<string, typeof all>();
    for (const c of all) {
      const host = new URL(c.url).host;
      byHost.set(host, [...(byHost.get(host) ?? []), c]);
    }
    const items = [];
    for (const [host, changes_] of byHost) {
      for (let i = 0; i < changes_.length; i += MAX_URLS) {
        const batch = changes_.slice(i, i + MAX_URLS);
        // The key names exactly these transitions, so a re-planned run queues nothing twice.
        const digest = createHash('sha256').update(batch.map((c) => `${c.url} ${c.from}>${c.to}`).join('\n')).digest('hex').slice(0, 32);
        const payload: Payload = { host, key, keyLocation: ctx.url(`${key}.txt`), urlList: batch.map((c) => c.url) };
        items.push({ key: `${NAME}:${host}:${digest}`, notifier: NAME, target: host, payload });
      }
    }
    return items;
  },
  async deliver(item, ctx) {
    const res = await send(ctx.http, {
      method: 'POST',
      url: ctx.notify.indexnow.endpoint,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: item.payload,
    }, ctx.policy, ctx.sleep);
    if (res.ok) return { ok: true, response: `${res.status}` };
    return { ok: false, retryable: res.retryable, error: res.error, ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}) };
  },
};
