/**
 * What every importer does the same way with a response: read JSON against the documented shape
 * (naming the first field that is not), pay amounts as jobcast's range or one value, and the day of
 * an ISO 8601 time. Pure; the importers keep only what is their ATS's own.
 */
import type { z } from 'zod';
import type { Salary } from '../model/posting';
import { bodyProblem, type Malformed } from './importer';

/** `body` read as JSON of `schema`, or why not: `the body is not JSON (…)`, or the first field at its path (`jobs[1].id: …`). */
export function readJsonBody<T>(body: string, schema: z.ZodType<T>, notIt: string): T | Malformed {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { malformed: `the body is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const read = schema.safeParse(json);
  return read.success ? read.data : { malformed: bodyProblem(read.error, notIt) };
}

const positive = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** A pay's amounts as jobcast's range or one value (min = max, or only one given); undefined when they are no pay or min is above max. */
export function payAmounts(min: number | null | undefined, max: number | null | undefined): Pick<Salary, 'min' | 'max' | 'value'> | undefined {
  if (positive(min) && positive(max)) return min === max ? { value: min } : min < max ? { min, max } : undefined;
  if (positive(min)) return { value: min };
  return positive(max) ? { value: max } : undefined;
}

/** YYYY-MM-DD of an ISO 8601 date or time as written (the day in its own offset), or undefined. */
export function isoDay(time: string | null | undefined): string | undefined {
  const day = /^(\d{4}-\d{2}-\d{2})(?:T|$)/.exec(time?.trim() ?? '')?.[1];
  return day && !Number.isNaN(Date.parse(day)) ? day : undefined;
}
