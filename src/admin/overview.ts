/**
 * The overview: every role in the CURRENT source files (drafts and scheduled ones too), what each
 * channel thinks of it, and what the ledger says was delivered. Invalid files are listed with their
 * errors rather than hidden, since they are exactly what a recruiter needs to see.
 */
import type { PostingEntry } from '../adapter';
import type { ChannelSelection, Validation } from '../pipeline/validate';
import { sortDiagnostics, type Diagnostic } from '../diagnostics';
import type { Manifest } from '../pipeline/output-store';
import type { Ledger, RunRow } from '../ledger/ledger';
import type { Transition } from '../publish/protocol';
import { DeliveryIndex, type DeliveryView } from './delivery';
import { diagnosticView, plural, stateView, whenIso, type DiagnosticView, type StateView } from './format';

/** `label` fits a table cell under "Gets the role"; `long` stands alone next to a channel's name. */
export type Reach = { key: string; label: string; long: string };

/** Whether a channel carries this role now, later, or not at all — and why not. */
export function reachOf(entry: PostingEntry, selection: ChannelSelection): Reach {
  if (entry.posting.channels?.exclude?.includes(selection.adapter.name)) return { key: 'excluded', label: 'No (excluded)', long: 'Excluded by the posting' };
  if (selection.dropped.includes(entry.id)) return { key: 'blocked', label: 'No (errors)', long: 'Left out until the errors are fixed' };
  if (entry.state === 'open') return { key: 'included', label: 'Yes', long: 'Gets this role' };
  if (entry.state === 'draft' || entry.state === 'scheduled') return { key: 'later', label: 'Once live', long: 'Gets it once live' };
  return { key: 'withdrawn', label: 'No (closed)', long: 'No longer lists it (closed)' };
}

export type DiagnosticGroup = { label: string; items: DiagnosticView[] };

export function diagnosticGroups(diagnostics: readonly Diagnostic[]): DiagnosticGroup[] {
  const groups = new Map<string, DiagnosticView[]>();
  for (const d of sortDiagnostics(diagnostics)) {
    const label = d.channel ?? 'source file';
    groups.set(label, [...(groups.get(label) ?? []), diagnosticView(d)]);
  }
  return [...groups].sort(([a], [b]) => (a === 'source file' ? -1 : b === 'source file' ? 1 : a.localeCompare(b))).map(([label, items]) => ({ label, items }));
}

const belongsTo = (d: Diagnostic, e: PostingEntry): boolean => d.posting === e.id || (!d.posting && d.file !== undefined && d.file === e.file);

const count = (ds: readonly Diagnostic[], severity: Diagnostic['severity']): number => ds.filter((d) => d.severity === severity).length;

export type Checks = { key: string; label: string };
export type ChannelRow = { name: string; reach: Reach; delivery: DeliveryView; checks: Checks };

function checksOf(ds: readonly Diagnostic[]): Checks {
  const errors = count(ds, 'error');
  const warnings = count(ds, 'warning');
  if (errors) return { key: 'error', label: warnings ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : plural(errors, 'error') };
  if (warnings) return { key: 'warning', label: plural(warnings, 'warning') };
  return { key: 'ok', label: 'OK' };
}

export type RoleSummary = {
  id: string;
  title: string;
  file: string;
  href: string;
  state: StateView;
  problems: string;
  expanded: boolean;
  channels: ChannelRow[];
  groups: DiagnosticGroup[];
};

export type InvalidFile = { file: string; id: string; served: string; groups: DiagnosticGroup[] };

export type RunView = { started: string; ok: boolean; result: string; summary: string };

export type Overview = { roles: RoleSummary[]; invalid: InvalidFile[]; removed: { id: string; status: string }[]; runs: RunView[]; other: DiagnosticGroup[] };

export interface OverviewInput {
  validation: Validation;
  ledger: Ledger;
  now: Date;
  timeZone: string;
  /** The manifest of the output being served, if any. */
  served?: Manifest;
  /** What is built but not yet told (src/publish/status.ts). */
  untold: readonly Transition[];
}

/** Whether the served output carries this version of the role for a channel that gets it. */
function servedView(entry: PostingEntry, reach: Reach, served: Manifest | undefined): DeliveryView {
  const none = { detail: '', error: '', retry: '' };
  if (reach.key !== 'included') return { key: 'none', label: '—', ...none };
  const built = served?.history[entry.id];
  if (built?.hash === entry.hash) return { key: 'live', label: 'Served', ...none, detail: entry.kept ? 'its last good version (the file has errors)' : '' };
  return { key: 'pending', label: 'Not built yet', ...none, detail: built ? 'the served output has an older version' : 'not in the served output' };
}

