/**
 * Plain-text email: `jobs/<id>/email.txt` (the body) and `jobs/<id>/email.eml` (the whole message a
 * list receives) per open role. SMTP delivery is not here: it composes the same message through
 * `roleEmail` + `composeMessage`, so a list receives what the build published, except for the
 * Message-ID, which names the role's version in the ledger (a reopened role is a new message).
 *
 * Each configured list is a receiver `email:<list>` (docs/publication.md): a role is announced when
 * it goes live for a list, and again only where the list has `announceChanges` and a material field
 * changed; a close is not announced, and an email not yet sent is withdrawn.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CODES } from '../../src/errors';
import { defineAdapter, type Announcement, type PostingEntry, type RenderContext } from '../../src/adapter';
import { paragraphsOf, sectionsOf } from '../../src/compose/description';
import { countryList, employmentText, payFacts, requirementFacts, whereText } from '../../src/compose/facts';
import { plainLine, plainText, textTemplate } from '../../src/compose/text-template';
import { messageBody, type MessageSpec } from '../../src/mail/compose';
import { envVarName } from '../../src/model/config';
import { endInstant, formatZoned, isDateOnly } from '../../src/model/dates';
import { httpsUrl, languageTag, type Posting } from '../../src/model/posting';
import { translated, translationOf } from '../../src/model/translate';
import { wordsFor } from '../../src/compose/words';
import { codePoints } from '../../src/compose/wrap';
import { emailPreview } from './preview';

const EMAIL_CODES = {
  /** A posting names a list the config does not define: it is not sent there (a warning, so a posting can name a list before ops configure it). */
  UNKNOWN_LIST: 'EMAIL_UNKNOWN_LIST',
} as const;

const LIST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const listSchema = z.strictObject({
  address: z.email().describe("The list's posting address, e.g. engineering-referrals@lists.example.com"),
  unsubscribe: z
    .strictObject({
      url: httpsUrl
        .optional()
        .describe('One-click unsubscribe endpoint (RFC 8058); it must unsubscribe on POST only, and answer a GET with a confirmation page'),
      mailto: z.email().optional().describe('Address that unsubscribes whoever writes to it, e.g. engineering-referrals-leave@lists.example.com'),
    })
    .optional()
    .describe("The List-Unsubscribe targets of the list's emails (RFC 2369); an https url also makes it one-click"),
  announceChanges: z
    .boolean()
    .default(false)
    .describe('true: email the list again on a material change (title, salary, location, closing), not only when a role goes live'),
  language: languageTag
    .optional()
    .describe(
      "The list's language as a BCP 47 tag, e.g. fr: a role translated into it is emailed in it (its words, labels, dates and amounts); other roles as written",
    ),
});

export const emailOptions = z
  .strictObject({
    from: z.email().optional().describe('Sender address, e.g. jobs@example.com; default: organization.email'),
    smtpUrlEnv: envVarName
      .default('SMTP_URL')
      .describe('NAME of the environment variable holding the SMTP URL, smtp(s)://user:pass@host:port (never the URL itself)'),
    lists: z
      .record(z.string().regex(LIST_NAME, { message: 'list names are lowercase a-z, 0-9 and - (e.g. engineering-referrals)' }), listSchema)
      .default({})
      .describe('Mailing lists by name (lowercase a-z, 0-9 and -, e.g. engineering-referrals); a role opts in with channels: { email: { lists: [name] } }'),
    defaultList: z
      .string()
      .optional()
      .describe("The list a role's email.eml preview is addressed to when the role names none; one of lists. Delivery never uses it"),
  })
  .superRefine((o, ctx) => {
    if (o.defaultList !== undefined && !Object.hasOwn(o.lists, o.defaultList)) {
      const names = Object.keys(o.lists);
      ctx.addIssue({
        code: 'custom',
        path: ['defaultList'],
        input: o.defaultList,
        message: `defaultList "${o.defaultList}" is not one of the configured lists`,
        params: { jc: CODES.FIELD_ENUM, fix: names.length ? `use one of: ${names.join(', ')}` : 'configure the list under lists: first' },
      });
    }
  });

const emailPostingOptions = z
  .strictObject({
    lists: z
      .array(z.string().min(1))
      .optional()
      .describe("The mailing lists this role is announced to, by their names in the config's channels.email.lists, e.g. [engineering-referrals]"),
  })
  .describe('Email extras for this role, e.g. { lists: [engineering-referrals] }');

export type EmailOptions = z.output<typeof emailOptions>;
export type EmailPostingOptions = z.output<typeof emailPostingOptions>;
export type EmailList = EmailOptions['lists'][string];

const isConfigured = (options: EmailOptions, name: string): boolean => Object.hasOwn(options.lists, name);

/** Lists the posting opts into, in its order, that the config defines: the ones delivery sends to. */
function postingLists(posting: Posting, ctx: RenderContext<EmailOptions>): string[] {
  return (ctx.postingOptions<EmailPostingOptions>(posting)?.lists ?? []).filter((n) => isConfigured(ctx.options, n));
}

