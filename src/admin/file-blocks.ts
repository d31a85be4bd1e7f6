/**
 * A channel's files read by their format, for a channel without a `preview` hook (src/adapter.ts):
 * every XML record (`<job>`, `<item>`, `<entry>`) as the fields a board parses, every JSON Feed item,
 * and the posting's own JSON or text as written.
 */
import type { PreviewArtifact, PreviewBlock, PreviewField } from '../adapter';
import { fieldsOf, findAll, parseXml, type XmlField } from './xml-records';

const RECORDS = new Set(['job', 'item', 'entry']);
const RAW_LIMIT = 20_000;

const mediaType = (a: PreviewArtifact): string => a.contentType.split(';')[0]!.trim().toLowerCase();
const isXml = (t: string): boolean => t === 'text/xml' || t === 'application/xml' || /^application\/[a-z.+-]*\+xml$/.test(t);

/** Repeated elements in a row (`skills › skill`) become one field with several values. */
function grouped(fields: readonly XmlField[]): PreviewField[] {
  const rows: PreviewField[] = [];
  for (const f of fields) {
    const last = rows[rows.length - 1];
    if (last?.name === f.name) last.values.push(f.value);
    else rows.push({ name: f.name, values: [f.value] });
  }
  return rows;
}

const ofMany = (i: number, n: number): string => (n > 1 ? ` ${i + 1} of ${n}` : '');

function xmlBlocks(xml: string, path: string): PreviewBlock[] {
  let records;
  try {
    records = findAll(parseXml(xml), RECORDS);
  } catch (err) {
    return [{ label: `${path} (could not be read back: ${(err as Error).message})`, text: xml.slice(0, RAW_LIMIT) }];
  }
  return records.map((r, i) => ({ label: `<${r.name}>${ofMany(i, records.length)} in ${path}`, fields: grouped(fieldsOf(r)) }));
}

function feedItemBlocks(text: string, path: string): PreviewBlock[] {
  const items = (JSON.parse(text) as { items?: unknown[] }).items ?? [];
  return items.map((item, i) => ({ label: `item${ofMany(i, items.length)} in ${path}`, json: JSON.stringify(item, null, 2) }));
}

function fileBlocks(a: PreviewArtifact, id: string): PreviewBlock[] {
  const type = mediaType(a);
  const own = a.posting === id;
  if (type === 'text/plain' && own) return [{ label: a.path, text: a.body }];
  if (type === 'application/feed+json') return feedItemBlocks(a.body, a.path);
  if (type === 'application/json' && own) return [{ label: a.path, json: a.body }];
  if (isXml(type)) return xmlBlocks(a.body, a.path);
  return [];
}

/** What the files of posting `id` show, read by format alone. */
export const readByFormat = (artifacts: readonly PreviewArtifact[], id: string): PreviewBlock[] => artifacts.flatMap((a) => fileBlocks(a, id));
