/**
 * Personio's XML feed of a company's published positions (`/xml` on the company's Personio job
 * site): one document for the whole board, root `<workzag-jobs>`, one `<position>` per job, its
 * description as named blocks of HTML in CDATA. The feed has no pay, no remote flag and no apply
 * link: candidates apply on the position's page at the company's Personio job site, `/job/<id>`.
 * Offices are bare city names, placed with the option `country` as the company's own country
 * (src/import/places.ts). The contract is src/import/importer.ts.
 *
 * The XML is read by saxes, a strict parser, into a small tree: entities and CDATA are decoded by it,
 * and markup inside a CDATA description is never taken for the feed's own.
 */
import { SaxesParser } from 'saxes';
import { z } from 'zod';
import {
  defineImporter,
  type AtsJob,
  type AtsPlace,
  type ImportIssue,
  type ImportPage,
  type Malformed,
  importWarning as warn,
  bodyProblem,
} from '../src/import/importer';
import { isoDay } from '../src/import/read';
import { escapeHtmlText } from '../src/compose/text';
import { countryCode, isRemoteText, placeFromText, remoteCountries } from '../src/import/places';
import type { EmploymentType } from '../src/model/posting';

const options = z.strictObject({
  company: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'must be the company part of <company>.jobs.personio.de, letters, digits and dashes')
    .describe('The company name in the job site address <company>.jobs.personio.de, e.g. acme'),
  host: z
    .enum(['de', 'com'])
    .default('de')
    .describe('The job site domain: de for <company>.jobs.personio.de (the default), com for <company>.jobs.personio.com, e.g. com'),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be a two-letter language code')
    .optional()
    .describe('The language to read the positions in; without it Personio answers in German, e.g. en'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine((c) => countryCode(c) === c, 'must be a two-letter ISO 3166-1 country code')
    .optional()
    .describe("The company's own country, for offices the feed names only by their city, e.g. DE"),
});
export type PersonioOptions = z.output<typeof options>;

/** An XML element as saxes read it: its name, its child elements, and its text and CDATA joined. */
interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

/** The document's root element, or why the body is no XML document. */
function readTree(body: string): XmlNode | string {
  const top: XmlNode = { name: '', children: [], text: '' };
  const open: XmlNode[] = [top];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, children: [], text: '' };
    open[open.length - 1]!.children.push(node);
    if (!tag.isSelfClosing) open.push(node);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) open.pop();
  });
  const addText = (text: string) => {
    open[open.length - 1]!.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    // A byte order mark is no markup; saxes would take it for text before the root.
    parser.write(body.replace(/^\uFEFF/, '')).close();
  } catch (e) {
    return `not well-formed XML: ${(e as Error).message}`;
  }
  return top.children[0] ?? 'not an XML document: no root element';
}

const childOf = (n: XmlNode, name: string): XmlNode | undefined => n.children.find((c) => c.name === name);
const childrenOf = (n: XmlNode | undefined, name: string): XmlNode[] => n?.children.filter((c) => c.name === name) ?? [];
/** The trimmed text of a child element; undefined when it is absent or empty. */
const textOf = (n: XmlNode, name: string): string | undefined => childOf(n, name)?.text.trim() || undefined;

/** `<additionalOffices>` holds `<office>` elements; a feed that writes the one office as its text is read too. */
function additionalOffices(p: XmlNode): string[] {
  const box = childOf(p, 'additionalOffices');
  const offices = childrenOf(box, 'office').map((o) => o.text.trim());
  const own = box && !box.children.length ? [box.text.trim()] : [];
  return [...offices, ...own].filter(Boolean);
}

/** A `<position>` as plain values, for the schema to check. */
function recordOf(p: XmlNode) {
  return {
    id: textOf(p, 'id'),
    name: textOf(p, 'name'),
    office: textOf(p, 'office'),
    additionalOffices: additionalOffices(p),
    department: textOf(p, 'department'),
    jobDescriptions: childrenOf(childOf(p, 'jobDescriptions'), 'jobDescription').map((d) => ({ name: textOf(d, 'name'), value: textOf(d, 'value') })),
    employmentType: textOf(p, 'employmentType'),
    schedule: textOf(p, 'schedule'),
    createdAt: textOf(p, 'createdAt'),
  };
}

const position = z.object({
  id: z.string({ message: 'missing' }).regex(/^\d+$/, 'must be the position number'),
  name: z.string({ message: 'missing' }),
  office: z.string().optional(),
  additionalOffices: z.array(z.string()),
  department: z.string().optional(),
  jobDescriptions: z.array(z.object({ name: z.string().optional(), value: z.string().optional() })),
  employmentType: z.string().optional(),
  schedule: z.string().optional(),
  createdAt: z.string().optional(),
});
type Position = z.output<typeof position>;
const feed = z.object({ position: z.array(position) });

const why = (error: z.ZodError): string => bodyProblem(error, 'not a Personio feed');

/** The positions of the feed, or why it is not one. */
function readFeed(body: string): Position[] | string {
  const root = readTree(body);
  if (typeof root === 'string') return root;
  if (root.name !== 'workzag-jobs') return `the root element is <${root.name}>, not <workzag-jobs>`;
  const read = feed.safeParse({ position: childrenOf(root, 'position').map(recordOf) });
  return read.success ? read.data.position : why(read.error);
}

