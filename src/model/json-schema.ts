/** JSON Schema of a posting file for editors (yaml-language-server), generated from the zod model. */
import { z } from 'zod';
import type { Adapter } from '../adapter';
import { postingSchemaFor } from '../project';

export const SCHEMA_FILE = 'schema/posting.schema.json';

/** A zod schema as JSON Schema of what may be written (defaults optional), descriptions included. */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}

export function postingFileSchema(adapters: readonly Adapter[]): object {
  const generated = toJsonSchema(postingSchemaFor(adapters));
  return {
    $id: 'https://jobcast.dev/schema/posting.schema.json',
    title: 'jobcast posting',
    description: 'One role, one file: postings/<id>.yaml. Every field, its rules and examples: docs/postings.md.',
    ...generated,
  };
}
