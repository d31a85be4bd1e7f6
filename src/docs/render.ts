/**
 * docs/postings.md and docs/config.md, rendered from the assembled zod schemas (every key with its
 * type, default and `.describe()` text, through the same JSON Schema the editors get) plus the
 * prose, rules and examples kept here. `npm run docs` writes them (src/cli/write-docs.ts);
 * tests/docs-generated.test.ts fails when the files differ from what this renders.
 */
import type { Adapter } from '../adapter';
import type { Notifier } from '../publish/notifier';
import type { Importer } from '../import/importer';
import { importSection } from '../import/run';
import { configSchemaFor, postingSchemaFor } from '../project';
import { envVarName } from '../model/config';
import { COUNTRY_CODES, CURRENCY_CODES } from '../model/iso-codes';
import { toJsonSchema } from '../model/json-schema';
import type { LifecycleState } from '../model/lifecycle';
import { WORDED_LANGUAGES } from '../compose/words';
import { payLawTable } from '../model/pay-transparency';
import { ID_MAX, POSTING_RULES, type PostingRule } from '../model/posting';

export const POSTINGS_DOC = 'docs/postings.md';
const CONFIG_DOC = 'docs/config.md';
export const DOCS_COMMAND = 'npm run docs';

/** The part of JSON Schema that z.toJSONSchema writes for our schemas. */
export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
}

/** A schema's JSON Schema, as the docs read it. */
export const jsonSchemaOf = (schema: Parameters<typeof toJsonSchema>[0]): JsonSchema => toJsonSchema(schema);

/** The `channels:` section of an example: each channel's own example, under its name. */
function channelsOf(adapters: readonly Adapter[], where: 'posting' | 'config'): string {
  const blocks = adapters.flatMap((a) => {
    const example = a.examples?.[where];
    if (example === undefined) return [];
    return example.includes('\n') || where === 'config' ? [`  ${a.name}:\n${indent(example, 4).replace(/\n$/, '')}`] : [`  ${a.name}: ${example}`];
  });
  const head = where === 'posting' ? 'channels:                                # optional per-channel switches and extras' : 'channels:';
  const exclude = where === 'posting' ? [`  exclude: [${adapters[adapters.length - 1]!.name}]${' '.repeat(10)}# channels this role must not appear on`] : [];
  return [head, ...blocks, ...exclude].join('\n') + '\n';
}

/** Organization keys a channel adds (its account id), from its config example's `organization` part. */
function organizationOf(adapters: readonly Adapter[]): string {
  return adapters.flatMap((a) => (a.examples?.organization ? [indent(a.examples.organization, 2)] : [])).join('');
}

const indent = (text: string, n: number): string =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n') + '\n';

/** The role in another language, in the complete posting. */
const TRANSLATIONS_EXAMPLE = `language: en                             # the language this file is in (BCP 47); needed for translations
translations:                            # the role's words in other languages: pages /jobs/<id>/fr/ …
  fr:
    title: Ingénieure ou ingénieur infrastructure ML
    summary: Vous construisez la plateforme sur laquelle nos modèles sont entraînés et servis.
    responsibilities:
      heading: Vos missions
      intro: "Ce que vous ferez la première année :"
      items: [Concevoir l’infrastructure ML, Construire les systèmes d’entraînement distribués]
    qualifications: [5 ans d’expérience ou plus en ingénierie logicielle]
    preferredQualifications: [Expérience de Kubeflow, MLflow ou Ray]
    benefits: [Stock-options, Horaires flexibles]
`;

/** Where the role is and what it pays there, in the complete posting. */
const PAY_EXAMPLE = `locations:                               # required when workplace is onsite or hybrid
  - street: 1 Market St
    locality: San Francisco
    region: CA
    postalCode: "94105"                  # in quotes, so it stays text
    country: US
  - street: 5 Penn Plaza
    locality: New York
    region: NY
    postalCode: "10001"
    country: US
    salary: { currency: USD, min: 200000, max: 260000, unit: YEAR }   # this location's own pay
salary: { currency: USD, min: 185000, max: 245000, unit: YEAR }   # every other location's; or value: 120000 instead of min and max
# salaryByCountry: { US: { currency: USD, … }, CA: { currency: CAD, … } }   # remote roles: pay per applicant country
`;

