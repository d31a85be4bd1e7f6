/** JSON Schema of a posting file for editors (yaml-language-server), generated from the zod model. */
import type { Adapter } from '../adapter';
import { toJsonSchema } from '../model/json-schema';
import { postingSchemaFor } from '../project';

export const SCHEMA_FILE = 'schema/posting.schema.json';

export function postingFileSchema(adapters: readonly Adapter[]): object {
  const generated = toJsonSchema(postingSchemaFor(adapters));
  return {
    $id: 'https://jobcast.dev/schema/posting.schema.json',
    title: 'jobcast posting',
    description: 'One role, one file: postings/<id>.yaml. Every field, its rules and examples: docs/postings.md.',
    ...generated,
  };
}