/** The description blocks in the feed's order, each under its name as a heading. */
function descriptionOf(p: Position): string {
  return p.jobDescriptions
    .filter((d) => d.value)
    .map((d) => `${d.name ? `<h3>${escapeHtmlText(d.name)}</h3>` : ''}${d.value}`)
    .join('\n');
}

/** Personio's contract kinds; `permanent` says nothing of the hours, which `schedule` tells. */
const BY_TYPE: Readonly<Record<string, EmploymentType[]>> = {
  permanent: [],
  intern: ['INTERN'],
  // An apprenticeship (Ausbildung) is neither an internship nor a plain job: jobcast's OTHER.
  trainee: ['OTHER'],
  freelance: ['CONTRACTOR'],
  temporary: ['TEMPORARY'],
  // A working student (Werkstudent) is employed part-time beside their studies.
  working_student: ['PART_TIME'],
};
const BY_SCHEDULE: Readonly<Record<string, EmploymentType[]>> = {
  'full-time': ['FULL_TIME'],
  'part-time': ['PART_TIME'],
  'full-or-part-time': ['FULL_TIME', 'PART_TIME'],
};

function employmentOf(p: Position, issues: ImportIssue[]): EmploymentType[] | undefined {
  const read = (value: string | undefined, table: Readonly<Record<string, EmploymentType[]>>, field: string): EmploymentType[] => {
    if (!value) return [];
    const known = table[value];
    if (!known) issues.push(warn(p.id, field, `unknown ${field} "${value}"`));
    return known ?? [];
  };
  const types = [...new Set([...read(p.employmentType, BY_TYPE, 'employmentType'), ...read(p.schedule, BY_SCHEDULE, 'schedule')])];
  return types.length ? types : undefined;
}

/**
 * The offices as places, and a remote job's applicant countries: an office named "Remote" makes the
 * job remote when it is the only kind of office, open to the countries it names, else to the
 * company's own country (the option), the feed having no other word on it.
 */
function placesOf(p: Position, o: PersonioOptions, issues: ImportIssue[]): Pick<AtsJob, 'locations' | 'applicantCountries' | 'workplace'> {
  const offices = [p.office, ...p.additionalOffices].map((text, i) => ({ text, field: i === 0 ? 'office' : `additionalOffices.office[${i - 1}]` }));
  const named = offices.filter((x): x is { text: string; field: string } => !!x.text);
  const locations: AtsPlace[] = [];
  const countries = new Set<string>();
  for (const { text, field } of named) {
    if (isRemoteText(text)) remoteCountries(text).forEach((c) => countries.add(c));
    else {
      const place = placeFromText(text, o.country);
      if (place) locations.push(place);
      else issues.push(warn(p.id, field, `"${text}" names no country, and the option country gives none`));
    }
  }
  const remote = named.length > 0 && named.every((x) => isRemoteText(x.text));
  if (!remote) return { locations };
  if (!countries.size && o.country) countries.add(o.country);
  if (!countries.size) issues.push(warn(p.id, 'office', 'a remote position that names no country, and the option country gives none'));
  return { locations, workplace: 'remote', ...(countries.size ? { applicantCountries: [...countries] } : {}) };
}

const siteOf = (o: PersonioOptions): string => `https://${o.company}.jobs.personio.${o.host}`;

function mapPosition(p: Position, o: PersonioOptions, issues: ImportIssue[]): AtsJob {
  const page = `${siteOf(o)}/job/${p.id}`;
  const datePosted = isoDay(p.createdAt);
  if (p.createdAt && !datePosted) issues.push(warn(p.id, 'createdAt', `"${p.createdAt}" is not an ISO 8601 time`));
  const employmentType = employmentOf(p, issues);
  return {
    id: p.id,
    title: p.name,
    descriptionHtml: descriptionOf(p),
    applyUrl: page,
    url: page,
    ...placesOf(p, o, issues),
    ...(datePosted ? { datePosted } : {}),
    ...(p.department ? { department: p.department } : {}),
    ...(employmentType ? { employmentType } : {}),
    // Asked for in a language, the feed answers in it; unasked, it says nothing of the language.
    ...(o.language ? { language: o.language } : {}),
  };
}

function parse(body: string, o: PersonioOptions): ImportPage | Malformed {
  const positions = readFeed(body);
  if (typeof positions === 'string') return { malformed: positions };
  const issues: ImportIssue[] = [];
  return { jobs: positions.map((p) => mapPosition(p, o, issues)), issues };
}

export const personio = defineImporter<PersonioOptions>({
  name: 'personio',
  description: "Personio job sites, read from the company's public XML feed of positions",
  options,
  idPrefix: 'ps',
  example: '{ company: acme, host: de, country: DE, language: en }',
  board: (o) => o.company,
  first: (o) => ({ url: `${siteOf(o)}/xml${o.language ? `?language=${o.language}` : ''}` }),
  parse: (body, _request, o) => parse(body, o),
});
