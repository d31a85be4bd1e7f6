/**
 * Mastodon: one status per new role (`POST /api/v1/statuses`), not for edits or closes. The request
 * carries the outbox key as `Idempotency-Key`, which Mastodon honours, so a re-send after a crash
 * does not post twice; the access token is read from the environment at delivery.
 */
import { z } from 'zod';
import { whereText } from '../src/compose/facts';
import { envVarName } from '../src/model/config';
import { failureOf, send } from '../src/publish/http';
import { defineNotifier, type PlanContext } from '../src/publish/notifier';
import type { Message, Transition } from '../src/publish/protocol';

const NAME = 'mastodon';
/** Mastodon's default status length, counted in graphemes (a link counts as 23, so this is safe). */
const MAX_STATUS = 500;

const MASTODON_CODES = { INSTANCE: 'JC_MASTODON_INSTANCE' } as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An origin: https, or http on a loopback address so tests can stand in for a server. */
const instanceUrl = z
  .string()
  .superRefine((v, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      /* reported below */
    }
    const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK.has(url.hostname));
    if (url && secure && url.pathname === '/' && !url.search && !url.hash && !url.username) return;
    ctx.addIssue({
      code: 'custom',
      message: 'instance must be the https address of a Mastodon server, without a path',
      input: v,
      params: { jc: MASTODON_CODES.INSTANCE, fix: 'e.g. https://mastodon.social' },
    });
  })
  // What the docs (and an editor) show; the check above is the rule.
  .meta({ format: 'uri', pattern: '^https://' });

const schema = z
  .strictObject({
    instance: instanceUrl.describe('Your Mastodon server, e.g. https://mastodon.social (https, no path)'),
    tokenEnv: envVarName.describe(
      'NAME of the environment variable holding the access token (an application with the write:statuses scope), e.g. MASTODON_TOKEN',
    ),
    visibility: z.enum(['public', 'unlisted']).default('public').describe('public: on the public timelines; unlisted: only to followers and on the profile'),
  })
  .optional()
  .describe('A Mastodon account that posts a status for each new role (not for edits or closes)');

type Config = z.output<typeof schema>;

const example = `  mastodon:                                     # a status for each new role
    instance: https://mastodon.social
    tokenEnv: MASTODON_TOKEN                    # NAME of the env var holding the access token
    visibility: public                          # public | unlisted
`;

interface Payload {
  status: string;
  visibility: 'public' | 'unlisted';
}

const graphemes = (s: string): string[] => Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s), (g) => g.segment);

/** `s` in at most `room` graphemes, cut with an ellipsis. */
function fit(s: string, room: number): string {
  const g = graphemes(s);
  return g.length <= room ? s : room > 0 ? `${g.slice(0, room - 1).join('')}…` : '';
}

/** "<title> at <org> — <where>\n<link>": the title gives way first, then the rest of the line; never the link. */
export function statusText(title: string, rest: string, link: string): string {
  const room = MAX_STATUS - graphemes(link).length - 1;
  const forTitle = room - graphemes(rest).length;
  const line = forTitle >= 2 ? `${fit(title, forTitle)}${rest}` : fit(`${title}${rest}`, room);
  return `${line}\n${link}`;
}

function messageOf(t: Transition, ctx: PlanContext<NonNullable<Config>>): Message | undefined {
  const p = t.subject.entry?.posting;
  if (t.event !== 'publish' || !p) return undefined;
  const link = t.subject.pages[0]?.url ?? p.apply.url;
  const status = statusText(p.title, ` at ${ctx.site.organization.name} — ${whereText(p)}`, link);
  return {
    receiver: NAME,
    transport: NAME,
    subject: t.subject.id,
    version: t.version,
    event: t.event,
    payload: { status, visibility: ctx.config.visibility } satisfies Payload,
  };
}

const missingToken = (config: NonNullable<Config>) => `set ${config.tokenEnv} to the access token of the Mastodon account`;

/** The posted status's address, for the ledger; an answer that is not JSON still confirms the post. */
function postedUrl(body: string): string {
  try {
    return (JSON.parse(body) as { url?: string }).url ?? '';
  } catch {
    return '';
  }
}

export const mastodon = defineNotifier<Config>({
  name: NAME,
  section: { key: 'mastodon', schema, example },
  codes: MASTODON_CODES,
  enabled: (config) => config !== undefined,
  owns: (receiver) => receiver === NAME,
  queue: { concurrency: 1 },
  observe: (subject) => (subject.kind === 'posting' && subject.lifecycle === 'open' ? [{ receiver: NAME, fingerprint: subject.hash }] : []),
  plan: (transitions, ctx) => transitions.flatMap((t) => messageOf(t, { ...ctx, config: ctx.config! }) ?? []),
  describe: (payload) => `${(payload as Payload).visibility} status: ${(payload as Payload).status.replace(/\n/g, ' ')}`,
  missing: (_payload, ctx) => (ctx.config && !ctx.env[ctx.config.tokenEnv] ? missingToken(ctx.config) : undefined),
  async deliver(item, ctx) {
    const config = ctx.config!;
    const token = ctx.env[config.tokenEnv];
    if (!token) return { waiting: missingToken(config) };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': item.key };
    const url = `${config.instance.replace(/\/+$/, '')}/api/v1/statuses`;
    const { status, visibility } = JSON.parse(item.payload) as Payload;
    const res = await send(ctx.http, { method: 'POST', url, headers, body: JSON.stringify({ status, visibility }) }, ctx.policy, ctx.sleep);
    if (!res.ok) return failureOf(res, res.status === 401 || res.status === 403 ? ` (check ${config.tokenEnv}: a token with the write:statuses scope)` : '');
    return { ok: true, response: `${res.status} ${postedUrl(res.body)}`.trim() };
  },
});
