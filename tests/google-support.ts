/** Shared by the google-*.test.ts files: real HTML parsing, entries, contexts and isolated builds. */
import { jobPages } from '../adapters/google/urls';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseFragment } from 'parse5';
import { adapters as defaultAdapters } from '../adapters';
import { googleJobPosting } from '../adapters/google';
import { postingJson } from '../adapters/posting-json';
import type { Adapter, PostingEntry } from '../src/adapter';
import { buildProject, type BuildResult } from '../src/pipeline/build';
import { renderContext } from '../src/pipeline/context';
import { SECTION_KEYS } from '../src/compose/description';
import { cleanText } from '../src/compose/text';
import type { SiteConfig } from '../src/model/config';
import { lifecycleOf } from '../src/model/lifecycle';
import { postingFields, type Posting } from '../src/model/posting';
import { tempProject, type TempProject } from './helpers/project';

export const NOW = new Date('2026-11-28T12:00:00Z');

/**
 * The adapters of the repository with every other channel's `render` and `check` switched off: their
 * config and posting schemas still apply (the shipped files use them), but this suite only depends on
 * the google channel and the example posting-json channel.
 */
export const ISOLATED_ADAPTERS: readonly Adapter[] = defaultAdapters.map((a) =>
  a === googleJobPosting || a === postingJson
    ? a
    : {
        name: a.name,
        description: a.description,
        ...(a.options ? { options: a.options } : {}),
        ...(a.postingOptions ? { postingOptions: a.postingOptions } : {}),
        ...(a.organization ? { organization: a.organization } : {}),
        render: () => ({ artifacts: [] }),
      },
);

// ---- HTML -------------------------------------------------------------------------------------

export interface HtmlNode {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: HtmlNode[];
  content?: HtmlNode;
}

export const parseHtml = (html: string): HtmlNode => parse(html);
export const parseHtmlFragment = (html: string): HtmlNode => parseFragment(html);

export function* walk(node: HtmlNode): Generator<HtmlNode> {
  yield node;
  for (const child of node.childNodes ?? []) yield* walk(child);
  if (node.content) yield* walk(node.content);
}

export const elements = (root: HtmlNode, tag: string): HtmlNode[] => [...walk(root)].filter((n) => n.tagName === tag);
export const attr = (el: HtmlNode, name: string): string | undefined => el.attrs?.find((a) => a.name === name)?.value;

export function textOf(node: HtmlNode): string {
  return [...walk(node)]
    .filter((n) => n.nodeName === '#text')
    .map((n) => n.value ?? '')
    .join('');
}

const INVISIBLE = new Set(['script', 'style', 'template', 'noscript', 'head', 'title']);

/** Text a reader sees: text nodes outside head, script, style and template, blocks joined by spaces. */
export function visibleText(root: HtmlNode): string {
  const out: string[] = [];
  const visit = (n: HtmlNode) => {
    if (n.tagName && INVISIBLE.has(n.tagName)) return;
    if (n.nodeName === '#text') out.push(n.value ?? '');
    for (const c of n.childNodes ?? []) visit(c);
  };
  visit(root);
  return out.join(' ');
}

/** Whitespace runs as one space, trimmed: how a browser shows text, and how we compare it. */
export const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** `text` as the page must show it: without what no channel can carry, whitespace collapsed. */
export const shown = (text: string): string => collapse(cleanText(text));

export const bodyOf = (doc: HtmlNode): HtmlNode => elements(doc, 'body')[0]!;

/** The JSON-LD text of the page's single script, failing loudly if there is not exactly one. */
export function onlyJsonLd(doc: HtmlNode): string {
  const scripts = elements(doc, 'script');
  if (scripts.length !== 1) throw new Error(`expected exactly one script, found ${scripts.length}`);
  const s = scripts[0]!;
  if (attr(s, 'type') !== 'application/ld+json') throw new Error(`script type is ${attr(s, 'type')}`);
  return textOf(s);
}

export function metaContent(doc: HtmlNode, key: string): string | undefined {
  const m = elements(doc, 'meta').find((e) => attr(e, 'name') === key || attr(e, 'property') === key);
  return m ? attr(m, 'content') : undefined;
}

// ---- Entries and contexts ------------------------------------------------------------------------

/** A complete US posting for the Google tests (rules, sitemap): an office with a full address, one list. */
export const US_POSTING = postingFields.parse({
  title: 'Backend Engineer',
  status: 'open',
  datePosted: '2026-11-01',
  validThrough: '2027-01-31',
  employmentType: ['FULL_TIME'],
  workplace: 'onsite',
  locations: [{ street: '1 Main St', locality: 'Austin', region: 'TX', postalCode: '78701', country: 'US' }],
  summary: 'We build the backend of a job syndication service.',
  responsibilities: ['Build services'],
  apply: { url: 'https://careers.example.com/apply' },
});

export function entryOf(id: string, posting: Posting, now = NOW, changedAt = now): PostingEntry {
  const { state, ...lifecycle } = lifecycleOf(posting, now, 'UTC');
  return { id, file: `${id}.yaml`, posting, lifecycle, state, hash: id, changedAt, locate: () => ({}) };
}

