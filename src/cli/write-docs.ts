/** `npm run docs`: writes docs/postings.md and docs/config.md (src/docs/render.ts) into the working directory. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { adapters, importers, notifiers } from './registries';
import { renderDocs } from '../docs/render';

for (const [file, text] of Object.entries(renderDocs(adapters, notifiers, importers))) {
  writeFileSync(path.resolve(file), text);
  process.stdout.write(`wrote ${file}\n`);
}
