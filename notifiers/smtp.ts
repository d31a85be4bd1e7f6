/**
 * SMTP transport for channel announcements (email to lists). The message is composed from the spec
 * fixed at planning, so every attempt sends the same bytes (same Date and Message-ID); the SMTP URL is
 * read from the environment at delivery and never stored or logged. One attempt per run: a temporary
 * failure (4xx, dropped connection) waits for the next run with backoff; a 5xx is reported, not retried.
 * It has no config section: the email channel names the SMTP URL's variable in each payload.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { composeMessage, type MessageSpec } from '../src/mail/compose';
import { defineNotifier, type DeliverContext, type DeliveryOutcome } from '../src/publish/notifier';

const NAME = 'smtp';

export interface SmtpPayload {
  smtpUrlEnv: string;
  spec: Omit<MessageSpec, 'date'> & { date: string };
  summary?: string;
}

const TRANSIENT = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETLS', 'EPROTOCOL']);

function transportFor(url: string, ctx: DeliverContext) {
  const key = `${NAME}:${url}`;
  let t = ctx.memo.get(key) as Transporter | undefined;
  if (!t) {
    const timeout = ctx.policy.timeoutMs;
    t = nodemailer.createTransport(url, {
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 3,
      disableFileAccess: true,
      disableUrlAccess: true,
    } as object);
    ctx.memo.set(key, t);
  }
  return t;
}

const missingUrl = (payload: SmtpPayload, env: NodeJS.ProcessEnv): string | undefined =>
  env[payload.smtpUrlEnv] ? undefined : `set ${payload.smtpUrlEnv} to the SMTP URL (smtp://user:pass@host:port) to deliver email`;

export const smtp = defineNotifier<undefined>({
  name: NAME,
  enabled: () => true,
  // Email receivers (`email:<list>`) belong to the email channel, which plans them; this only delivers.
  owns: () => false,
  queue: { concurrency: 2 },
  missing: (payload, ctx) => missingUrl(payload as SmtpPayload, ctx.env),
  // The channel's own line (Announcement.summary), kept in the payload when it was queued.
  describe: (payload) => (payload as SmtpPayload).summary ?? '',
  async deliver(item, ctx): Promise<DeliveryOutcome> {
    const payload = JSON.parse(item.payload) as SmtpPayload;
    const url = ctx.env[payload.smtpUrlEnv];
    if (!url) return { waiting: missingUrl(payload, ctx.env)! };
    const composed = composeMessage({ ...payload.spec, date: new Date(payload.spec.date) });
    try {
      const info = await transportFor(url, ctx).sendMail({
        envelope: { from: payload.spec.from.address, to: [payload.spec.to] },
        raw: composed.message,
      });
      return { ok: true, response: String((info as { response?: string }).response ?? 'accepted') };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; response?: string; message: string };
      const code = e.responseCode;
      const retryable = code !== undefined ? code >= 400 && code < 500 : TRANSIENT.has(e.code ?? '') || !e.code;
      // Without an SMTP reply code the connection broke: the relay may have taken the message.
      const ambiguous = code === undefined && e.code !== 'ECONNREFUSED' && e.code !== 'EDNS';
      // Never echo the URL: nodemailer messages can contain the host but not the credentials.
      return {
        ok: false,
        retryable,
        ...(ambiguous ? { ambiguous } : {}),
        error: `SMTP ${code ?? e.code ?? 'error'}: ${(e.response ?? e.message).slice(0, 300)}`,
      };
    }
  },
});
