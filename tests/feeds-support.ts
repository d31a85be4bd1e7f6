/**
 * Shared by the feed tests: reading XML back with saxes (a strict XML 1.0 + namespaces parser nobody
 * here wrote), reading HTML text with parse5, running channels the way the build does but in memory,
 * and generators of postings full of hostile text.
 */
import { renderAll } from '../src/adapter';
import fc from 'fast-check';
import { parseFragment } from 'parse5';
import { SaxesParser } from 'saxes';
import { adapters } from '../adapters';
import type { Adapter, ArtifactBody, PostingEntry, RenderResult } from '../src/adapter';
import { renderContext } from '../src/pipeline/context';
import { selectChannels } from '../src/pipeline/validate';
import type { Diagnostic } from '../src/diagnostics';
import { lifecycleOf } from '../src/model/lifecycle';
import type { SiteConfig } from '../src/model/config';
import type { Posting } from '../src/model/posting';
import { siteLinks, type Project } from '../src/project';
import { tempProject } from './helpers/project';

export const NOW = new Date('2026-11-28T12:00:00Z');

/** The feed channels of this issue, looked up in the real registry (so they must be registered). */
export const FEED_CHANNELS = ['rss', 'json-feed', 'linkedin', 'indeed', 'ziprecruiter', 'adzuna'] as const;
export type FeedChannel = (typeof FEED_CHANNELS)[number];
export const XML_CHANNELS = ['rss', 'linkedin', 'indeed', 'ziprecruiter', 'adzuna'] as const;
export const FEED_PATHS: Record<FeedChannel, string> = {
  rss: 'feeds/jobs.rss',
  'json-feed': 'feeds/jobs.json',
  linkedin: 'feeds/linkedin.xml',
  indeed: 'feeds/indeed.xml',
  ziprecruiter: 'feeds/ziprecruiter.xml',
  adzuna: 'feeds/adzuna.xml',
};

export function adapterNamed(name: string): Adapter {
  const a = adapters.find((x) => x.name === name);
  if (!a) throw new Error(`adapter ${name} is not registered in adapters/index.ts`);
  return a;
}

// ---------------------------------------------------------------- XML reading

export interface XNode {
  name: string;
  uri: string;
  attributes: Record<string, string>;
  children: XNode[];
  /** Character data directly inside this element (text and CDATA, concatenated). */
  text: string;
}

export interface ParsedXml {
  root: XNode | undefined;
  errors: string[];
  declaration?: { version?: string; encoding?: string };
}

/** Parse with saxes in namespace mode; every well-formedness or namespace error is collected. */
export function parseXml(xml: string): ParsedXml {
  const errors: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  const stack: XNode[] = [];
  let root: XNode | undefined;
  let declaration: ParsedXml['declaration'];
  parser.on('error', (e) => errors.push(e.message));
  parser.on('xmldecl', (d) => (declaration = { ...(d.version ? { version: d.version } : {}), ...(d.encoding ? { encoding: d.encoding } : {}) }));
  parser.on('opentag', (tag) => {
    const node: XNode = {
      name: tag.name,
      uri: tag.uri,
      children: [],
      text: '',
      attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value])),
    };
    if (stack.length) stack[stack.length - 1]!.children.push(node);
    else root = node;
    stack.push(node);
  });
  const addText = (t: string) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return { root, errors, ...(declaration ? { declaration } : {}) };
}

/**
 * A lone UTF-16 surrogate: saxes reads JavaScript strings and lets a lone *high* surrogate through,
 * and writing it as UTF-8 would silently turn it into U+FFFD, so it is checked separately.
 */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Parse and fail the test on any error: a feed must be well-formed for every input. */
export function mustParse(xml: string): XNode {
  expect(LONE_SURROGATE.test(xml)).toBe(false);
  const parsed = parseXml(xml);
  expect(parsed.errors).toEqual([]);
  expect(parsed.root).toBeDefined();
  return parsed.root!;
}

export const kids = (n: XNode, name: string): XNode[] => n.children.filter((c) => c.name === name);
export const kid = (n: XNode, name: string): XNode | undefined => n.children.find((c) => c.name === name);
/** Text of the one child called `name`; undefined when absent. */
export const textOf = (n: XNode, name: string): string | undefined => kid(n, name)?.text;

// ---------------------------------------------------------------- HTML reading

interface HtmlNode {
  nodeName: string;
  value?: string;
  childNodes?: HtmlNode[];
}

function htmlText(n: HtmlNode): string {
  if (n.nodeName === '#text') return n.value ?? '';
  return (n.childNodes ?? []).map(htmlText).join('');
}

/** The text of every `<p>` and `<li>` of an HTML description, in document order, as a browser reads it. */
export function htmlBlocks(html: string): string[] {
  const out: string[] = [];
  const walk = (n: HtmlNode) => {
    if (n.nodeName === 'p' || n.nodeName === 'li') out.push(htmlText(n));
    else for (const c of n.childNodes ?? []) walk(c);
  };
  walk(parseFragment(html));
  return out;
}

// ---------------------------------------------------------------- running channels in memory