/**
 * A complete posting: every field once (salary.value is the alternative to min and max; salaryByCountry,
 * for remote roles, is shown commented out in this hybrid one). Checked by the test.
 */
export const postingExample = (adapters: readonly Adapter[]): string => `# yaml-language-server: $schema=../schema/posting.schema.json
title: ML Infrastructure Engineer        # plain text, no salary, location or codes; at most 80 characters
reference: ENG-ML-INFRA-001              # your own job code; unique across files
status: open                             # draft | open | closed
datePosted: 2026-11-28                   # first day it is public; a future date schedules it
validThrough: 2027-02-28                 # optional last day (a date, or a date-time with offset)
employmentType: [FULL_TIME]
department: Engineering
workplace: hybrid                        # onsite | hybrid | remote (remote = 100% remote)
applicantLocations: [US]                 # required when workplace is remote
${PAY_EXAMPLE}summary: >                               # the opening paragraph(s); a blank line starts a new one
  ML Infrastructure Engineers build the platform our models are trained and served on: pipelines,
  clusters and the tools around them.

  You will work with data scientists and product engineers across the company.
responsibilities:                        # a list, or a list with its own heading and lead-in:
  heading: Job Responsibilities          #   shown instead of "Responsibilities"
  intro: "What you will do in your first year:"   # between the heading and the bullets
  items:
    - Design and implement scalable ML infrastructure and deployment pipelines
    - Build and maintain distributed training and inference systems
qualifications:
  - 5+ years of experience in software engineering or ML infrastructure
  - Strong knowledge of containerization (Docker, Kubernetes)
preferredQualifications:
  - Experience with ML platform tools (Kubeflow, MLflow, Ray)
benefits:
  - Stock options or equity participation
  - Flexible working hours
education: { credential: bachelor degree }
experience: { months: 60 }               # or: experience: none
experienceInPlaceOfEducation: true       # needs both education and experience
skills: [Python, Go, Kubernetes, PyTorch]
occupationalCategory: "15-1252.00"       # O*NET-SOC code, in quotes
industry: Software Development
apply:
  url: https://careers.example.com/jobs/ml-infrastructure-engineer/apply   # https only
  email: jobs@example.com
  direct: true                           # candidates apply on that page itself
${TRANSLATIONS_EXAMPLE}${channelsOf(adapters, 'posting')}`;

/**
 * A complete config: every key once, with comments, assembled from the core's keys, each channel's
 * example (Adapter.examples) and each notifier's section (NotifierSection.example). Checked by the
 * test against the schema.
 */
/** The ledger and object storage keys of the complete config. */
const STATE_AND_DEPLOY = `state: .jobcast/state.db                        # the ledger: persistent storage, backed up with the output
stateEnv: JOBCAST_STATE_URL                     # set it to postgres://… to share one ledger among instances
deploy:                                         # jobcast deploy: the served output to a bucket (optional)
  bucket: jobs-example-com
  prefix: site/
  region: eu-west-1                             # Cloudflare R2: auto
  endpoint: https://s3.eu-west-1.amazonaws.com  # any S3-compatible service (R2, MinIO)
  forcePathStyle: false                         # true for MinIO
  accessKeyIdEnv: AWS_ACCESS_KEY_ID
  secretAccessKeyEnv: AWS_SECRET_ACCESS_KEY
  concurrency: 8
  afterBuild: true                              # deploy after every build and publish
`;