function roleSummary(entry: PostingEntry, input: OverviewInput, deliveries: DeliveryIndex): RoleSummary {
  const { validation, now, timeZone } = input;
  const mine = validation.diagnostics.filter((d) => belongsTo(d, entry));
  const channels = validation.channels.map((sel): ChannelRow => {
    const own = mine.filter((d) => d.channel === sel.adapter.name);
    const reach = reachOf(entry, sel);
    return { name: sel.adapter.name, reach, delivery: servedView(entry, reach, input.served), checks: checksOf(own) };
  });
  // Receivers (a notifier such as webhook:<name>, or a channel's <channel>:<list>): what each was told.
  for (const receiver of deliveries.receiversOf(entry.id)) {
    channels.push({
      name: receiver,
      reach: { key: 'notify', label: 'Notified', long: 'Notified' },
      delivery: deliveries.view(entry.id, receiver, timeZone),
      checks: { key: 'none', label: '—' },
    });
  }
  const errors = count(mine, 'error');
  const warnings = count(mine, 'warning');
  return {
    id: entry.id,
    title: entry.posting.title,
    file: entry.file,
    href: `/admin/roles/${entry.id}`,
    state: stateView(entry, now, timeZone),
    problems: errors || warnings ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : 'no problems',
    // Infos alone do not need attention, so they start folded away.
    expanded: errors + warnings > 0,
    channels,
    groups: diagnosticGroups(mine),
  };
}

function invalidFiles(input: OverviewInput): InvalidFile[] {
  const { validation } = input;
  return validation.broken.map((b) => ({
    file: b.file,
    id: b.id,
    served: b.kept
      ? 'Its last valid version stays published everywhere until this file is fixed.'
      : 'Never published: nothing goes out until this file is fixed.',
    groups: diagnosticGroups(validation.diagnostics.filter((d) => d.file === b.file && !d.channel)),
  }));
}

function runView(r: RunRow, timeZone: string): RunView {
  let summary: string;
  try {
    const s = JSON.parse(r.summary ?? '{}') as {
      planned?: number;
      delivery?: { sent?: number; failed?: number; retrying?: number };
      error?: { message?: string };
    };
    const d = s.delivery ?? {};
    summary = `${s.planned ?? 0} queued, ${d.sent ?? 0} sent, ${d.retrying ?? 0} to retry, ${d.failed ?? 0} failed${s.error?.message ? ` — ${s.error.message}` : ''}`;
  } catch {
    summary = '';
  }
  return {
    started: whenIso(r.started, timeZone),
    ok: r.ok === 1,
    result: r.finished === null ? 'running or interrupted' : r.ok === 1 ? 'ok' : 'failed',
    summary,
  };
}

export async function buildOverview(input: OverviewInput): Promise<Overview> {
  const { validation, ledger, timeZone } = input;
  const deliveries = await DeliveryIndex.read(ledger, input.untold);
  const invalid = invalidFiles(input);
  const present = new Set([...validation.entries.map((e) => e.id), ...invalid.map((f) => f.id)]);
  const removed = [...(await ledger.subjects()).values()]
    .filter((s) => s.kind === 'posting' && !present.has(s.subject))
    .sort((a, b) => (a.subject < b.subject ? -1 : 1))
    .map((s) => ({ id: s.subject, status: s.lifecycle === 'removed' ? 'file deleted; receivers were told it is gone' : `last published as ${s.lifecycle}` }));
  const placed = new Set([...validation.entries.map((e) => e.file), ...invalid.map((f) => f.file)]);
  const entryIds = new Set(validation.entries.map((e) => e.id));
  const other = validation.diagnostics.filter((d) => !(d.posting && entryIds.has(d.posting)) && !(d.file && placed.has(d.file)));
  return {
    roles: [...validation.entries]
      .sort((a, b) => a.posting.title.localeCompare(b.posting.title) || a.id.localeCompare(b.id))
      .map((e) => roleSummary(e, input, deliveries)),
    invalid,
    removed,
    runs: (await ledger.runs(5)).map((r) => runView(r, timeZone)),
    other: diagnosticGroups(other),
  };
}
