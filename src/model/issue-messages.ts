/**
 * jobcast's words for zod's issues, given to every parse through zod's `error` option. A schema's
 * own message (`.min(1, { message })`) still wins, so the loader never has to guess from a message's
 * text whether it is zod's default or ours: every message it reads is meant for the user.
 */
import type { z } from 'zod';

type Issue = Parameters<z.core.$ZodErrorMap>[0];

const FORMATS: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  datetime: 'a date-time such as 2026-12-01T09:00:00Z',
  date: 'a date such as 2026-12-01',
  regex: 'in the expected format',
};

function bound(iss: Issue & { code: 'too_small' | 'too_big' }): string {
  const small = iss.code === 'too_small';
  const limit = String(small ? iss.minimum : iss.maximum);
  const strict = iss.inclusive === false;
  const words = small ? (strict ? 'greater than' : 'at least') : strict ? 'less than' : 'at most';
  return `${words} ${limit}`;
}

function issueMessage(iss: Issue): string | undefined {
  switch (iss.code) {
    case 'too_small':
    case 'too_big': {
      if (iss.origin === 'number' || iss.origin === 'int' || iss.origin === 'bigint') return `must be ${bound(iss)}, got ${String(iss.input)}`;
      return `must have ${bound(iss)} ${iss.origin === 'array' || iss.origin === 'set' ? 'items' : 'characters'}`;
    }
    case 'invalid_format':
      return `must be ${FORMATS[iss.format] ?? `a valid ${iss.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}`;
    case 'invalid_key':
      return 'has a key that is not allowed here';
    case 'invalid_element':
      return 'has an entry that is not allowed here';
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
}

/** The options every parse of a user's file gets. */
export const PARSE_OPTIONS = { reportInput: true, error: issueMessage } as const;