export const configExample = (
  adapters: readonly Adapter[],
  notifiers: readonly Notifier[],
  importers: readonly Importer[] = [],
): string => `# jobcast.config.yaml: every key, with example values. Secrets are never written here: a key
# ending in Env holds the NAME of the environment variable that holds the secret.

organization:
  name: Example Corp                            # the employer name job seekers recognise
  url: https://www.example.com
  logo: https://www.example.com/logo.png        # aspect ratio 0.75–2.5
  sameAs:
    - https://social.example.com/@example
${organizationOf(adapters)}  email: jobs@example.com                       # default sender of emails and poster email of the boards

baseUrl: https://jobs.example.com               # the public address; every page and feed links here

schedule:
  cron: "*/15 * * * *"                          # republish every 15 minutes
  timezone: America/New_York                    # also the zone of date-only datePosted and validThrough
  enabled: true                                 # false: republish only with jobcast publish or the admin

postings: postings                              # these three are relative to this file
output: dist
${STATE_AND_DEPLOY}
tracking:                                       # apply links get ?utm_source=<channel>
  parameter: utm_source
  values:
    ${`${adapters[adapters.length - 1]!.name}: partner-feed`.padEnd(44)}# a channel not listed gets its own name
  enabled: true
  redirect: true                                # apply links go through /apply/<id>/<channel>, which counts clicks

trustProxy: loopback                            # a TLS-terminating proxy on this machine; false without one

${channelsOf(adapters, 'config')}
notify:                                         # every receiver is off until configured
${notifiers.flatMap((n) => (n.section ? [n.section.example] : [])).join('')}  http:                                         # shared by every notifier
    timeoutMs: 10000                            # a timed-out request is sent again by the next run, same key
    retries: 4                                  # further attempts in the same run, only when safe
    backoffMs: 500                              # attempt n waits up to backoffMs × 2^n
    concurrency: 4                              # per receiver; default each notifier's own (1–4)
    budgetMs: 60000                             # per receiver per run; the rest waits for the next run
${importExample(importers)}`;

/** The `import:` section of the complete config: the shared keys, then each importer's own example. */
function importExample(importers: readonly Importer[]): string {
  if (!importers.length) return '';
  const own = importers.map((i) => `  ${i.name}: ${i.example}\n`).join('');
  return `
import:                                         # roles from an ATS: jobcast import <source> (docs/import.md)
  schedule: false                               # true: serve imports before each scheduled publish
  timeoutMs: 15000                              # per request to the ATS
${own}`;
}

/** What each lifecycle state means for a role (the full effects are in docs/lifecycle.md). */
const LIFECYCLE: Record<LifecycleState, { when: string; effect: string }> = {
  draft: { when: '`status: draft`', effect: 'Not published: no page, in no feed, nobody is told.' },
  scheduled: {
    when: '`status: open`, `datePosted` in the future',
    effect: 'Not published yet; it goes live on the first run on or after `datePosted`.',
  },
  open: {
    when: '`status: open`, `datePosted` reached, `validThrough` not passed',
    effect: 'Live: its page, every feed it qualifies for and the sitemap carry it; receivers are told once per change.',
  },
  closed: {
    when: '`status: closed`',
    effect: 'Its page answers 410 and says it no longer accepts applications; it leaves every feed; search engines and boards are told.',
  },
  expired: { when: '`validThrough` passed', effect: 'The same as closed, without editing the file.' },
};

// ---------------------------------------------------------------------------------------------------
// Rendering the schema

interface Row {
  key: string;
  required: string;
  value: string;
  description: string;
}

interface Section {
  path: string;
  description?: string;
  rows: Row[];
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const COUNTRY_LIST = [...COUNTRY_CODES].sort().join(' ');
const CURRENCY_LIST = [...CURRENCY_CODES].sort().join(' ');
const ENV_PATTERN = jsonSchemaOf(envVarName).pattern;

const code = (v: unknown): string => '`' + (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|') + '`';

/** Plain text for a markdown table cell: characters markdown would read as markup are escaped. */
const cell = (s: string): string =>
  s
    .replace(/\s+/g, ' ')
    .replace(/([\\*<|`])/g, '\\$1')
    .replace(/(^|\s)_/g, '$1\\_')
    .trim();

const sentence = (s: string): string => (/[.!?]$/.test(s) ? s : `${s}.`);

/** GitHub's heading anchor for a heading whose text is one code span. */
const anchor = (path: string): string =>
  path
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

const link = (path: string): string => `[\`${path}\`](#${anchor(path)})`;

