/**
 * Structured logs: one JSON line per event (pino). Secrets are never logged: config holds only
 * environment variable names, and the redaction list below catches anything that slips into a field.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'private_key',
  '*.private_key',
  'smtpUrl',
  '*.smtpUrl',
  'assertion',
  '*.assertion',
];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination: pino.DestinationStream = pino.destination({ fd: 1, sync: true })): Logger {
  return pino(
    {
      level,
      base: { service: 'jobcast' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
