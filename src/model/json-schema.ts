/** JSON Schema of a posting file for editors (yaml-language-server), generated from the zod model. */
import { z } from 'zod';
import type { Adapter } from '../adapter';
import { postingSchemaFor } from '../project';

export const SCHEMA_FILE = 'schema/posting.schema.json';

export function postingJsonSchema(adapters: readonly Adapter[]): object {
  const generated = z.toJSONSchema(postingSchemaFor(adapters), { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    $id: 'https://jobcast.dev/schema/posting.schema.json',
    title: 'jobcast posting',
    description: 'One role, one file: postings/<id>.yaml. See docs in README.md.',
    ...generated,
  };
}
