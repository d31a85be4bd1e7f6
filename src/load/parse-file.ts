/**
 * Reading and parsing one YAML source: the schema-independent, CPU-heavy half of loading, done in a
 * worker thread for large folders. Its result is plain data (structured-clonable).
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics';
import { readSourceText } from './source-file';
import { parseYaml, type PositionTable } from './yaml-document';

export type ParsedFile = { ok: true; data: unknown; positions: PositionTable; sourceHash: string } | { ok: false; diagnostics: Diagnostic[] };

export async function readAndParse(absPath: string, display: string, what = 'posting'): Promise<ParsedFile> {
  const source = await readSourceText(absPath, display, what);
  if (!source.ok) return source;
  const parsed = parseYaml(source.text, display, what);
  if (!parsed.ok) return parsed;
  return { ok: true, data: parsed.yaml.data, positions: parsed.yaml.positions, sourceHash: createHash('sha256').update(source.text).digest('hex') };
}
