/**
 * The one registry of codes (fastify's createError style): every diagnostic and failure code jobcast
 * can report is registered here — the core's in CODES below, each channel's and notifier's through
 * `registerCodes` when it is defined — and every one is documented in docs/errors.md (a test checks
 * both ways). A code never changes meaning once released; retire it instead.
 *
 * Failures that stop a command are made by factories from `createError`: code, message template and
 * exit code defined together, so no call site writes its own.
 */
import { format } from 'node:util';
import type { Diagnostic } from './diagnostics';

export const CODES = {
  // Reading a source file
  FILE_READ: 'JC_FILE_READ',
  FILE_TOO_LARGE: 'JC_FILE_TOO_LARGE',
  FILE_BOM: 'JC_FILE_BOM',
  FILE_ENCODING: 'JC_FILE_ENCODING',
  FILE_EMPTY: 'JC_FILE_EMPTY',
  FILE_NAME: 'JC_FILE_NAME',
  FILE_EXTENSION: 'JC_FILE_EXTENSION',
  /** A file in the postings folder that is not a posting (README, .json): ignored, with a warning. */
  FILE_IGNORED: 'JC_FILE_IGNORED',
  POSTINGS_DIR: 'JC_POSTINGS_DIR',
  // YAML
  YAML_SYNTAX: 'JC_YAML_SYNTAX',
  YAML_DUPLICATE_KEY: 'JC_YAML_DUPLICATE_KEY',
  YAML_NOT_MAP: 'JC_YAML_NOT_MAP',
  YAML_ALIAS: 'JC_YAML_ALIAS',
  // Field-level schema problems
  FIELD_UNKNOWN: 'JC_FIELD_UNKNOWN',
  FIELD_REQUIRED: 'JC_FIELD_REQUIRED',
  FIELD_TYPE: 'JC_FIELD_TYPE',
  FIELD_ENUM: 'JC_FIELD_ENUM',
  FIELD_FORMAT: 'JC_FIELD_FORMAT',
  FIELD_RANGE: 'JC_FIELD_RANGE',
  FIELD_LENGTH: 'JC_FIELD_LENGTH',
  FIELD_DUPLICATE_ITEM: 'JC_FIELD_DUPLICATE_ITEM',
  FIELD_DATE: 'JC_FIELD_DATE',
  FIELD_COUNTRY: 'JC_FIELD_COUNTRY',
  FIELD_CURRENCY: 'JC_FIELD_CURRENCY',
  FIELD_URL: 'JC_FIELD_URL',
  FIELD_EMAIL: 'JC_FIELD_EMAIL',
  FIELD_TEXT: 'JC_FIELD_TEXT',
  FIELD_LANGUAGE: 'JC_FIELD_LANGUAGE',
  // Cross-field and cross-file rules
  RULE_SALARY_RANGE: 'JC_RULE_SALARY_RANGE',
  RULE_SALARY_SHAPE: 'JC_RULE_SALARY_SHAPE',
  RULE_PAY_PLACE: 'JC_RULE_PAY_PLACE',
  RULE_TRANSLATION: 'JC_RULE_TRANSLATION',
  RULE_DATES: 'JC_RULE_DATES',
  RULE_REMOTE_COUNTRIES: 'JC_RULE_REMOTE_COUNTRIES',
  RULE_LOCATIONS_REQUIRED: 'JC_RULE_LOCATIONS_REQUIRED',
  RULE_EXPERIENCE_IN_PLACE: 'JC_RULE_EXPERIENCE_IN_PLACE',
  RULE_DUPLICATE_ID: 'JC_RULE_DUPLICATE_ID',
  RULE_DUPLICATE_REFERENCE: 'JC_RULE_DUPLICATE_REFERENCE',
  RULE_UNKNOWN_CHANNEL: 'JC_RULE_UNKNOWN_CHANNEL',
  // Warnings on the model
  WARN_NO_SALARY: 'JC_WARN_NO_SALARY',
  WARN_PAY_RANGE_WIDE: 'JC_WARN_PAY_RANGE_WIDE',
  WARN_TRANSLATION_MISSING: 'JC_WARN_TRANSLATION_MISSING',
  WARN_TITLE_HTML: 'JC_WARN_TITLE_HTML',
  // Configuration
  CONFIG_READ: 'JC_CONFIG_READ',
  CONFIG_INVALID: 'JC_CONFIG_INVALID',
  CONFIG_ENV: 'JC_CONFIG_ENV',
  /** `jobcast import`: the ATS failed, answered in part or listed no jobs; no file was changed. */
  IMPORT_FAILED: 'JC_IMPORT_FAILED',
  /** A command line jobcast cannot run: an unknown command, option or channel, a missing argument. */
  USAGE: 'JC_USAGE',
  // Channel / build
  CHANNEL_FAILED: 'JC_CHANNEL_FAILED',
  /** A channel threw while rendering or writing: a bug in that channel; nothing was swapped in. */
  BUILD_CHANNEL_CRASHED: 'JC_BUILD_CHANNEL_CRASHED',
  /** Two channels write the same output path. */
  BUILD_PATH_CLASH: 'JC_BUILD_PATH_CLASH',
  // The ledger and the writer lease (docs/publication.md)
  STATE_OPEN: 'JC_STATE_OPEN',
  STATE_NEWER: 'JC_STATE_NEWER',
  /** The config names `stateEnv`, and that variable is not set. */
  STATE_ENV_UNSET: 'JC_STATE_ENV_UNSET',
  /** `jobcast state migrate --to` a database that already holds a ledger. */
  STATE_TARGET_IN_USE: 'JC_STATE_TARGET_IN_USE',
  /** The served output was built with another ledger (deleted, truncated, restored, another site). */
  STATE_MISMATCH: 'JC_STATE_MISMATCH',
  LEASE_HELD: 'JC_LEASE_HELD',
  LEASE_LOST: 'JC_LEASE_LOST',
  // jobcast deploy (src/deploy/)
  /** No `deploy` section in the config, or no output to deploy yet. */
  DEPLOY_CONFIG: 'JC_DEPLOY_CONFIG',
  /** The bucket's service refused or could not be reached. */
  DEPLOY_FAILED: 'JC_DEPLOY_FAILED',
  // The machine (src/util/environment.ts)
  /** A path cannot be made or written, the disk is full, …: named with the reason. */
  ENVIRONMENT: 'JC_ENVIRONMENT',
  /** The server cannot listen on its port. */
  SERVE_PORT: 'JC_SERVE_PORT',
} as const;