/** The list the published `.eml` is addressed to: the role's first configured list, else `defaultList`. */
export function primaryList(posting: Posting, ctx: RenderContext<EmailOptions>): string | undefined {
  return postingLists(posting, ctx)[0] ?? ctx.options.defaultList;
}

const senderAddress = (ctx: RenderContext<EmailOptions>): string => ctx.options.from ?? ctx.site.organization.email ?? 'jobs@example.com';

/** `Remote (United States, Canada)` or the places: the short location a subject line has room for. */
function subjectWhere(p: Posting): string {
  return p.workplace === 'remote' ? `Remote (${countryList(p.applicantLocations ?? [])})` : whereText(p);
}

/** `2027-02-28`, or `2027-02-28 17:00 America/New_York` for a date-time, in the schedule's zone. */
function closingText(validThrough: string, timeZone: string): string {
  if (isDateOnly(validThrough)) return validThrough;
  const zoned = formatZoned(endInstant(validThrough, timeZone), timeZone);
  return `${zoned.slice(0, 10)} ${zoned.slice(11, 16)} ${timeZone}`;
}

const template = textTemplate('email.txt.hbs');

/** The email's words in `lang`, the field labels padded to one width so the values line up. */
function emailWords(lang: string | undefined): Record<string, string> {
  const words = wordsFor(lang).email;
  const labels = ['location', 'salary', 'employment', 'department', 'applyBy', 'reference', 'industry', 'occupation'] as const;
  const width = Math.max(13, ...labels.map((k) => codePoints(words[k]) + 1));
  const padded = Object.fromEntries(labels.map((k) => [k, words[k] + ' '.repeat(width - codePoints(words[k]))]));
  return { ...words, ...padded };
}

/** The pay: one line, or one line per place (`Toronto, ON, Canada: CA$150,000 - …`), each a hard break under the label. */
function salaryLines(p: Posting): string {
  const { shared, byPlace } = payFacts(p);
  return shared !== undefined ? plainLine(shared) : byPlace.map((f) => plainLine(`${f.label}: ${f.value}`)).join('\n');
}

export interface RoleEmail {
  /** The list this message is for, if any: without one it is a preview addressed to the sender. */
  list?: string;
  /** The body, LF line ends: `email.txt`. */
  text: string;
  /** What `composeMessage` turns into `email.eml` (and delivery sends). */
  spec: MessageSpec;
}

/** The message announcing one role to `listName` (a configured list) or, without one, a preview. */
export function roleEmail(entry: PostingEntry, ctx: RenderContext<EmailOptions>, listName?: string): RoleEmail {
  const list: EmailList | undefined = listName !== undefined && isConfigured(ctx.options, listName) ? ctx.options.lists[listName] : undefined;
  // A list in another language gets the role's translation into it, where there is one.
  const p = list?.language ? translated(entry.posting, list.language) : entry.posting;
  const from = senderAddress(ctx);
  const company = plainLine(ctx.site.organization.name);
  const title = plainLine(p.title);
  const text = template({
    t: emailWords(p.language),
    title,
    company,
    where: plainLine(whereText(p)),
    salary: salaryLines(p),
    employment: plainLine(employmentText(p)),
    department: p.department ? plainLine(p.department) : '',
    closes: p.validThrough ? closingText(p.validThrough, ctx.site.schedule.timezone) : '',
    reference: p.reference ? plainLine(p.reference) : '',
    industry: p.industry ? plainLine(p.industry) : '',
    occupation: p.occupationalCategory ? `${p.occupationalCategory} (O*NET-SOC)` : '',
    summary: paragraphsOf(plainText(p.summary)),
    sections: sectionsOf(p).map((s) => ({ heading: s.heading, ...(s.intro ? { intro: plainLine(s.intro) } : {}), items: s.items.map(plainLine) })),
    requirements: requirementFacts(p).map((f) => plainLine(`${f.label}: ${f.value}`)),
    skills: plainLine((p.skills ?? []).join(', ')),
    applyUrl: ctx.applyUrl(p, entry.id),
    applyEmail: p.apply.email ?? '',
    pageUrl: ctx.url(ctx.pages.page(entry.id, translationOf(p))),
    from,
    list: list ? { address: list.address, unsubscribeUrl: list.unsubscribe?.url ?? '', unsubscribeMailto: list.unsubscribe?.mailto ?? '' } : null,
  });
  const host = new URL(ctx.site.baseUrl).hostname;
  const spec: MessageSpec = {
    from: { name: company, address: from },
    to: list?.address ?? from,
    subject: `${title} — ${company} — ${plainLine(subjectWhere(p))}`,
    text,
    date: entry.changedAt,
    // Same role version, same id: a re-send or rebuild is recognisably the same message.
    messageId: `<jobcast.${entry.id}.${entry.hash.slice(0, 16)}@${host}>`,
    ...(list?.unsubscribe ? { unsubscribe: list.unsubscribe } : {}),
  };
  return { ...(list && listName !== undefined ? { list: listName } : {}), text, spec };
}