/** Bytes of an artifact body as text, however the adapter chose to produce it. */
export async function bodyText(body: ArtifactBody): Promise<string> {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const parts: string[] = [];
  const add = (c: string | Uint8Array) => parts.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
  if (Symbol.asyncIterator in body) for await (const c of body as AsyncIterable<string | Uint8Array>) add(c);
  else for (const c of body as Iterable<string | Uint8Array>) add(c);
  return parts.join('');
}

let shipped: Project | undefined;
/** The shipped config parsed by the real loader with every registered adapter's options. */
export async function shippedProject(): Promise<Project> {
  if (shipped) return shipped;
  const tmp = tempProject();
  try {
    shipped = await tmp.open();
  } finally {
    tmp.cleanup();
  }
  return shipped;
}

export function withSite(project: Project, change: (site: SiteConfig) => SiteConfig): Project {
  return { ...project, config: change(project.config) };
}

/** A posting validated by the project's real posting schema (which includes every channel's options). */
export function validPosting(project: Project, raw: unknown): Posting {
  return project.postingSchema.parse(raw) as Posting;
}

/** What the core knows about a posting, built without files (changedAt = the moment it went live). */
export function entryOf(id: string, posting: Posting, site: SiteConfig, now = NOW, changedAt?: Date): PostingEntry {
  const { state, ...lifecycle } = lifecycleOf(posting, now, site.schedule.timezone);
  return {
    id,
    file: `postings/${id}.yaml`,
    posting,
    lifecycle,
    state,
    hash: id,
    changedAt: changedAt ?? new Date(Math.min(now.getTime(), lifecycle.liveFrom.getTime())),
    locate: () => ({}),
  };
}

export interface ChannelRun {
  text: string;
  result: RenderResult;
  /** The channel's check diagnostics (as validate/build see them). */
  diagnostics: Diagnostic[];
  dropped: string[];
  listed: string[];
}

/** One channel run exactly as the build runs it (state filter, exclude, check, render), in memory. */
export async function runChannel(project: Project, channel: string, entries: readonly PostingEntry[], now = NOW): Promise<ChannelRun> {
  const adapter = adapterNamed(channel);
  const { channels, diagnostics } = selectChannels(entries, { ...project, adapters: [adapter] }, { now });
  const sel = channels[0]!;
  const result = renderAll(adapter, sel.entries, renderContext(adapter, project.config, now, siteLinks(project)));
  expect(result.artifacts).toHaveLength(1);
  return {
    text: await bodyText(result.artifacts[0]!.body),
    result,
    diagnostics,
    dropped: sel.dropped,
    listed: sel.entries.filter((e) => e.state === 'open').map((e) => e.id),
  };
}

// ---------------------------------------------------------------- hostile text

/** Pieces that broke real feed generators (docs/channels.md), plus scripts and astral characters. */
export const HOSTILE_PIECES = [
  ']]>',
  ']]>]]>',
  ']]]]><![CDATA[>',
  '<![CDATA[',
  '</script>',
  '<script>alert(1)</script>',
  '</description>',
  '</job>',
  '&',
  '&amp;',
  '&nbsp;',
  '&#39;',
  '&lt;',
  '"',
  "'",
  '<',
  '>',
  'Johnson & Johnson',
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u001B',
  '\u001F',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\t',
  '\r\n',
  '\r',
  '\u0085',
  '\u2028',
  '\u00A0',
  '🚀',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '👩🏽‍💻',
  'e\u0301',
  '\u202E',
  '\u200F',
  'مهندس',
  'מהנדס',
  '工程师',
  'Ĳ',
  'ß',
] as const;

const word = fc.constantFrom('Engineer', 'data', 'ML', 'platform', 'Zürich', 'senior', 'ops');
/** Free text: hostile pieces, words and arbitrary code points (not always valid UTF-16). */
export const hostileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
      { weight: 2, arbitrary: word },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((parts) => parts.join(' '));

/**
 * A one-line hostile title that no board would call decorated (no digits, "!", separators or
 * brackets), so every feed is expected to list it: what is tested is the escaping, not the rules.
 */
export const hostileTitle = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ']]>',
        '</script>',
        '&',
        '"',
        "'",
        '<',
        '>',
        '\u0008',
        '\u0001',
        '\uFFFE',
        '\uFFFF',
        '\uD800',
        '\uDFFF',
        '🚀',
        '\u202E',
        'مهندس',
        'מהנדס',
        '&amp;',
        '&lt;',
        ']]>]]>',
      ),
      word,
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => `Engineer ${parts.join(' ')}`.slice(0, 78));

/** One-line hostile text (places, skills, department). */
export const hostileLine = (prefix: string) => hostileText.map((s) => `${prefix} ${s.replace(/[\r\n\u0085\u2028]/g, ' ')}`.slice(0, 90));

const LONG_ENOUGH = 'This sentence is plain and long enough that every board accepts the description whatever follows in it. ';

const countries = fc.constantFrom('US', 'GB', 'DE', 'CA', 'JP', 'BR', 'CH');