/** Codes used inside one process that never reach a user (a request that resolves outside the output gets a 404). */
export const INTERNAL_CODES = {
  OUTSIDE_OUTPUT: 'JC_OUTSIDE_OUTPUT',
} as const;

export type CoreCode = (typeof CODES)[keyof typeof CODES];

/**
 * A failure that stops a command (bad config, unreadable directory, a failed run). User-facing:
 * printed as one line, never with a stack trace. Anything else thrown is an internal bug.
 */
export class JobcastError extends Error {
  override readonly name = 'JobcastError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 1,
    readonly details: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

export const isJobcastError = (e: unknown): e is JobcastError =>
  e instanceof Error && (e as { name?: string }).name === 'JobcastError' && typeof (e as JobcastError).code === 'string';

/** Who registered a code: `core`, or a channel's or notifier's name. */
const owners = new Map<string, string>();

/** Register a plugin's codes; a code claimed by two owners is a programming error, caught at start-up. */
export function registerCodes<T extends Readonly<Record<string, string>>>(owner: string, codes: T): T {
  for (const code of Object.values(codes)) {
    const had = owners.get(code);
    if (had !== undefined && had !== owner) throw new Error(`code ${code} is registered by both ${had} and ${owner}`);
    owners.set(code, owner);
  }
  return codes;
}
registerCodes('core', CODES);
registerCodes('core', INTERNAL_CODES);

/** Every registered code with its owner. */
export const registeredCodes = (): ReadonlyMap<string, string> => owners;

/** Where a code is explained: its row in docs/errors.md (each row carries an anchor named after the code). */
export const docsLink = (code: string): string => `docs/errors.md#${code.toLowerCase()}`;

/** A failure factory: `throw LEASE_HELD(holder)`; its code, template and exit code are readable for the docs test. */
export interface ErrorFactory<A extends readonly unknown[]> {
  (...args: [...A, details?: readonly Diagnostic[]]): JobcastError;
  readonly code: string;
  readonly template: string;
  readonly exitCode: 1 | 2;
}

/** fastify-style: the message is a util.format template (`%s`), filled from the arguments in order. */
export function createError<A extends readonly unknown[] = readonly string[]>(code: string, template: string, exitCode: 1 | 2 = 1): ErrorFactory<A> {
  if (!owners.has(code)) throw new Error(`createError: ${code} is not a registered code`);
  const placeholders = (template.match(/%[sdj]/g) ?? []).length;
  const make = (...args: unknown[]): JobcastError => {
    const details = args.length > placeholders ? (args[placeholders] as readonly Diagnostic[]) : [];
    return new JobcastError(code, format(template, ...args.slice(0, placeholders)), exitCode, details);
  };
  return Object.assign(make, { code, template, exitCode });
}
