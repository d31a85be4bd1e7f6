/** zod schemas as JSON Schema, as editors, the docs and the secret finder read them. */
import { z } from 'zod';

/** A zod schema as JSON Schema of what may be written (defaults optional), descriptions included. */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}
