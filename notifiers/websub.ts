/**
 * WebSub: `hub.mode=publish` to each configured hub whenever a feed appears or its bytes change. The
 * hubs are also named in the feeds themselves (feedHubs → RenderContext.hubs).
 */
import { z } from 'zod';
import { httpUrl } from '../src/model/config';
import { outcomeOf, send } from '../src/publish/http';
import { defineNotifier } from '../src/publish/notifier';

const NAME = 'websub';
const PREFIX = 'websub:';

const schema = z
  .strictObject({
    hubs: z.array(httpUrl).default([]).describe('Hubs pinged (hub.mode=publish) when a feed changes, e.g. [https://pubsubhubbub.appspot.com/]'),
  })
  .prefault({})
  .describe('WebSub hubs, told when a feed changes');

type Config = z.output<typeof schema>;

const example = `  websub:
    hubs:
      - https://pubsubhubbub.appspot.com/
`;

interface Payload {
  hub: string;
  feed: string;
}

export const webSub = defineNotifier<Config>({
  name: NAME,
  section: { key: 'websub', schema, example },
  enabled: (config) => config.hubs.length > 0,
  owns: (receiver) => receiver.startsWith(PREFIX),
  queue: { concurrency: 2 },
  feedHubs: (config) => config.hubs,
  observe(subject, ctx) {
    if (subject.kind !== 'feed' || !subject.feed) return [];
    return ctx.config.hubs.map((hub) => ({ receiver: `${PREFIX}${hub}`, fingerprint: subject.hash, detail: subject.feed!.url }));
  },
  plan(transitions) {
    // A feed that disappears is not pinged: there is nothing left to fetch.
    return transitions
      .filter((t) => t.event !== 'close')
      .map((t) => ({
        receiver: t.receiver,
        transport: NAME,
        subject: t.subject.id,
        version: t.version,
        event: t.event,
        payload: { hub: t.receiver.slice(PREFIX.length), feed: t.subject.feed!.url } satisfies Payload,
      }));
  },
  describe: (payload) => `${(payload as Payload).hub} hub.url=${(payload as Payload).feed}`,
  async deliver(item, ctx) {
    const { hub, feed } = JSON.parse(item.payload) as Payload;
    const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': feed }).toString();
    const res = await send(
      ctx.http,
      { method: 'POST', url: hub, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
      ctx.policy,
      ctx.sleep,
    );
    return outcomeOf(res);
  },
});
