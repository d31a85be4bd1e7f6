/**
 * IndexNow (Bing, Yandex, Seznam, …): every job page URL that went live, changed or went away, in
 * one POST per host (≤ 10,000 URLs each). Engines share submissions, so one endpoint is notified.
 */
import { createHash } from 'node:crypto';
import { send } from '../http';
import type { Notifier } from '../notifier';
import type { Message } from '../protocol';
import { pageObservation, pageUrlChanges } from './pages';

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
  owns: (receiver) => receiver === NAME,
  queue: { concurrency: 1 },
  observe: (subject) => pageObservation(NAME, subject),
  plan(transitions, ctx) {
    const key = ctx.notify.indexnow.key!;
    const byHost = new Map<string, { url: string; change: string }[]>();
    for (const t of transitions) {
      const { updated, deleted } = pageUrlChanges(t);
      for (const url of [...updated, ...deleted]) {
        const host = new URL(url).host;
        byHost.set(host, [...(byHost.get(host) ?? []), { url, change: `${t.subject.id}@v${t.version} ${url}` }]);
      }
    }
    const out: Message[] = [];
    for (const [host, all] of byHost) {
      for (let i = 0; i < all.length; i += MAX_URLS) {
        const batch = all.slice(i, i + MAX_URLS);
        // A batch is named by the (posting, version) changes it carries: a re-planned run queues nothing twice.
        const digest = createHash('sha256')
          .update(batch.map((b) => b.change).join('\n'))
          .digest('hex')
          .slice(0, 32);
        const payload: Payload = { host, key, keyLocation: ctx.url(`${key}.txt`), urlList: batch.map((b) => b.url) };
        out.push({
          receiver: NAME,
          transport: NAME,
          key: `${NAME}|${host}|${digest}`,
          payload,
          summary: `${host}: ${batch.length} URL(s) ${payload.urlList.join(' ')}`,
        });
      }
    }
    return out;
  },
  async deliver(item, ctx) {
    const { summary: _summary, ...payload } = JSON.parse(item.payload) as Payload & { summary?: string };
    const res = await send(
      ctx.http,
      {
        method: 'POST',
        url: ctx.notify.indexnow.endpoint,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
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