const joinList = (items: readonly string[], word: 'and' | 'or'): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]!}`;
const orList = (items: readonly string[]): string => joinList(items, 'or');
const andList = (items: readonly string[]): string => joinList(items, 'and');

function numberRange(js: JsonSchema): string {
  const parts: string[] = [];
  if (js.exclusiveMinimum !== undefined) parts.push(`> ${js.exclusiveMinimum}`);
  const max = js.maximum !== undefined && js.maximum < MAX_SAFE ? js.maximum : undefined;
  if (js.minimum !== undefined && max !== undefined) parts.push(`${js.minimum} to ${max}`);
  else if (js.minimum !== undefined) parts.push(`≥ ${js.minimum}`);
  else if (max !== undefined) parts.push(`≤ ${max}`);
  return parts.map((p) => ` ${p}`).join('');
}

function stringValue(js: JsonSchema): string {
  if (js.format === 'uri') return js.pattern === '^https://' ? '`https://` URL' : '`http://` or `https://` URL';
  if (js.format === 'email') return 'email address';
  if (js.pattern?.startsWith('^\\d{4}-\\d{2}-\\d{2}')) return js.pattern.includes('T') ? 'date `YYYY-MM-DD`, or date-time with offset' : 'date `YYYY-MM-DD`';
  if (js.pattern !== undefined && js.pattern === ENV_PATTERN) return 'environment variable name';
  const length = js.maxLength !== undefined ? `, at most ${js.maxLength} characters` : '';
  return `text${length}${js.pattern ? ` matching ${code(js.pattern)}` : ''}`;
}

function enumValue(values: unknown[]): string {
  const joined = values.join(' ');
  if (joined === COUNTRY_LIST) return 'country code (ISO 3166-1 alpha-2)';
  if (joined === CURRENCY_LIST) return 'currency code (ISO 4217)';
  return orList(values.map(code));
}

/** The object schemas a value's schema holds, with the path suffix that reaches each. */
function nestedObjects(js: JsonSchema): [suffix: string, schema: JsonSchema][] {
  if (js.properties) return [['', js]];
  if (js.type === 'array' && js.items) return nestedObjects(js.items).map(([s, o]) => [`[]${s}`, o]);
  if (typeof js.additionalProperties === 'object') return nestedObjects(js.additionalProperties).map(([s, o]) => [`.<name>${s}`, o]);
  return (js.anyOf ?? []).flatMap(nestedObjects);
}

function valueText(js: JsonSchema, path: string): string {
  if (js.const !== undefined) return code(js.const);
  if (js.enum) return enumValue(js.enum);
  if (js.anyOf) return orList(js.anyOf.map((m) => valueText(m, path)));
  switch (js.type) {
    case 'boolean':
      return '`true` or `false`';
    case 'integer':
      return `whole number${numberRange(js)}`;
    case 'number':
      return `number${numberRange(js)}`;
    case 'string':
      return stringValue(js);
    case 'array': {
      const least = js.minItems ? ` (at least ${js.minItems})` : '';
      if (js.items?.properties) return `list${least} of entries, see ${link(`${path}[]`)}`;
      return `list${least} of ${js.items ? valueText(js.items, `${path}[]`) : 'anything'}`;
    }
    case 'object': {
      if (js.properties) return `see ${link(path)}`;
      const values = js.additionalProperties;
      if (typeof values === 'object') {
        return values.properties ? `map of names to entries, see ${link(`${path}.<name>`)}` : `map of names to ${valueText(values, `${path}.<name>`)}`;
      }
      return 'section';
    }
    default:
      return 'anything';
  }
}

function requiredText(required: boolean, js: JsonSchema): string {
  if (required) return '**yes**';
  const d = js.default;
  const trivial = d === undefined || (typeof d === 'object' && d !== null && Object.keys(d).length === 0);
  return trivial ? 'no' : `no, default ${code(d)}`;
}

/**
 * The schema's sections, depth first: one per object (`salary`), list entry (`locations[]`) or
 * named entry (`channels.email.lists.<name>`). A key's description is its schema's, else the
 * fallback's (a channel's own description); keys with neither are added to `undocumented`.
 */
function sectionsOf(root: JsonSchema, fallback: (path: string) => string | undefined, undocumented: string[]): Section[] {
  const out: Section[] = [];
  const visit = (js: JsonSchema, path: string, description: string | undefined) => {
    const section: Section = { path, ...(description ? { description } : {}), rows: [] };
    out.push(section);
    const nested: [string, JsonSchema, string | undefined][] = [];
    for (const [key, child] of Object.entries(js.properties ?? {})) {
      const childPath = path ? `${path}.${key}` : key;
      const description = child.description ?? fallback(childPath);
      if (!description) undocumented.push(childPath);
      section.rows.push({
        key,
        required: requiredText(js.required?.includes(key) ?? false, child),
        value: valueText(child, childPath),
        description: description ?? '',
      });
      for (const [suffix, obj] of nestedObjects(child)) nested.push([childPath + suffix, obj, description]);
    }
    for (const [p, obj, d] of nested) visit(obj, p, d);
  };
  visit(root, '', undefined);
  return out;
}

