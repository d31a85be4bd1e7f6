/**
 * Every failure that stops a command, defined once: code, message and exit code together
 * (src/errors.ts, createError). Call sites fill in the blanks; docs/errors.md explains each code.
 */
import { CODES, createError } from './errors';

export const FAILURES = {
  configInvalid: createError<[config: string]>(CODES.CONFIG_INVALID, 'the config %s is not valid', 2),
  configMissing: createError<[config: string]>(CODES.CONFIG_READ, 'no config file at %s; pass --config FILE or run from the repository folder', 2),
  postingsDir: createError<[dir: string, reason: string]>(CODES.POSTINGS_DIR, 'cannot read the postings folder %s: %s', 2),
  environment: createError<[what: string, reason: string, errno: string, kept: string]>(CODES.ENVIRONMENT, 'cannot %s: %s (%s)%s', 1),
  portInUse: createError<[address: string]>(
    CODES.SERVE_PORT,
    'cannot listen on %s: the port is in use by another program (EADDRINUSE); stop it, or choose another port with --port N or PORT=N',
    1,
  ),
  portNotAllowed: createError<[address: string]>(
    CODES.SERVE_PORT,
    'cannot listen on %s: not allowed (EACCES); ports below 1024 need privileges: use --port 3000 behind a proxy',
    1,
  ),
  addressNotAvailable: createError<[address: string]>(CODES.SERVE_PORT, 'cannot listen on %s: this machine has no such address (EADDRNOTAVAIL); check HOST', 1),
  stateOpen: createError<[file: string, reason: string, hint: string]>(CODES.STATE_OPEN, 'cannot open the state database %s: %s (%s)', 1),
  stateUnusable: createError<[file: string, reason: string]>(CODES.STATE_OPEN, 'cannot use the state database %s: %s', 1),
  stateNewer: createError<[file: string, reason: string]>(CODES.STATE_NEWER, 'cannot use the state database %s: %s', 1),
  stateEnvUnset: createError<[name: string]>(
    CODES.STATE_ENV_UNSET,
    'the config says the ledger URL is in the environment variable %s (stateEnv), and it is not set; set it to postgres://…, or remove stateEnv to use state:',
    1,
  ),
  stateTargetInUse: createError<[where: string, table: string]>(
    CODES.STATE_TARGET_IN_USE,
    'cannot move the ledger into %s: it already holds a ledger (its %s table has rows); give an empty database, or one that jobcast has never published with',
    1,
  ),
  deployUnconfigured: createError<[]>(
    CODES.DEPLOY_CONFIG,
    'jobcast deploy needs a deploy: section in the config (bucket, region, and endpoint for a service other than AWS)',
    1,
  ),
  deployNothing: createError<[out: string]>(CODES.DEPLOY_CONFIG, 'there is no output in %s to deploy yet: run jobcast build or jobcast publish first', 1),
  deployFailed: createError<[what: string, where: string, reason: string]>(
    CODES.DEPLOY_FAILED,
    'could not %s in %s: %s; the deploy stopped there (feeds and removals wait until every upload before them is done), and the next jobcast deploy carries on from what is in the bucket',
    1,
  ),
  stateForeignServer: createError<[where: string, what: string]>(
    CODES.STATE_MISMATCH,
    'the PostgreSQL ledger %s %s, and a server database cannot be set aside as a file can: point state at a new, empty database (or empty this one) and run jobcast state adopt again',
    1,
  ),
  leaseHeld: createError<[holder: string]>(CODES.LEASE_HELD, 'another jobcast run holds the writer lease: %s; nothing was done', 1),
  leaseTakenOver: createError<[]>(CODES.LEASE_LOST, 'the writer lease was taken over by another run', 1),
  leaseLostBeforeWrite: createError<[fence: string]>(
    CODES.LEASE_LOST,
    'the writer lease (fence %s) was lost to another run; this run stopped before writing',
    1,
  ),
  leaseLostInWrite: createError<[fence: string, current: string]>(
    CODES.LEASE_LOST,
    'the writer lease (fence %s) was lost to another run (fence %s); nothing was written',
    1,
  ),
  channelCrashedWriting: createError<[channel: string, path: string, reason: string]>(CODES.BUILD_CHANNEL_CRASHED, 'channel %s failed while writing %s: %s', 1),
  channelCrashed: createError<[channel: string, reason: string]>(CODES.BUILD_CHANNEL_CRASHED, 'channel %s failed: %s', 1),
  pathClash: createError<[channels: string, other: string, path: string]>(CODES.BUILD_PATH_CLASH, 'channels %s and %s both write %s', 1),
  unsafeOutputPath: createError<[path: string]>(CODES.CHANNEL_FAILED, 'an adapter produced an unsafe output path: %s', 1),
  outputNotFolder: createError<[path: string]>(CODES.CHANNEL_FAILED, 'output path %s exists and is not a folder', 2),
} as const;