/** The fields whose change makes an announced role worth announcing again (title, pay, place, closing). */
function materialView(p: Posting): unknown {
  return [p.title, p.salary ?? null, p.workplace, p.locations ?? null, p.applicantLocations ?? null, p.salaryByCountry ?? null, p.validThrough ?? null];
}
const materialFingerprint = (p: Posting): string =>
  createHash('sha256')
    .update(JSON.stringify(materialView(p)))
    .digest('hex')
    .slice(0, 32);

const RECEIVER = 'email:';

export const email = defineAdapter<EmailOptions, EmailPostingOptions>({
  name: 'email',
  states: ['open', 'closed', 'expired'],
  description: 'Plain-text email per role for mailing lists (jobs/<id>/email.txt, jobs/<id>/email.eml)',
  // Its part of the complete examples in docs/postings.md and docs/config.md.
  examples: {
    posting: '{ lists: [engineering-referrals] }   # lists configured in jobcast.config.yaml',
    config:
      "from: jobs@example.com                      # default organization.email\nsmtpUrlEnv: SMTP_URL                        # NAME of the env var holding smtp(s)://user:pass@host:port\nlists:                                      # postings opt in with channels: { email: { lists: [name] } }\n  engineering-referrals:\n    address: engineering-referrals@lists.example.com\n    unsubscribe:\n      url: https://lists.example.com/unsubscribe/engineering-referrals   # one-click: unsubscribes on POST only\n      mailto: engineering-referrals-leave@lists.example.com\n    announceChanges: false                  # true: email again when title, pay, places or closing change\n    language: en                            # roles translated into it are emailed in it\ndefaultList: engineering-referrals          # the list a role's email.eml preview is addressed to",
  },
  codes: EMAIL_CODES,
  options: emailOptions,
  postingOptions: emailPostingOptions,
  check(entry, ctx) {
    if (entry.state === 'closed' || entry.state === 'expired') return [];
    const named = ctx.postingOptions<EmailPostingOptions>(entry.posting)?.lists ?? [];
    const configured = Object.keys(ctx.options.lists);
    return named.flatMap((name, i) =>
      isConfigured(ctx.options, name)
        ? []
        : [
            {
              code: EMAIL_CODES.UNKNOWN_LIST,
              severity: 'warning' as const,
              posting: entry.id,
              field: `channels.email.lists.${i}`,
              message: `email list "${name}" is not configured, so this role is not sent to it`,
              fix: configured.length
                ? `use one of the configured lists: ${configured.join(', ')}; or add "${name}" under channels.email.lists in the config`
                : `add "${name}" under channels.email.lists in the config (no lists are configured yet)`,
            },
          ],
    );
  },
  audience(entry, ctx) {
    if (entry.state !== 'open') return [];
    // Each list is told of the role in its own language: a change to another language's words is not its business.
    return postingLists(entry.posting, ctx).map((name) => {
      const lang = ctx.options.lists[name]?.language;
      return { receiver: `${RECEIVER}${name}`, fingerprint: materialFingerprint(lang ? translated(entry.posting, lang) : entry.posting) };
    });
  },
  ownsReceiver: (receiver) => receiver.startsWith(RECEIVER),
  announce(transitions, ctx) {
    const out: Announcement[] = [];
    const host = new URL(ctx.site.baseUrl).hostname;
    for (const t of transitions) {
      const name = t.receiver.slice(RECEIVER.length);
      const list = isConfigured(ctx.options, name) ? ctx.options.lists[name]! : undefined;
      // A close is never announced; an update only where the list asks for material changes.
      if (!list || !t.entry || t.event === 'close' || (t.event === 'update' && !list.announceChanges)) continue;
      const m = roleEmail(t.entry, ctx, name);
      const spec = { ...m.spec, messageId: `<jobcast.${t.id}.v${t.version}.${t.keySpace}.${name}@${host}>` };
      out.push({
        receiver: t.receiver,
        posting: t.id,
        version: t.version,
        event: t.event,
        transport: 'smtp',
        cancelIfGone: true,
        payload: { smtpUrlEnv: ctx.options.smtpUrlEnv, spec: { ...spec, date: spec.date.toISOString() } },
        summary: `email to ${list.address} (${name}): "${m.spec.subject}"`,
      });
    }
    return out;
  },
  renderPosting(e, ctx) {
    if (e.state !== 'open') {
      // Gone: the role's email URLs answer 410 with one line, like its page.
      const body = `${plainLine(e.posting.title)} (${plainLine(ctx.site.organization.name)}) is no longer accepting applications.\n`;
      return ['txt', 'eml'].map((ext) => ({
        path: `${ctx.pages.page(e.id)}email.${ext}`,
        contentType: 'text/plain; charset=utf-8',
        status: 410 as const,
        posting: e.id,
        body,
      }));
    }
    const m = roleEmail(e, ctx, primaryList(e.posting, ctx));
    return [
      { path: `${ctx.pages.page(e.id)}email.txt`, contentType: 'text/plain; charset=utf-8', posting: e.id, body: m.text },
      { path: `${ctx.pages.page(e.id)}email.eml`, contentType: 'message/rfc822; charset=utf-8', posting: e.id, body: messageBody(m.spec) },
    ];
  },
  preview: (entry, _ctx, artifacts) => emailPreview(entry, artifacts),
});