function table(rows: readonly Row[]): string {
  const lines = ['| Key | Required | Value | What to write |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| \`${r.key}\` | ${r.required} | ${r.value} | ${cell(sentence(r.description))} |`);
  return lines.join('\n');
}

/** The reference part of a document: the top-level table, then one heading per nested section. */
function reference(root: JsonSchema, what: string, adapters: readonly Adapter[]): string {
  const undocumented: string[] = [];
  const sections = sectionsOf(root, (path) => channelOf(adapters, path)?.description, undocumented);
  if (undocumented.length) {
    throw new Error(`${what}: give these keys a description (.describe('…') in their zod schema): ${undocumented.join(', ')}`);
  }
  return sections
    .map((s) => {
      const heading = s.path ? `### \`${s.path}\`` : '';
      const adapter = channelOf(adapters, s.path);
      const paragraphs = [
        ...(s.description ? [cell(sentence(s.description))] : []),
        ...(adapter && adapter.description !== s.description ? [`The \`${adapter.name}\` channel: ${cell(sentence(adapter.description))}`] : []),
      ];
      return [heading, ...paragraphs, table(s.rows)].filter(Boolean).join('\n\n');
    })
    .join('\n\n');
}

/** The adapter whose section `channels.<name>` is, if the path is one. */
function channelOf(adapters: readonly Adapter[], path: string): Adapter | undefined {
  const name = /^channels\.([^.]+)$/.exec(path)?.[1];
  return adapters.find((a) => a.name === name);
}

const generatedNote = (sources: string) =>
  `<!-- Generated by \`${DOCS_COMMAND}\` from ${sources} and src/docs/render.ts. Edit those, not this file: tests/docs-generated.test.ts checks it. -->`;

function ruleList(rules: readonly PostingRule[]): string {
  return rules.map((r) => `- ${r.rule} \`${r.code}\``).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The documents

/** The keys a document must always have: required top-level keys, and the required keys of required sections. */
function alwaysRequired(root: JsonSchema): string[] {
  return (root.required ?? []).flatMap((key) => {
    const child = root.properties?.[key];
    const inner = child?.properties ? (child.required ?? []) : [];
    return inner.length ? inner.map((k) => `\`${key}.${k}\``) : [`\`${key}\``];
  });
}

export function renderPostingsDoc(adapters: readonly Adapter[]): string {
  const root = jsonSchemaOf(postingSchemaFor(adapters));
  const sections = [
    postingsIntro(),
    completePostingSection(root, adapters),
    fieldsSection(root, adapters),
    rulesSection(adapters),
    payPerLocationSection(),
    payTransparencySection(),
    languagesSection(),
    lifecycleSection(),
  ];
  return `${sections.join('\n\n')}\n`;
}

function postingsIntro(): string {
  return `# Posting files: \`postings/<id>.yaml\`

${generatedNote('the zod schemas in src/model/posting.ts and adapters/*.ts (their descriptions)')}

One YAML file per role, in \`postings/\`. The file name is the role's permanent id and URL slug:
lowercase \`a-z\`, \`0-9\` and \`-\`, at most ${ID_MAX} characters, e.g.
\`postings/ml-infrastructure-engineer.yaml\`. Never rename it once published: every board keys on it.

- **Unknown keys are errors**, so a typo is never silently ignored (\`validate\` suggests the key you
  meant).
- **Text is plain text.** Write \`<\`, \`&\` or quotes freely; every channel escapes them itself. The job
  description every channel shows is composed from \`summary\` and the lists.
- **Your editor can help.** The first line, \`# yaml-language-server: $schema=../schema/posting.schema.json\`,
  gives autocompletion, these descriptions on hover and inline errors.
- **Check it** with \`npx jobcast validate\`: every problem is printed as \`file:line:col field: message\`
  with what to write instead, and every code is explained in [errors.md](errors.md).`;
}

function completePostingSection(root: JsonSchema, adapters: readonly Adapter[]): string {
  return `## A complete posting

Every field, once. Only ${andList(alwaysRequired(root))} are always required; the rules below
add others (\`locations\` for an onsite role, …).

\`\`\`yaml
${postingExample(adapters)}\`\`\``;
}

function fieldsSection(root: JsonSchema, adapters: readonly Adapter[]): string {
  const withOptions = adapters.filter((a) => a.postingOptions).map((a) => `\`${a.name}\``);
  return `## Fields

\`[]\` in a heading means each entry of a list; \`<name>\` stands for a name you choose.

${reference(root, POSTINGS_DOC, adapters)}

Channels with options of their own here: ${andList(withOptions)}. Every channel can be left out with \`exclude\`.`;
}

/** The rules across fields and files, and the warnings, from POSTING_RULES. */
function rulesSection(adapters: readonly Adapter[]): string {
  const rules = (scope: PostingRule['scope'], severity: PostingRule['severity']) =>
    ruleList(POSTING_RULES.filter((r) => r.scope === scope && r.severity === severity));
  return `## Rules across fields

Besides each field's own type, a posting must meet these rules. Each is an error that names the
field and the fix, with the code shown:

${rules('fields', 'error')}

## Rules across files

${rules('files', 'error')}

## Warnings

Warnings are advice: \`validate\` still exits 0 and the role is published.

${rules('fields', 'warning')}

Each channel has rules of its own (${andList(adapters.filter((a) => a.check !== undefined).map((a) => `\`${a.name}\``))}): an error there leaves the
role out of that channel only. They are listed in [channels.md](channels.md) and [errors.md](errors.md).`;
}

function payTransparencySection(): string {
  return `## Pay transparency

