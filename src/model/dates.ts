/** ISO 8601 calendar dates and date-times as the model accepts them, checked for real calendar values. */
import { memoize } from '../util/memo';

export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why `text` is not a real date or date-time, or undefined when it is one. */
export function dateProblem(text: string, { allowTime }: { allowTime: boolean }): string | undefined {
  const dateOnly = DATE_PATTERN.exec(text);
  const withTime = allowTime ? DATE_TIME_PATTERN.exec(text) : null;
  const m = dateOnly ?? withTime;
  if (!m) {
    if (!allowTime && DATE_TIME_PATTERN.test(text)) return 'must be a date without a time (YYYY-MM-DD)';
    if (allowTime && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      return 'a date-time needs a UTC offset (Z or ±HH:MM) so every board reads the same instant';
    }
    return allowTime ? 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with offset (YYYY-MM-DDTHH:MM:SSZ)' : 'must be an ISO 8601 date (YYYY-MM-DD)';
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return `month ${m[2]} does not exist (01–12)`;
  const max = daysInMonth(year, month);
  if (day < 1 || day > max) return `${MONTHS[month - 1]} ${year} has ${max} days, so day ${m[3]} does not exist`;
  if (withTime) {
    const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
    if (hh > 23 || mm > 59 || ss > 59) return `time ${m[4]}:${m[5]}${m[6] ? ':' + m[6] : ''} does not exist`;
    const off = m[8];
    if (off && off !== 'Z' && (Number(off.slice(1, 3)) > 14 || Number(off.slice(4, 6)) > 59)) return `offset ${off} does not exist`;
  }
  return undefined;
}

export const isDateOnly = (text: string): boolean => DATE_PATTERN.test(text);

/**
 * Offset of `timeZone` from UTC, in minutes, at the instant `at` (positive east of Greenwich).
 */
// Constructing an Intl.DateTimeFormat costs far more than using one: one per zone.
const zoneFormat = memoize(
  (timeZone: string) =>
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
  100,
);

function zoneOffsetMinutes(timeZone: string, at: Date): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const parts = zoneFormat(timeZone).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** The instant a wall-clock time in `timeZone` names (DST gaps resolve forward). */
function zonedInstant(timeZone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let offset = zoneOffsetMinutes(timeZone, new Date(guess));
  let instant = guess - offset * 60000;
  const second = zoneOffsetMinutes(timeZone, new Date(instant));
  if (second !== offset) {
    offset = second;
    instant = guess - offset * 60000;
  }
  return new Date(instant);
}

/** Start of a date-only value (00:00 local) or the exact instant of a date-time. */
export function startInstant(text: string, timeZone: string): Date {
  const m = DATE_PATTERN.exec(text);
  if (m) return zonedInstant(timeZone, Number(m[1]), Number(m[2]), Number(m[3]));
  return new Date(text);
}

/** End of a date-only value (23:59:59 local, the whole day counts) or the exact instant of a date-time. */
export function endInstant(text: string, timeZone: string): Date {
  const m = DATE_PATTERN.exec(text);
  if (m) return new Date(zonedInstant(timeZone, Number(m[1]), Number(m[2]), Number(m[3]), 23, 59, 59).getTime() + 999);
  return new Date(text);
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** `2027-02-28T23:59:59-05:00`: an instant written in the wall clock of `timeZone`, whole seconds. */
export function formatZoned(at: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(timeZone, at);
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + offset * 60000);
  const sign = offset < 0 ? '-' : '+';
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}

/** `2026-11-28T00:00:00Z`: an instant in UTC, whole seconds. */
export const formatUtc = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