/** The shipped config, parsed with the channels' schemas but without any project files around it. */
export async function isolatedConfig(): Promise<SiteConfig> {
  const project = tempProject();
  try {
    return (await project.open(ISOLATED_ADAPTERS)).config;
  } finally {
    project.cleanup();
  }
}

export const googleContext = (config: SiteConfig, now = NOW) => renderContext(googleJobPosting, config, now, { pages: jobPages });

// ---- Builds ----------------------------------------------------------------------------------------

export interface Built {
  project: TempProject;
  result: BuildResult;
  read(p: string): string;
  has(p: string): boolean;
}

/** Run the real build on a temporary project; the caller cleans up with `built.project.cleanup()`. */
export async function build(postings: Record<string, string>, opts: { now?: Date; config?: string; adapters?: readonly Adapter[] } = {}): Promise<Built> {
  const project = tempProject(postings, ...(opts.config ? [opts.config] : []));
  let result: BuildResult;
  try {
    result = await buildProject(await project.open(opts.adapters ?? ISOLATED_ADAPTERS), { now: opts.now ?? NOW });
  } catch (err) {
    project.cleanup();
    throw err;
  }
  return {
    project,
    result,
    read: (p) => readFileSync(path.join(project.outDir, p), 'utf8'),
    has: (p) => p in result.manifest.artifacts,
  };
}

// ---- Reading a job page back the way a crawler does ----------------------------------------------

/** The description's blocks as text, in order: paragraphs, then each heading and its items. */
export function descriptionBlocks(descriptionHtml: string): string[] {
  const fragment = parseHtmlFragment(descriptionHtml);
  return (fragment.childNodes ?? []).flatMap((n): string[] => {
    if (n.tagName === 'p') return [collapse(textOf(n))];
    if (n.tagName === 'ul') return elements(n, 'li').map((li) => collapse(textOf(li)));
    return [];
  });
}

const DESCRIPTION_SECTIONS = new Set<string>(['about', ...SECTION_KEYS]);

/** The same blocks as the page shows them: the "About the role" paragraphs, then each list section (heading, lead-in, items). */
export function pageDescriptionBlocks(doc: HtmlNode): string[] {
  const sections = elements(doc, 'section').filter((s) => DESCRIPTION_SECTIONS.has(attr(s, 'aria-labelledby') ?? ''));
  return sections.flatMap((s) => {
    const id = attr(s, 'aria-labelledby');
    if (id === 'about') return elements(s, 'p').map((p) => collapse(textOf(p)));
    return [collapse(textOf(elements(s, 'h2')[0]!)), ...[...elements(s, 'p'), ...elements(s, 'li')].map((n) => collapse(textOf(n)))];
  });
}

/** Leaves of a JSON value with their dotted paths (`baseSalary.value.minValue`). */
export function leaves(value: unknown, path = ''): { path: string; key: string; value: string | number | boolean }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, path ? `${path}.${i}` : String(i)));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  const key =
    path
      .split('.')
      .filter((s) => !/^\d+$/.test(s))
      .pop() ?? '';
  return [{ path, key, value: value as string | number | boolean }];
}

/** `<time>` elements of the page: their machine value and what a reader sees. */
export const times = (doc: HtmlNode): { datetime: string | undefined; text: string }[] =>
  elements(doc, 'time').map((t) => ({ datetime: attr(t, 'datetime'), text: collapse(textOf(t)) }));

// ---- Fixture postings ------------------------------------------------------------------------------

/** Hybrid, two full addresses, hourly pay, two employment types, a query in the apply URL. */
export const HYBRID_HOURLY = `title: Warehouse Associate
status: open
datePosted: 2026-11-20
validThrough: 2027-01-15
employmentType: [PART_TIME, TEMPORARY]
department: Operations
workplace: hybrid
locations:
  - { street: 1600 Broadway, locality: Denver, region: CO, postalCode: "80202", country: US }
  - { street: 350 5th Ave, locality: New York, region: NY, postalCode: "10118", country: US }
salary: { currency: USD, value: 21.5, unit: HOUR }
summary: |
  Keep our stores stocked & our customers happy.

  You will work with a <small> team of "pickers".
responsibilities:
  - Pick & pack orders
  - Check the quality of what leaves the building
benefits: [Paid time off]
education: { credential: high school }
experience: none
apply:
  url: https://careers.example.com/apply?job=wa-1&lang=en
  email: ops@example.com
`;

/** Fully remote for two countries, a range, a closing date-time with an offset. */
export const REMOTE_TWO_COUNTRIES = `title: Developer Advocate
status: open
datePosted: 2026-11-01
validThrough: 2027-03-31T17:00:00-05:00
employmentType: [FULL_TIME]
workplace: remote
applicantLocations: [US, CA]
salary: { currency: USD, min: 120000, max: 150000, unit: YEAR }
summary: Help developers succeed with our APIs, in talks, docs and code.
qualifications: [Public speaking, Writing for developers]
skills: [Writing, TypeScript]
education: { credential: none }
experience: { months: 18 }
experienceInPlaceOfEducation: false
apply:
  url: https://careers.example.com/jobs/devrel/apply
  direct: false
`;