These laws require the pay (range) in job ads. A role without any pay is under one when one of its
\`locations\` is in the place (the region matched by code or name), or when it is remote and
\`applicantLocations\` names the country: a remote role can then be filled in each of its regions.
\`validate\` then warns once (\`JC_WARN_NO_SALARY\`), naming the places and how many laws. Not legal
advice: thresholds such as employer size differ, so check the law itself.

The rules run per place. A role paid at some places and not others (no role-wide \`salary\`, and
a location without its own) gets one \`JC_WARN_NO_SALARY\` at each place without pay
(\`locations.1\`, or \`applicantLocations.0\` for a remote role's country), naming the laws that
require a range there. The EU directive is transposed by each member state into its own law (due by
7 June 2026); it is named for every member state, and a national law already in force beside it.

Ontario also limits how wide a posted range may be (O. Reg. 476/24, since 2026-01-01, employers with
25 or more employees): at most $50,000 a year, unless the range ends above $200,000. A yearly range
in CAD that is wider, at a place in Ontario (or for remote applicants in Canada), gets a warning
(\`JC_WARN_PAY_RANGE_WIDE\`) at its \`max\`: the location's own salary, \`salaryByCountry.CA\`, or
the role-wide salary those places share (said once).

| Place | Law |
|---|---|
${payLawTable()
  .map((r) => `| ${r.place} | ${r.law} |`)
  .join('\n')}`;
}

function payPerLocationSection(): string {
  return `## Pay per location

A role at several places may pay each differently. Give a location its own \`salary\` (same shape and
rules as the role-wide one); locations without one are paid the role-wide \`salary\`. A remote role's
locations are offices, not where the person works, so its pay per place goes by applicant country:
\`salaryByCountry: { US: { … }, CA: { … } }\`, each key one of \`applicantLocations\`
(\`JC_RULE_PAY_PLACE\` otherwise). Every channel shows each place with its own pay: the page lists
them under Salary, the description (in the search markup, the feeds and on every board) gets a "Pay
by location" list, boards that list a job per place give each job its place's salary, a board that
lists a role once carries the pay of the place it lists, and the email has a line per place. When
every place is paid the same, nothing changes from a role-wide salary. What each channel does:
[channels.md](channels.md).`;
}

