/**
 * docs/postings.md and docs/config.md are generated from the zod schemas (src/docs/render.ts): the
 * committed files must be what the schemas render now, and their examples must be valid and use
 * every key, so a new or changed field cannot go undocumented.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { adapters } from '../adapters';
import { notifiers } from '../notifiers';
import { importers } from '../importers';
import type { Adapter } from '../src/adapter';
import { validateProject } from '../src/pipeline/validate';
import { CODES } from '../src/errors';
import { createNotifySchema } from '../src/model/config';
import { notifySections } from '../src/publish/notifier-config';
import {
  configExample,
  importSections,
  DOCS_COMMAND,
  jsonSchemaOf,
  postingExample,
  POSTINGS_DOC,
  renderDocs,
  renderPostingsDoc,
  type JsonSchema,
} from '../src/docs/render';
import { crossFieldIssues } from '../src/model/posting';
import { configSchemaFor, postingSchemaFor } from '../src/project';
import { REPO, SHIPPED_CONFIG_TEXT, tempProject } from './helpers/project';

const readDoc = (file: string): string | undefined => {
  const abs = path.join(REPO, file);
  return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
};

/** Where two texts first differ, for the failure message. */
function firstDifference(committed: string, expected: string): string {
  const a = committed.split('\n');
  const b = expected.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const n = i === -1 ? a.length : i;
  return `line ${n + 1}: the file has ${JSON.stringify(a[n] ?? '(end of file)')}, the schemas give ${JSON.stringify(b[n] ?? '(end of file)')}`;
}

/** The error the test fails with when a committed document is not what the schemas render. */
function staleness(file: string, committed: string | undefined, expected: string): string | undefined {
  if (committed === expected) return undefined;
  const where = committed === undefined ? 'it does not exist' : firstDifference(committed, expected);
  return `${file} is out of date with the schemas (${where}). Run \`${DOCS_COMMAND}\` and commit the result.`;
}

/** Keys of `schema` that `value` never uses, through lists (any entry) and named maps (any name). */
function unusedKeys(js: JsonSchema, value: unknown, at: string): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  /** The keys every one of `values` leaves unused (one entry using a key is enough). */
  const acrossEntries = (schema: JsonSchema, values: unknown[], entryPath: string): string[] => {
    if (!values.length) return schema.properties ? [entryPath] : [];
    const unused = values.map((v) => new Set(unusedKeys(schema, v, entryPath)));
    return [...unused[0]!].filter((k) => unused.every((u) => u.has(k)));
  };
  if (js.anyOf) {
    const member = js.anyOf.find((m) => (m.properties || m.additionalProperties ? isMap(value) : !isMap(value))) ?? js.anyOf[0]!;
    return unusedKeys(member, value, at);
  }
  if (js.properties && isMap(value)) {
    return Object.entries(js.properties).flatMap(([key, child]) => {
      const p = at ? `${at}.${key}` : key;
      return key in value ? unusedKeys(child, value[key], p) : [p];
    });
  }
  if (js.type === 'array' && js.items && Array.isArray(value)) return acrossEntries(js.items, value, `${at}[]`);
  if (typeof js.additionalProperties === 'object' && isMap(value)) return acrossEntries(js.additionalProperties, Object.values(value), `${at}.<name>`);
  return [];
}

const docs = renderDocs(adapters, notifiers, importers);

