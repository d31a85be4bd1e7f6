/**
 * Google Indexing API: URL_UPDATED when a job page goes live or changes, URL_DELETED for the URLs it
 * was told once the page is gone (410 or 404). Service-account JWT auth (./token.ts); a daily budget
 * (Google's default quota is 200 publishes a day, reset at midnight Pacific) with the rest carried to
 * the next run.
 */
import { failureOf, send } from '../../src/publish/http';
import { defineNotifier, type DeliverContext, type DeliveryOutcome } from '../../src/publish/notifier';
import { pageObservation, pageUrlChanges } from '../../src/publish/pages';
import type { Message, Transition } from '../../src/publish/protocol';
import { googleExample, googleSchema, type GoogleConfig } from './config';
import { accessToken, forgetToken, missingKey, NAME } from './token';

interface Payload {
  url: string;
  type: 'URL_UPDATED' | 'URL_DELETED';
}

/** The calendar day in Los Angeles: the quota's reset boundary. */
function pacificDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function nextPacificMidnight(at: Date): Date {
  const day = pacificDay(at);
  let t = at.getTime();
  while (pacificDay(new Date(t)) === day) t += 15 * 60 * 1000;
  return new Date(t);
}

function messagesOf(t: Transition): Message[] {
  const { updated, deleted } = pageUrlChanges(t);
  const urls = [...updated.map((url) => ({ url, type: 'URL_UPDATED' as const })), ...deleted.map((url) => ({ url, type: 'URL_DELETED' as const }))];
  return urls.map(({ url, type }) => ({
    receiver: NAME,
    transport: NAME,
    subject: t.subject.id,
    version: t.version,
    event: t.event,
    part: url,
    payload: { url, type } satisfies Payload,
  }));
}

async function notify(payload: Payload, token: string, ctx: DeliverContext<GoogleConfig>): Promise<DeliveryOutcome> {
  const res = await send(
    ctx.http,
    {
      method: 'POST',
      url: ctx.config.endpoint,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ url: payload.url, type: payload.type }),
    },
    ctx.policy,
    ctx.sleep,
  );
  if (res.ok) return { ok: true, response: `${res.status} ${res.body.slice(0, 500)}` };
  if (res.status === 401) forgetToken(ctx);
  return failureOf(res, res.status === 403 ? ' (add the service account as an Owner of the site in Search Console)' : '');
}

export const googleIndexing = defineNotifier<GoogleConfig>({
  name: NAME,
  section: { key: 'google', schema: googleSchema, example: googleExample },
  enabled: (config) => config.enabled,
  owns: (receiver) => receiver === NAME,
  queue: { concurrency: 4 },
  observe: (subject) => pageObservation(NAME, subject),
  plan: (transitions) => transitions.flatMap(messagesOf),
  describe: (payload) => `${(payload as Payload).type} ${(payload as Payload).url}`,
  missing: (_payload, ctx) => (ctx.env[ctx.config.credentialsEnv] ? undefined : missingKey(ctx.config.credentialsEnv)),
  async deliver(item, ctx) {
    const day = pacificDay(ctx.now);
    const budget = ctx.config.dailyBudget;
    // Checked and taken in one statement: deliveries run concurrently, on several instances too.
    if (!(await ctx.ledger.takeQuota(NAME, day, budget)))
      return { deferred: nextPacificMidnight(ctx.now), reason: `daily budget of ${budget} Indexing API requests used` };
    const token = await accessToken(ctx);
    if (!('token' in token)) {
      await ctx.ledger.useQuota(NAME, day, -1);
      return 'waiting' in token ? token : { ok: false, retryable: token.retryable, error: token.error };
    }
    return notify(JSON.parse(item.payload) as Payload, token.token, ctx);
  },
});