const salaryArb = fc
  .record({
    currency: fc.constantFrom('USD', 'EUR', 'GBP', 'JPY'),
    min: fc.integer({ min: 1, max: 200000 }),
    extra: fc.integer({ min: 0, max: 90000 }),
    unit: fc.constantFrom('HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'),
  })
  .map((s) => ({ currency: s.currency, min: s.min, max: s.min + s.extra, unit: s.unit }));

const location = fc.record(
  {
    locality: hostileLine('Town'),
    region: hostileLine('Region'),
    postalCode: fc.constantFrom('94105', '10115', 'SW1A 1AA', 'A&B <1>'),
    country: countries,
    street: hostileLine('Street'),
    // A location's own pay, in place of the role-wide salary.
    salary: salaryArb,
  },
  { requiredKeys: ['locality', 'country'] },
);

/** A raw posting (as YAML would give it) with hostile text in every free-text field. */
export const hostilePosting = fc
  .record({
    title: hostileTitle,
    workplace: fc.constantFrom('onsite', 'hybrid', 'remote'),
    locations: fc.uniqueArray(location, { minLength: 1, maxLength: 3, selector: (l) => l.locality }),
    applicantLocations: fc.uniqueArray(countries, { minLength: 1, maxLength: 3 }),
    summary: hostileText.map((s) => LONG_ENOUGH + s),
    responsibilities: fc.array(
      hostileText.map((s) => `Do ${s}`),
      { minLength: 1, maxLength: 3 },
    ),
    benefits: fc.option(
      fc.array(
        hostileText.map((s) => `Get ${s}`),
        { minLength: 1, maxLength: 2 },
      ),
      { nil: undefined },
    ),
    department: fc.option(hostileLine('Dept'), { nil: undefined }),
    industry: fc.option(hostileLine('Industry'), { nil: undefined }),
    skills: fc.option(fc.uniqueArray(hostileLine('Skill'), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    reference: fc.option(hostileLine('REF'), { nil: undefined }),
    salary: fc.option(salaryArb, { nil: undefined }),
    /** A remote role's own pay for its first applicant country. */
    firstCountryPay: fc.option(salaryArb, { nil: undefined }),
  })
  .map((r) => ({
    title: r.title,
    ...(r.reference ? { reference: r.reference } : {}),
    status: 'open',
    datePosted: '2026-11-20',
    validThrough: '2027-02-28',
    employmentType: ['FULL_TIME'],
    workplace: r.workplace,
    ...(r.workplace === 'remote' ? { applicantLocations: r.applicantLocations } : { locations: r.locations }),
    ...(r.workplace === 'remote' && r.firstCountryPay ? { salaryByCountry: { [r.applicantLocations[0]!]: r.firstCountryPay } } : {}),
    summary: r.summary,
    responsibilities: r.responsibilities,
    ...(r.benefits ? { benefits: r.benefits } : {}),
    ...(r.department ? { department: r.department } : {}),
    ...(r.industry ? { industry: r.industry } : {}),
    ...(r.skills ? { skills: r.skills } : {}),
    ...(r.salary ? { salary: r.salary } : {}),
    apply: { url: 'https://careers.example.com/jobs/x/apply?ref=a&b=c' },
  }));

// ---------------------------------------------------------------- what a feed lists

/** The `<item>`/`<job>` elements of an XML feed. */
export function jobNodes(channel: Exclude<FeedChannel, 'json-feed'>, root: XNode): XNode[] {
  return channel === 'rss' ? kids(kid(root, 'channel')!, 'item') : kids(root, 'job');
}

/** Which posting one item or job is about (Indeed-shaped boards: read from the job page URL). */
export function jobIdOf(channel: Exclude<FeedChannel, 'json-feed'>, job: XNode): string {
  switch (channel) {
    case 'rss':
      return textOf(job, 'job:id')!;
    case 'linkedin':
      return textOf(job, 'partnerJobId')!;
    case 'adzuna':
      return textOf(job, 'id')!;
    default: {
      const url = textOf(job, 'url') ?? '';
      return /\/jobs\/([a-z0-9-]+)\//.exec(url)?.[1] ?? `unparsable:${url}`;
    }
  }
}

interface JsonFeedDoc {
  items: { content_html: string; _job: { id: string } }[];
}

/** The posting ids a feed lists, read back with a real parser (once each, in feed order). */
export function listedIds(channel: FeedChannel, text: string): string[] {
  if (channel === 'json-feed') return (JSON.parse(text) as JsonFeedDoc).items.map((i) => i._job.id);
  return [...new Set(jobNodes(channel, mustParse(text)).map((j) => jobIdOf(channel, j)))];
}

/** The HTML description(s) a feed carries for one posting (one per job-location on Indeed). */
export function descriptionsOf(channel: FeedChannel, text: string, id: string): string[] {
  if (channel === 'json-feed') return (JSON.parse(text) as JsonFeedDoc).items.filter((i) => i._job.id === id).map((i) => i.content_html);
  return jobNodes(channel, mustParse(text))
    .filter((j) => jobIdOf(channel, j) === id)
    .map((j) => textOf(j, 'description')!);
}
