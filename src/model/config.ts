/**
 * The site configuration, `jobcast.config.yaml`. Channel sections are contributed by the adapters
 * (each with its own zod options schema and defaults), so the core names no channel.
 * Secrets never live here: only the names of environment variables that hold them.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { CODES } from '../errors';
import { httpsUrl } from './posting';

const params = (jc: string, fix?: string) => ({ params: fix ? { jc, fix } : { jc } });

export const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  message: 'must be the NAME of an environment variable (A–Z, 0–9, _), not the secret itself',
  ...params(CODES.CONFIG_ENV, 'e.g. SMTP_URL'),
});

const timeZone = z.string().superRefine((v, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `"${v}" is not an IANA time zone`,
      input: v,
      ...params(CODES.FIELD_FORMAT, 'e.g. UTC, America/New_York, Europe/Berlin'),
    });
  }
});

const cronExpression = z.string().superRefine((v, ctx) => {
  if (!cron.validate(v)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${v}" is not a cron expression`,
      input: v,
      ...params(CODES.FIELD_FORMAT, 'five fields: minute hour day month weekday, e.g. "*/15 * * * *"'),
    });
  }
});

/** http(s) origin plus optional path; http is allowed so the shipped config works on localhost. */
const baseUrl = z.string().superRefine((v, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    /* reported below */
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username) {
    ctx.addIssue({
      code: 'custom',
      message: `baseUrl must be an http(s) URL without query or fragment`,
      input: v,
      ...params(CODES.FIELD_URL, 'e.g. https://jobs.example.com'),
    });
  }
});

export const organizationSchema = z.strictObject({
  name: z.string().trim().min(1),
  url: httpsUrl,
  logo: httpsUrl.optional(),
  sameAs: z.array(httpsUrl).optional(),
  linkedinCompanyId: z
    .string()
    .regex(/^\d+$/, { message: 'must be the numeric LinkedIn company id', ...params(CODES.FIELD_FORMAT, 'quote it: "1234567"') })
    .optional(),
  email: z.email().optional(),
});

const trackingSchema = z.strictObject({
  /** Query parameter added to each channel's apply URL. */
  parameter: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('utm_source'),
  /** Per-channel value; a channel not listed gets its own name. */
  values: z.record(z.string(), z.string().min(1)).default({}),
  enabled: z.boolean().default(true),
});

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/**
 * Who is told when something changes. Endpoints are configurable so tests point them at 127.0.0.1.
 * Every section is off until configured.
 */
export const notifySchema = z.strictObject({
  google: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Env var holding the path to the service-account JSON key file. */
      credentialsEnv: envVarName.default('GOOGLE_APPLICATION_CREDENTIALS'),
      endpoint: httpUrl.default('https://indexing.googleapis.com/v3/urlNotifications:publish'),
      tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token'),
      /** Publish requests per day (Google's default quota is 200); the rest wait for the next run. */
      dailyBudget: z.int().min(1).default(200),
    })
    .prefault({}),
  indexnow: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Public key (8–128 of A–Z a–z 0–9 -); served at /<key>.txt. Not a secret. */
      key: z
        .string()
        .regex(/^[A-Za-z0-9-]{8,128}$/, { message: 'must be 8–128 characters of A–Z, a–z, 0–9 and -' })
        .optional(),
      endpoint: httpUrl.default('https://api.indexnow.org/indexnow'),
    })
    .prefault({}),
  websub: z.strictObject({ hubs: z.array(httpUrl).default([]) }).prefault({}),
  webhooks: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9-]+$/),
        url: httpUrl,
        /** Env var holding the HMAC-SHA256 signing secret. */
        secretEnv: envVarName,
        events: z.array(z.enum(['posting.published', 'posting.updated', 'posting.closed'])).optional(),
      }),
    )
    .default([]),
  /** HTTP behaviour shared by every notifier. */
  http: z
    .strictObject({
      timeoutMs: z.int().min(100).default(10000),
      retries: z.int().min(0).max(10).default(4),
      backoffMs: z.int().min(1).default(500),
      /** Requests in flight at once per receiver (default: each notifier's own, 1–4). */
      concurrency: z.int().min(1).max(64).optional(),
      /** Time per receiver per run; after it no new request starts and the rest waits for the next run. */
      budgetMs: z.int().min(1000).default(60000),
    })
    .prefault({}),
});

export type NotifyConfig = z.output<typeof notifySchema>;

export interface ChannelConfigSchemas {
  options: Readonly<Record<string, z.ZodType>>;
}

export function createConfigSchema(channels: ChannelConfigSchemas, extra: Readonly<Record<string, z.ZodType>> = {}) {
  const channelShape: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(channels.options)) channelShape[name] = schema.prefault({});
  return z.strictObject({
    organization: organizationSchema,
    baseUrl: baseUrl.default('http://localhost:3000'),
    schedule: z
      .strictObject({ cron: cronExpression.default('*/15 * * * *'), timezone: timeZone.default('UTC'), enabled: z.boolean().default(true) })
      .prefault({}),
    postings: z.string().min(1).default('postings'),
    output: z.string().min(1).default('dist'),
    state: z.string().min(1).default('.jobcast/state.db'),
    tracking: trackingSchema.prefault({}),
    /**
     * Express's `trust proxy`: which proxies in front of jobcast may say who the client is
     * (X-Forwarded-For) and that it used https (X-Forwarded-Proto). false (the default) trusts none;
     * true, a hop count, or addresses/subnets such as [loopback, 10.0.0.0/8].
     */
    trustProxy: z.union([z.boolean(), z.int().min(0), z.string().min(1), z.array(z.string().min(1))]).default(false),
    channels: z.strictObject(channelShape).prefault({}),
    notify: notifySchema.prefault({}),
    ...extra,
  });
}

export type SiteConfigSchema = ReturnType<typeof createConfigSchema>;
/** The parsed config; channel and extra sections are typed by the adapter/notifier that owns them. */
export type SiteConfig = Omit<z.output<SiteConfigSchema>, 'channels'> & {
  channels: Record<string, unknown>;
  [section: string]: unknown;
};
