/**
 * The site configuration, `jobcast.config.yaml`. Channel sections are contributed by the adapters and
 * `notify` sections by the notifiers (each with its own zod schema and defaults), so the core names
 * no channel and no notifier.
 * Secrets never live here: only the names of environment variables that hold them.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { CODES } from '../errors';
import { httpsUrl } from './posting';

const params = (jc: string, fix?: string) => ({ params: fix ? { jc, fix } : { jc } });

const ENV_NAME = '^[A-Z_][A-Z0-9_]*$';

// A custom issue rather than .regex(): only custom issues carry our code and fix through zod; the
// pattern still reaches the JSON Schema (and so the editor and docs/config.md) through meta.
export const envVarName = z
  .string()
  .superRefine((v, ctx) => {
    if (new RegExp(ENV_NAME).test(v)) return;
    ctx.addIssue({
      code: 'custom',
      message: 'must be the NAME of an environment variable (A–Z, 0–9, _), not the secret itself',
      input: v,
      ...params(CODES.CONFIG_ENV, 'put the secret in an environment variable and write its name here, e.g. BOARD_SECRET'),
    });
  })
  .meta({ pattern: ENV_NAME });

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

const organizationSchema = z
  .strictObject({
    name: z.string().trim().min(1).describe('The employer name job seekers recognise, e.g. Example Corp'),
    url: httpsUrl.describe("The organization's public website, e.g. https://www.example.com"),
    logo: httpsUrl
      .optional()
      .describe('The logo search engines show beside the role, e.g. https://www.example.com/logo.png; aspect ratio between 0.75 and 2.5'),
    sameAs: z.array(httpsUrl).optional().describe("The organization's other official profiles, e.g. [https://social.example.com/@example]"),
    email: z.email().optional().describe("Contact and board-account email, e.g. jobs@example.com: the emails' default sender and the boards' poster email"),
  })
  .describe('The employer, as job pages, feeds and boards name it');

const trackingSchema = z.strictObject({
  parameter: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('utm_source')
    .describe("Query parameter added to each channel's apply links, e.g. utm_source"),
  values: z
    .record(z.string(), z.string().min(1))
    .default({})
    .describe('The value per channel name, e.g. { <channel>: partner-feed }; a channel not listed gets its own name'),
  enabled: z.boolean().default(true).describe('false: apply links are published exactly as written in the postings'),
  redirect: z
    .boolean()
    .default(false)
    .describe(
      "true: every channel's apply links go through /apply/<id>/<channel> on this site, which counts the click (no cookies, nothing about the person stored) and sends the candidate on to the apply URL with the channel's parameter",
    ),
});

/** An endpoint: http is allowed so tests (and notifiers' own tests) point them at 127.0.0.1. */
export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

/** `notify.http`: what every notifier's requests share. Endpoints live in each notifier's own section. */
const httpSchema = z
  .strictObject({
    timeoutMs: z
      .int()
      .min(100)
      .default(10000)
      .describe('How long to wait for an answer, in milliseconds. A timed-out request is not repeated in the same run: the next run sends it again, same key'),
    retries: z
      .int()
      .min(0)
      .max(10)
      .default(4)
      .describe('Further attempts within one run after the first, when the request certainly was not acted on (refused, 5xx, 429, 408)'),
    backoffMs: z
      .int()
      .min(1)
      .default(500)
      .describe('Base delay between attempts, in milliseconds: attempt n waits a random time up to backoffMs × 2^n; Retry-After is honoured'),
    concurrency: z.int().min(1).max(64).optional().describe("Requests in flight at once per receiver; default: each notifier's own, 1 to 4"),
    budgetMs: z
      .int()
      .min(1000)
      .default(60000)
      .describe('Time per receiver per run, in milliseconds; after it no new request starts and the rest waits for the next run'),
  })
  .prefault({})
  .describe('HTTP behaviour shared by every notifier (timeoutMs also bounds mail delivery)');

/**
 * Who is told when something changes: one section per notifier (each contributes its own schema,
 * see src/publish/notifier.ts), then the shared `http`. Every section is off until configured.
 */
export function createNotifySchema(sections: Readonly<Record<string, z.ZodType>>) {
  return z
    .strictObject({ ...sections, http: httpSchema })
    .describe('Who is told when a role changes. Every receiver is off until configured; secrets are named, never written, here');
}

/** The parsed `notify`: the shared `http`, and each notifier's section (typed by the notifier that owns it). */
export type NotifyConfig = { http: z.output<typeof httpSchema> } & { [section: string]: unknown };

/** The sections plugins contribute: `channels.<name>` by the adapters, `notify.<key>` by the notifiers. */
export interface PluginConfigSchemas {
  options: Readonly<Record<string, z.ZodType>>;
  notify: Readonly<Record<string, z.ZodType>>;
  /** Keys channels add to `organization` (an account id on their board). */
  organization?: Readonly<Record<string, z.ZodType>>;
}

