/** Loading `jobcast.config.yaml` with the same file:line:col reporting as postings. */
import path from 'node:path';
import type { z } from 'zod';
import type { Diagnostic } from '../diagnostics';
import { FAILURES } from '../failures';
import { PARSE_OPTIONS } from '../model/issue-messages';
import type { SiteConfig } from '../model/config';
import { displayPath } from './display-path';
import { readSourceText } from './source-file';
import { issuesToDiagnostics, parseYaml } from './yaml-document';

export async function loadConfigFile(file: string, schema: z.ZodType): Promise<SiteConfig> {
  const shown = displayPath(file);
  const source = await readSourceText(file, shown, 'config');
  const fail = (diagnostics: Diagnostic[]): never => {
    throw FAILURES.configInvalid(shown, diagnostics);
  };
  if (!source.ok) {
    if (source.errno === 'ENOENT') {
      throw FAILURES.configMissing(shown);
    }
    return fail(source.diagnostics);
  }
  const parsed = parseYaml(source.text, shown, 'config');
  if (!parsed.ok) return fail(parsed.diagnostics);
  const result = schema.safeParse(parsed.yaml.data, PARSE_OPTIONS);
  if (!result.success) return fail(issuesToDiagnostics(result.error.issues, parsed.yaml, shown, schema));
  return result.data as SiteConfig;
}

/** Resolve a path from the config relative to the config file's folder. */
export const fromConfigDir = (configFile: string, p: string): string => path.resolve(path.dirname(configFile), p);