function languagesSection(): string {
  return `## Languages

One role can be published in several languages from its one file. Name the language the file is
written in with \`language\` (a BCP 47 tag: \`en\`, \`fr\`, \`de-CH\`) and give the other languages'
words under \`translations\`, by tag: \`title\`, \`summary\` and the four lists (each a list, or
\`{ heading, intro, items }\` with any of them). Only words are translated: dates, places, pay, links
and every other field are the role's own, so the role keeps one id and one reference in every language.

\`\`\`yaml
language: en
translations:
  fr:
    title: Ingénieure ou ingénieur plateforme
    summary: Vous construisez la plateforme sur laquelle nos équipes livrent.
    responsibilities: { heading: Vos missions, items: [Exploiter les clusters, Construire la chaîne de déploiement] }
\`\`\`

A field a translation leaves out is shown as in the original, with one warning per field
(\`JC_WARN_TRANSLATION_MISSING\`). Each language gets its own page (\`/jobs/<id>/\` for the file's
own language, \`/jobs/<id>/<lang>/\` for each translation) with \`hreflang\` links among them, its
own sitemap entry and feeds (under \`/feeds/<lang>/\`); an email list
with a \`language\` gets the role in it. Search engines are told of each language's page as its own
URL, and an edit to one language tells only that language's receivers. The fixed words around a
role (labels, standard headings, units) exist in ${WORDED_LANGUAGES.map((l) => `\`${l}\``).join(', ')}; other
languages show them in English, with dates, numbers and amounts still written the language's way.
Job boards get each role once, in its own language (channels.md, "Boards and languages").`;
}

function lifecycleSection(): string {
  const states = Object.entries(LIFECYCLE)
    .map(([state, l]) => `| \`${state}\` | ${l.when} | ${l.effect} |`)
    .join('\n');
  return `## Lifecycle

Every build works out each role's state from its file and the clock; dates without a time are read
in the config's \`schedule.timezone\`. What is served and who is told in each state is in
[lifecycle.md](lifecycle.md).

| State | When | What happens |
|---|---|---|
${states}

Setting a live role back to \`draft\`, moving \`datePosted\` into the future or deleting the file
withdraws it the same way as closing it; reopening it later announces it again. A file with a
mistake never holds up the others: the role keeps its last good version live until it is fixed.`;
}

function renderConfigDoc(adapters: readonly Adapter[], notifiers: readonly Notifier[], importers: readonly Importer[]): string {
  const root = jsonSchemaOf(configSchemaFor(adapters, notifiers, importSections(importers)));
  const withoutOptions = adapters.filter((a) => !a.options).map((a) => `\`${a.name}\``);
  const envKeys: string[] = [];
  const collect = (js: JsonSchema, path: string) => {
    for (const [key, child] of Object.entries(js.properties ?? {})) {
      const p = path ? `${path}.${key}` : key;
      if (child.pattern !== undefined && child.pattern === ENV_PATTERN) envKeys.push(`\`${p}\``);
      for (const [suffix, obj] of nestedObjects(child)) collect(obj, p + suffix);
    }
  };
  collect(root, '');
  return `# Site configuration: \`jobcast.config.yaml\`

${generatedNote('the zod schemas in src/model/config.ts, adapters/*.ts, notifiers/*.ts and importers/*.ts (their descriptions)')}

One file for the whole site: the organization, the public address, the schedule, where files live,
each channel's settings and who is told about changes. Every command reads \`jobcast.config.yaml\` in
the working directory, or the file \`--config FILE\` names; paths in it are relative to the file. A
mistake in it stops every command with exit code 2 and names the key and the fix.

**Secrets are never in the config.** It holds only the names of the environment variables that hold
them: ${andList(envKeys)}. Set those variables in the service's environment (the table in the
[README](../README.md#running-it-in-production) lists them all).

Every key is optional except ${andList(alwaysRequired(root))}, and every default works as it is: the shipped
\`jobcast.config.yaml\` serves on localhost without changes. Replace its \`PLACEHOLDER\` values before
pointing a board or Search Console at it.

## A complete configuration

Every key, once, with example values: copy what you need.

\`\`\`yaml
${configExample(adapters, notifiers, importers)}\`\`\`

## Keys

\`[]\` in a heading means each entry of a list; \`<name>\` stands for a name you choose.

${reference(root, CONFIG_DOC, adapters)}

Channels without settings: ${orList(withoutOptions)}.
`;
}

/** Both documents, by their path in the repository. */
export function renderDocs(adapters: readonly Adapter[], notifiers: readonly Notifier[], importers: readonly Importer[] = []): Record<string, string> {
  return { [POSTINGS_DOC]: renderPostingsDoc(adapters), [CONFIG_DOC]: renderConfigDoc(adapters, notifiers, importers) };
}

/** The config sections importers add (`import:`), as openProject adds them. */
export const importSections = (importers: readonly Importer[]) => (importers.length ? { import: importSection(importers) } : {});