/** `state`: the ledger's place. */
const stateSchema = z
  .string()
  .min(1)
  .default('.jobcast/state.db')
  .describe(
    'The ledger of what each receiver was told: a SQLite file relative to this file (keep it on persistent storage together with the output), or a PostgreSQL URL postgres://user@host:5432/db that several instances share (its password from PGPASSWORD, or the whole URL from stateEnv)',
  );

/** `stateEnv`: the variable holding the ledger's PostgreSQL URL (a secret). */
const stateEnvSchema = envVarName
  .optional()
  .describe(
    "The environment variable holding the ledger's PostgreSQL URL, password included, e.g. JOBCAST_STATE_URL; it replaces state:, jobcast stops with JC_STATE_ENV_UNSET when the variable is not set, and its value is never logged or shown",
  );

/** `deploy`: where `jobcast deploy` copies the served output (an S3-compatible bucket). */
export const deploySchema = z
  .strictObject({
    bucket: z.string().min(3).describe('The bucket, e.g. jobs-example-com'),
    prefix: z
      .string()
      .regex(/^([^/]+\/)*$/, 'a prefix is empty or ends with /, e.g. site/')
      .default('')
      .describe("A folder in the bucket to put the site under, ending with /, e.g. site/; default the bucket's root"),
    region: z.string().min(1).default('us-east-1').describe("The bucket's region, e.g. eu-west-1 (Cloudflare R2: auto)"),
    endpoint: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("An S3-compatible service's address, e.g. https://<account>.r2.cloudflarestorage.com or http://minio.internal:9000; default AWS"),
    forcePathStyle: z
      .boolean()
      .default(false)
      .describe('Address the bucket as endpoint/bucket rather than bucket.endpoint (MinIO and most self-hosted services want true)'),
    accessKeyIdEnv: envVarName.default('AWS_ACCESS_KEY_ID').describe('The environment variable holding the access key id'),
    secretAccessKeyEnv: envVarName.default('AWS_SECRET_ACCESS_KEY').describe('The environment variable holding the secret access key'),
    concurrency: z.int().min(1).max(64).default(8).describe('Uploads in flight at once'),
    afterBuild: z
      .boolean()
      .default(false)
      .describe(
        "Deploy after every successful build: jobcast build and jobcast publish, and jobcast serve's publish runs and --watch builds (a failed deploy is logged; the next one carries on)",
      ),
  })
  .describe('Object storage for jobcast deploy: the served output copied to an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO), changed objects only');

export type DeployConfig = z.output<typeof deploySchema>;

export function createConfigSchema(channels: PluginConfigSchemas, extra: Readonly<Record<string, z.ZodType>> = {}) {
  const channelShape: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(channels.options)) channelShape[name] = schema.prefault({});
  return z.strictObject({
    // Typed as the core's keys: a channel reads the keys it added itself.
    organization: organizationSchema.extend(channels.organization ?? {}).describe(organizationSchema.description ?? '') as unknown as typeof organizationSchema,
    baseUrl: baseUrl
      .default('http://localhost:3000')
      .describe(
        'The public address of this service, e.g. https://jobs.example.com (a path is allowed, no query); every page and feed links to it. Use https in production',
      ),
    schedule: z
      .strictObject({
        cron: cronExpression
          .default('*/15 * * * *')
          .describe('When to republish: five fields, minute hour day month weekday, in quotes, e.g. "*/15 * * * *" (every 15 minutes)'),
        timezone: timeZone.default('UTC').describe('IANA time zone, e.g. UTC, America/New_York: of the schedule, and of date-only datePosted and validThrough'),
        enabled: z.boolean().default(true).describe('false: serve only serves; republish with jobcast publish or the admin'),
      })
      .prefault({})
      .describe('The republish schedule that jobcast serve runs'),
    postings: z.string().min(1).default('postings').describe('The folder of posting files, relative to this file; --postings overrides it'),
    output: z.string().min(1).default('dist').describe('Where the build writes and the server serves from, relative to this file; --out overrides it'),
    state: stateSchema,
    stateEnv: stateEnvSchema,
    tracking: trackingSchema.prefault({}).describe("Apply-link attribution: each channel's apply links get ?<parameter>=<value>"),
    trustProxy: z
      .union([z.boolean(), z.int().min(0), z.string().min(1), z.array(z.string().min(1))])
      .default(false)
      .describe(
        "Express's trust proxy: which proxies in front of jobcast may tell the client address (X-Forwarded-For) and that it used https (X-Forwarded-Proto). false trusts none, true all; a number of hops, or addresses and subnets, e.g. [loopback, 10.0.0.0/8]",
      ),
    channels: z
      .strictObject(channelShape)
      .prefault({})
      .describe('Per-channel settings, one section per channel; every section is optional and its defaults work as they are'),
    notify: createNotifySchema(channels.notify).prefault({}),
    deploy: deploySchema.optional(),
    ...extra,
  });
}

export type SiteConfigSchema = ReturnType<typeof createConfigSchema>;
/** The parsed config; channel, notify and extra sections are typed by the adapter/notifier that owns them. */
export type SiteConfig = Omit<z.output<SiteConfigSchema>, 'channels' | 'notify'> & {
  channels: Record<string, unknown>;
  notify: NotifyConfig;
  [section: string]: unknown;
};
