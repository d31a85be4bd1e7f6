/**
 * One role as each channel receives it, rendered from the CURRENT source file (so an edit shows on
 * reload, before anything is published): every adapter renders this entry alone, and its output is
 * read back — by the channel's own `preview` hook where it has one (a search card, a message's
 * headers), else by format (feed records as the fields a board parses, JSON as written). Roles that
 * are not open yet are rendered as if open, with a note.
 */
import { renderAll } from '../adapter';
import type { Adapter, Artifact, PostingEntry, PreviewArtifact, PreviewBlock, PreviewCard, PreviewField, SiteLinks } from '../adapter';
import { renderContext } from '../pipeline/context';
import type { ChannelSelection } from '../pipeline/validate';
import type { Diagnostic } from '../diagnostics';
import type { SiteConfig } from '../model/config';
import { collectBody } from '../artifact-body';
import { readByFormat } from './file-blocks';
import { diagnosticView, type DiagnosticView } from './format';
import { reachOf, type Reach } from './overview';

/** A field as the page shows it: one value inline, several as a list, a long one folded. */
export type FieldView = { name: string; value: string; values: string[]; multi: boolean; long: boolean };

export type CardView = Omit<PreviewCard, 'panel'> & { panel: { label: string; fields: FieldView[] } | null };

/** One thing to look at; exactly one of card/fields/text/headers/json is set. */
export type BlockView = {
  label: string;
  card: CardView | null;
  fields: FieldView[] | null;
  text: string | null;
  headers: { name: string; value: string }[] | null;
  json: string | null;
};

export type ChannelPreview = {
  name: string;
  description: string;
  reach: Reach;
  diagnostics: DiagnosticView[];
  blocks: BlockView[];
  files: string[];
  problem: string;
  wide: boolean;
};

const LONG_VALUE = 160;

const fieldViews = (fields: readonly PreviewField[]): FieldView[] =>
  fields.map((f) => ({
    name: f.name,
    values: f.values,
    value: f.values[0] ?? '',
    multi: f.values.length > 1,
    long: f.values.some((v) => v.length > LONG_VALUE),
  }));

/** The hook's block with every kind present (null where absent), as the template reads it. */
function blockView(b: PreviewBlock): BlockView {
  const card = 'card' in b ? { ...b.card, panel: b.card.panel ? { label: b.card.panel.label, fields: fieldViews(b.card.panel.fields) } : null } : null;
  return {
    label: b.label,
    card,
    fields: 'fields' in b ? fieldViews(b.fields) : null,
    text: 'text' in b ? b.text : null,
    headers: 'headers' in b ? b.headers : null,
    json: 'json' in b ? b.json : null,
  };
}

const asText = async (a: Artifact): Promise<PreviewArtifact> => ({ ...a, body: await collectBody(a.body) });

export interface PreviewInput {
  entry: PostingEntry;
  selection: ChannelSelection;
  diagnostics: readonly Diagnostic[];
  site: SiteConfig;
  links: SiteLinks;
  now: Date;
}

/** Pretend-open copy: feeds list only open roles, and a recruiter wants to see a draft before it goes out. */
const asOpen = (e: PostingEntry): PostingEntry => (e.state === 'open' ? e : { ...e, state: 'open' });

export async function channelPreview({ entry, selection, diagnostics, site, links, now }: PreviewInput): Promise<ChannelPreview> {
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
    const open = asOpen(entry);
    const ctx = renderContext(adapter, site, now, links);
    const artifacts = await Promise.all(renderAll(adapter, [open], ctx).artifacts.map(asText));
    view.files = artifacts.map((a) => a.path);
    const blocks = adapter.preview ? adapter.preview(open, ctx, artifacts) : readByFormat(artifacts, entry.id);
    view.blocks = blocks.map(blockView);
  } catch (err) {
    view.problem = `this channel failed to render the role: ${(err as Error).message}`;
  }
  view.wide = view.blocks.some((b) => b.text !== null);
  return view;
}
