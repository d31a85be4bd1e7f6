/**
 * One role as each channel receives it, rendered from the CURRENT source file (so an edit shows on
 * reload, before anything is published): every adapter renders this entry alone, and its output is
 * read back — the Google JSON-LD as a search card, feed records as the fields a board parses, the
 * email as its 72-column text. Roles that are not open yet are rendered as if open, with a note.
 */
import { renderAll } from '../adapter';
import type { Adapter, Artifact, PostingEntry } from '../adapter';
import { renderContext } from '../pipeline/context';
import type { ChannelSelection } from '../pipeline/validate';
import type { Diagnostic } from '../diagnostics';
import type { SiteConfig } from '../model/config';
import { collectBody } from '../util/artifact-body';
import { emailHeaders, type HeaderField } from './email-headers';
import { diagnosticView, type DiagnosticView } from './format';
import { googleCard, type GoogleCard } from './google-card';
import { reachOf, type Reach } from './overview';
import { fieldsOf, findAll, parseXml, type XmlField } from './xml-records';

/** A field as a board reads it; repeated elements (`skills › skill`) are one row with several values. */
export type FieldView = { name: string; value: string; values: string[]; multi: boolean; long: boolean };

/** One thing to look at; exactly one of google/fields/text/headers/json is set. */
export type PreviewBlock = {
  label: string;
  google: GoogleCard | null;
  fields: FieldView[] | null;
  text: string | null;
  headers: HeaderField[] | null;
  json: string | null;
};

export type ChannelPreview = {
  name: string;
  description: string;
  reach: Reach;
  diagnostics: DiagnosticView[];
  blocks: PreviewBlock[];
  files: string[];
  problem: string;
  wide: boolean;
};

const RECORDS = new Set(['job', 'item', 'entry']);
const LONG_VALUE = 160;
const RAW_LIMIT = 20_000;

const block = (label: string, part: Partial<Omit<PreviewBlock, 'label'>>): PreviewBlock => ({
  label,
  google: null,
  fields: null,
  text: null,
  headers: null,
  json: null,
  ...part,
});

const mediaType = (a: Artifact): string => a.contentType.split(';')[0]!.trim().toLowerCase();
const isXml = (t: string): boolean => t === 'text/xml' || t === 'application/xml' || /^application\/[a-z.+-]*\+xml$/.test(t);

function fieldViews(fields: readonly XmlField[]): FieldView[] {
  const rows: { name: string; values: string[] }[] = [];
  for (const f of fields) {
    const last = rows[rows.length - 1];
    if (last?.name === f.name) last.values.push(f.value);
    else rows.push({ name: f.name, values: [f.value] });
  }
  return rows.map((r) => ({ ...r, value: r.values[0]!, multi: r.values.length > 1, long: r.values.some((v) => v.length > LONG_VALUE) }));
}

function xmlBlocks(xml: string, path: string): PreviewBlock[] {
  let records;
  try {
    records = findAll(parseXml(xml), RECORDS);
  } catch (err) {
    return [block(`${path} (could not be read back: ${(err as Error).message})`, { text: xml.slice(0, RAW_LIMIT) })];
  }
  return records.map((r, i) =>
    block(`<${r.name}>${records.length > 1 ? ` ${i + 1} of ${records.length}` : ''} in ${path}`, {
      fields: fieldViews(fieldsOf(r)),
    }),
  );
}

function jsonFeedBlocks(text: string, path: string): PreviewBlock[] {
  const items = (JSON.parse(text) as { items?: unknown[] }).items ?? [];
  return items.map((item, i) => block(`item${items.length > 1 ? ` ${i + 1} of ${items.length}` : ''} in ${path}`, { json: JSON.stringify(item, null, 2) }));
}

async function artifactBlocks(a: Artifact, id: string): Promise<PreviewBlock[]> {
  const type = mediaType(a);
  const own = a.posting === id;
  if (type === 'application/ld+json') return [block(`Google search result and job panel, from ${a.path}`, { google: googleCard(await collectBody(a.body)) })];
  if (type === 'message/rfc822') return [block(`Message headers, from ${a.path}`, { headers: emailHeaders(await collectBody(a.body)) })];
  if (type === 'text/plain' && own) return [block(`${a.path} (72 columns)`, { text: await collectBody(a.body) })];
  if (type === 'application/feed+json') return jsonFeedBlocks(await collectBody(a.body), a.path);
  if (type === 'application/json' && own) return [block(a.path, { json: await collectBody(a.body) })];
  if (isXml(type)) return xmlBlocks(await collectBody(a.body), a.path);
  return [];
}

export interface PreviewInput {
  entry: PostingEntry;
  selection: ChannelSelection;
  diagnostics: readonly Diagnostic[];
  site: SiteConfig;
  now: Date;
}

/** Pretend-open copy: feeds list only open roles, and a recruiter wants to see a draft before it goes out. */
const asOpen = (e: PostingEntry): PostingEntry => (e.state === 'open' ? e : { ...e, state: 'open', lifecycle: { ...e.lifecycle, state: 'open' } });

export async function channelPreview({ entry, selection, diagnostics, site, now }: PreviewInput): Promise<ChannelPreview> {
  const adapter: Adapter = selection.adapter;
  const reach = reachOf(entry, selection);
  const view: ChannelPreview = {
    name: adapter.name,
    description: adapter.description,
    reach,
    diagnostics: diagnostics.filter((d) => d.channel === adapter.name && d.posting === entry.id).map((d) => diagnosticView(d)),
    blocks: [],
    files: [],
    problem: '',
    wide: false,
  };
  if (reach.key === 'excluded' || reach.key === 'blocked') return view;
  try {
    const { artifacts } = renderAll(adapter, [asOpen(entry)], renderContext(adapter, site, now));
    for (const a of artifacts) {
      view.files.push(a.path);
      view.blocks.push(...(await artifactBlocks(a, entry.id)));
    }
  } catch (err) {
    view.problem = `this channel failed to render the role: ${(err as Error).message}`;
  }
  view.wide = view.blocks.some((b) => b.text !== null);
  return view;
}
