/**
 * Imported posting files: written new with a comment saying what the import owns, and updated in
 * place with the `yaml` document API so only the owned keys whose values changed are rewritten: the
 * recruiter's own keys, comments, key order and formatting stay, and a git diff shows what changed.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, parseDocument } from 'yaml';
import { IMPORTED_FIELDS, type ImportedFields } from './posting';

const HEADER = (ats: string): string =>
  ` Imported from ${ats} by jobcast import. The import owns: ${IMPORTED_FIELDS.join(', ')}.\n` +
  ' It rewrites them from the ATS on each import; add any other field (channels, skills, …) and it stays.';

const WRITE = { lineWidth: 0, flowCollectionPadding: false } as const;

/** A new file for `fields`, in the posting's usual key order. */
export function newPostingFile(fields: ImportedFields, ats: string): string {
  const ordered = Object.fromEntries(IMPORTED_FIELDS.filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]]));
  const doc = new Document(ordered);
  doc.commentBefore = HEADER(ats);
  return doc.toString(WRITE);
}

/**
 * `text` with the owned keys set to `fields` (a key `fields` lacks is removed, unless listed in
 * `keep`); undefined when nothing changed. `data` is the file's new content for validation.
 */
export function updatedPostingFile(text: string, fields: ImportedFields, keep: readonly string[] = []): { text: string; data: unknown } | undefined {
  const doc = parseDocument(text);
  const was = (doc.toJS() ?? {}) as Record<string, unknown>;
  let changed = false;
  for (const key of IMPORTED_FIELDS) {
    const now = fields[key];
    const before = was[key];
    if (now === undefined) {
      if (before !== undefined && !keep.includes(key)) {
        doc.delete(key);
        changed = true;
      }
    } else if (!isDeepStrictEqual(before, now)) {
      doc.set(key, doc.createNode(now));
      changed = true;
    }
  }
  return changed ? { text: doc.toString(WRITE), data: doc.toJS() as unknown } : undefined;
}

/** A file's status set to closed (the role left the ATS); undefined when it is closed already. */
export function closedPostingFile(text: string): string | undefined {
  const doc = parseDocument(text);
  if (doc.get('status') === 'closed') return undefined;
  doc.set('status', 'closed');
  return doc.toString(WRITE);
}
