/** The role page: every channel's preview of one role, its problems, and its delivery history. */
import path from 'node:path';
import type { SiteLinks } from '../adapter';
import type { Validation } from '../pipeline/validate';
import type { Ledger } from '../ledger/ledger';
import type { SiteConfig } from '../model/config';
import { outboxView, toldView, type OutboxView, type ToldView } from './delivery';
import { stateView, type StateView } from './format';
import { diagnosticGroups, type DiagnosticGroup } from './overview';
import { channelPreview, type ChannelPreview } from './previews';

export type RoleView = {
  id: string;
  title: string;
  file: string;
  state: StateView | null;
  note: string;
  invalid: boolean;
  sourceGroups: DiagnosticGroup[];
  channels: ChannelPreview[];
  publications: ToldView[];
  outbox: OutboxView[];
};

/** Newest deliveries first; older ones are in the ledger for whoever needs them. */
const HISTORY_LIMIT = 100;

const NOTES: Record<string, string> = {
  draft: 'This role is a draft: the previews show how each channel will receive it once it is open.',
  scheduled: 'This role is scheduled: the previews show how each channel will receive it when it goes live.',
  closed: 'This role is closed: channels no longer list it. The previews show its content as it was last sent.',
  expired: 'This role has expired: channels no longer list it. The previews show its content as it was last sent.',
};

export interface RoleInput {
  id: string;
  validation: Validation;
  ledger: Ledger;
  site: SiteConfig;
  /** What the channels link to (src/project.ts siteLinks). */
  links: SiteLinks;
  now: Date;
}

async function history(input: RoleInput): Promise<Pick<RoleView, 'publications' | 'outbox'>> {
  const tz = input.site.schedule.timezone;
  return {
    publications: [...(await input.ledger.told()).values()]
      .filter((t) => t.subject === input.id)
      .sort((a, b) => (a.receiver < b.receiver ? -1 : 1))
      .map((t) => toldView(t, tz)),
    outbox: (await input.ledger.outbox({ subject: input.id }))
      .reverse()
      .slice(0, HISTORY_LIMIT)
      .map((r) => outboxView(r, tz)),
  };
}

/** Undefined when no source file and no ledger row knows this id. */
export async function buildRoleView(input: RoleInput): Promise<RoleView | undefined> {
  const { id, validation, site, now } = input;
  const entry = validation.entries.find((e) => e.id === id);
  if (!entry) {
    const own = validation.diagnostics.filter((d) => d.file !== undefined && path.basename(d.file) === `${id}.yaml`);
    const past = await history(input);
    if (!own.length && !past.publications.length && !past.outbox.length) return undefined;
    return {
      id,
      title: id,
      file: own[0]?.file ?? '',
      state: null,
      invalid: own.length > 0,
      note: !own.length
        ? 'This role is no longer in the source files; only its delivery history remains.'
        : `This file has errors, so nothing can be previewed; ${past.publications.length ? 'the last valid version stays published' : 'nothing has been published from it'}.`,
      sourceGroups: diagnosticGroups(own),
      channels: [],
      ...past,
    };
  }
  const channels = [];
  for (const selection of validation.channels) {
    channels.push(await channelPreview({ entry, selection, diagnostics: validation.diagnostics, site, links: input.links, now }));
  }
  // What a person reads first (a card, record fields, a message) before raw JSON and empty cards.
  const rank = (c: ChannelPreview): number => (c.blocks.some((b) => b.card) ? 0 : c.blocks.some((b) => b.fields || b.text) ? 1 : c.blocks.length ? 2 : 3);
  channels.sort((a, b) => rank(a) - rank(b));
  const source = validation.diagnostics.filter((d) => !d.channel && (d.posting === id || (!d.posting && d.file === entry.file)));
  const note = entry.kept
    ? 'This file has errors: its last good version, shown here, stays published everywhere until the file is fixed.'
    : (NOTES[entry.state] ?? '');
  return {
    id,
    title: entry.posting.title,
    file: entry.file,
    state: stateView(entry, now, site.schedule.timezone),
    note,
    invalid: Boolean(entry.kept),
    sourceGroups: diagnosticGroups(source),
    channels,
    ...(await history(input)),
  };
}