describe('the generated documents', () => {
  it.each(Object.keys(docs))('%s is what the schemas render now (else run `npm run docs`)', (file) => {
    const problem = staleness(file, readDoc(file), docs[file]!);
    if (problem) throw new Error(problem);
  });

  it('fails, naming the command, when a document is stale', () => {
    const current = docs[POSTINGS_DOC]!;
    const edited = current.replace('| `title` | **yes** |', '| `title` | no |');
    expect(edited).not.toBe(current);
    expect(staleness(POSTINGS_DOC, edited, current)).toMatch(/docs\/postings\.md is out of date with the schemas \(line \d+: .*\)\. Run `npm run docs`/);
    expect(staleness(POSTINGS_DOC, undefined, current)).toMatch(/it does not exist/);
    expect(staleness(POSTINGS_DOC, current, current)).toBeUndefined();
  });

  it('follows the schemas: a new option and its description change the document', () => {
    const base = adapters.find((a) => a.name === 'adzuna')!;
    const extra: Adapter = {
      ...base,
      name: 'extra-board',
      postingOptions: z.strictObject({ tag: z.string().optional().describe('A tag only the extra board reads') }),
    };
    const doc = renderPostingsDoc([...adapters, extra]);
    expect(doc).not.toBe(docs[POSTINGS_DOC]);
    expect(doc).toContain('### `channels.extra-board`');
    expect(doc).toContain('| `tag` | no | text | A tag only the extra board reads. |');
  });

  it('refuses a key without a description', () => {
    const base = adapters.find((a) => a.name === 'adzuna')!;
    const extra: Adapter = { ...base, name: 'extra-board', postingOptions: z.strictObject({ tag: z.string().optional() }).describe('Extras') };
    expect(() => renderPostingsDoc([...adapters, extra])).toThrow(/give these keys a description .*: channels\.extra-board\.tag$/);
  });

  it('lists every cross-field and cross-file rule by its code', () => {
    const postings = docs[POSTINGS_DOC]!;
    const ruleCodes = Object.values(CODES).filter((c) => c.startsWith('JC_RULE_') || c.startsWith('JC_WARN_'));
    expect(ruleCodes.length).toBeGreaterThan(8);
    for (const c of [...ruleCodes, CODES.FILE_NAME, CODES.FIELD_CURRENCY, CODES.FIELD_COUNTRY]) expect(postings).toContain(`\`${c}\``);
    for (const state of ['draft', 'scheduled', 'open', 'closed', 'expired']) expect(postings).toContain(`| \`${state}\` |`);
  });
});

describe('the examples in the documents', () => {
  const posting: unknown = parse(postingExample(adapters));
  const config: unknown = parse(configExample(adapters, notifiers, importers));

  it('the posting is valid and uses every field', () => {
    const schema = postingSchemaFor(adapters);
    expect(schema.safeParse(posting).error?.issues).toBeUndefined();
    expect(crossFieldIssues(posting)).toEqual([]);
    // value is the alternative to min and max: one posting cannot have both; salaryByCountry is for
    // remote roles, and the example is hybrid (it shows it in a comment); source is written by jobcast import.
    expect(unusedKeys(jsonSchemaOf(schema), posting, '')).toEqual(['salary.value', 'salaryByCountry', 'source']);
    expect(postingExample(adapters)).toMatch(/^# salaryByCountry: /m);
  });

  it('the config is valid and uses every key', () => {
    const schema = configSchemaFor(adapters, notifiers, importSections(importers));
    expect(schema.safeParse(config).error?.issues).toBeUndefined();
    expect(unusedKeys(jsonSchemaOf(schema), config, '')).toEqual([]);
  });

  it('the key check notices a key the example leaves out', () => {
    const schema = jsonSchemaOf(configSchemaFor(adapters, notifiers, importSections(importers)));
    const partial = structuredClone(config) as { notify: { http: Record<string, unknown>; webhooks: Record<string, unknown>[] } };
    delete partial.notify.http.budgetMs;
    delete partial.notify.webhooks[0]!.events;
    expect(unusedKeys(schema, partial, '')).toEqual(['notify.webhooks[].events', 'notify.http.budgetMs']);
  });

  it('together they pass every channel without an error or a warning', async () => {
    const project = tempProject({ 'ml-infrastructure-engineer.yaml': postingExample(adapters) }, configExample(adapters, notifiers, importers));
    try {
      const v = await validateProject(await project.open(), { now: new Date('2026-12-01T12:00:00Z'), checkAllStates: true });
      expect(v.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')).toEqual([]);
      expect(v.entries.map((e) => [e.id, e.state])).toEqual([['ml-infrastructure-engineer', 'open']]);
    } finally {
      project.cleanup();
    }
  });

  it("jobcast.config.yaml's commented-out notify block is a valid notify section once uncommented", () => {
    const lines = SHIPPED_CONFIG_TEXT.split('\n');
    const start = lines.indexOf('# notify:');
    expect(start).toBeGreaterThan(-1);
    const block: string[] = [];
    for (const line of lines.slice(start)) {
      if (!/^# (notify:| {2})/.test(line)) break;
      block.push(line.slice(2));
    }
    const uncommented = parse(block.join('\n')) as { notify: unknown };
    expect(createNotifySchema(notifySections(notifiers)).safeParse(uncommented.notify).error?.issues).toBeUndefined();
    // Every notifier's section, so the shipped file shows each one (in registry order, then http).
    expect(Object.keys(uncommented.notify as object)).toEqual([...notifiers.flatMap((n) => (n.section ? [n.section.key] : [])), 'http']);
  });
});
