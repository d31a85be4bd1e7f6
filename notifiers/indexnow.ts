/**
 * IndexNow (Bing, Yandex, Seznam, …): every job page URL that went live, changed or went away, in
 * one POST per host (≤ 10,000 URLs each). Engines share submissions, so one endpoint is notified.
 * The key is public: the server answers it at /<key>.txt, which proves the site is ours.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { httpUrl } from '../src/model/config';
import { outcomeOf, send } from '../src/publish/http';
import { defineNotifier } from '../src/publish/notifier';
import { pageObservation, pageUrlChanges } from '../src/publish/pages';
import type { Message, Transition } from '../src/publish/protocol';

const NAME = 'indexnow';
const MAX_URLS = 10_000;

const schema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('true: send changed URLs to IndexNow (Bing and others); needs key'),
    key: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,128}$/, { message: 'must be 8–128 characters of A–Z, a–z, 0–9 and -' })
      .optional()
      .describe('Your IndexNow key: 8 to 128 of A–Z, a–z, 0–9 and -, e.g. 5f8e0c3a9d2b4e71; served at /<key>.txt. Public, not a secret'),
    endpoint: httpUrl.default('https://api.indexnow.org/indexnow').describe('The IndexNow endpoint; change it only to test'),
  })
  .prefault({})
  .describe('IndexNow: the job page URLs that changed, sent after each run');

type Config = z.output<typeof schema>;

const example = `  indexnow:
    enabled: true
    key: 5f8e0c3a9d2b4e71a6c0d9e8b7f6a5c4       # public, not a secret: served at /<key>.txt
    endpoint: https://api.indexnow.org/indexnow
`;

interface Payload {
  host: string;
  key: string;
  keyLocation: string;
  urlList: string[];
}

type Change = { url: string; change: string };

function changesByHost(transitions: readonly Transition[]): Map<string, Change[]> {
  const byHost = new Map<string, Change[]>();
  for (const t of transitions) {
    const { updated, deleted } = pageUrlChanges(t);
    for (const url of [...updated, ...deleted]) {
      const host = new URL(url).host;
      byHost.set(host, [...(byHost.get(host) ?? []), { url, change: `${t.subject.id}@v${t.version} ${url}` }]);
    }
  }
  return byHost;
}

/** A batch is named by the (posting, version) changes it carries: a re-planned run queues nothing twice. */
const batchKey = (host: string, batch: readonly Change[]): string =>
  `${NAME}|${host}|${createHash('sha256')
    .update(batch.map((b) => b.change).join('\n'))
    .digest('hex')
    .slice(0, 32)}`;

export const indexNow = defineNotifier<Config>({
  name: NAME,
  section: { key: 'indexnow', schema, example },
  enabled: (config) => config.enabled && Boolean(config.key),
  owns: (receiver) => receiver === NAME,
  queue: { concurrency: 1 },
  observe: (subject) => pageObservation(NAME, subject),
  plan(transitions, ctx) {
    const key = ctx.config.key!;
    const out: Message[] = [];
    for (const [host, all] of changesByHost(transitions)) {
      for (let i = 0; i < all.length; i += MAX_URLS) {
        const batch = all.slice(i, i + MAX_URLS);
        const payload: Payload = { host, key, keyLocation: ctx.url(`${key}.txt`), urlList: batch.map((b) => b.url) };
        out.push({ receiver: NAME, transport: NAME, key: batchKey(host, batch), payload });
      }
    }
    return out;
  },
  describe: (payload) => {
    const p = payload as Payload;
    return `${p.host}: ${p.urlList.length} URL(s) ${p.urlList.join(' ')}`;
  },
  rootFiles: (config) => (config.key ? [{ path: `${config.key}.txt`, contentType: 'text/plain; charset=utf-8', body: config.key }] : []),
  async deliver(item, ctx) {
    // Items queued by earlier versions carry their summary in the payload; IndexNow gets only its fields.
    const { summary: _summary, ...payload } = JSON.parse(item.payload) as Payload & { summary?: string };
    const res = await send(
      ctx.http,
      { method: 'POST', url: ctx.config.endpoint, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) },
      ctx.policy,
      ctx.sleep,
    );
    return outcomeOf(res);
  },
});
