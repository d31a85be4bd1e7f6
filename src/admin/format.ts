/** Small presentation rules shared by the admin pages: dates, lifecycle labels, diagnostics. */
import type { PostingEntry } from '../adapter';
import { place } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { formatZoned } from '../model/dates';

/** "Closing soon" = open, and the last day to apply is at most this far away. */
const CLOSING_SOON_MS = 7 * 24 * 3600_000;

/** `2026-11-28 09:00 Europe/Berlin`: the site's zone, the one date-only fields are read in. */
export function when(at: Date, timeZone: string): string {
  const z = formatZoned(at, timeZone);
  return `${z.slice(0, 10)} ${z.slice(11, 16)} ${timeZone}`;
}

/** A ledger timestamp (ISO, UTC) for people, or '' when there is none. */
export function whenIso(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : when(at, timeZone);
}

export type StateView = { key: string; label: string; detail: string };

export function stateView(entry: Pick<PostingEntry, 'lifecycle' | 'state'>, now: Date, timeZone: string): StateView {
  const { state } = entry;
  const { liveFrom, liveUntil } = entry.lifecycle;
  switch (state) {
    case 'draft':
      return { key: 'draft', label: 'Draft', detail: 'not public; set status: open to publish it' };
    case 'scheduled':
      return { key: 'scheduled', label: 'Scheduled', detail: `goes live ${when(liveFrom, timeZone)}` };
    case 'closed':
      return { key: 'closed', label: 'Closed', detail: 'status: closed; its page answers 410 Gone' };
    case 'expired':
      return { key: 'expired', label: 'Expired', detail: liveUntil ? `applications closed ${when(liveUntil, timeZone)}` : 'past its closing date' };
    case 'open':
      if (liveUntil && liveUntil.getTime() - now.getTime() <= CLOSING_SOON_MS) {
        return { key: 'closing-soon', label: 'Closing soon', detail: `applications close ${when(liveUntil, timeZone)}` };
      }
      return { key: 'open', label: 'Open', detail: liveUntil ? `open until ${when(liveUntil, timeZone)}` : 'open, no closing date' };
  }
}

export type DiagnosticView = {
  severity: string;
  where: string;
  field: string;
  message: string;
  code: string;
  fix: string;
  channel: string;
};

export const diagnosticView = (d: Diagnostic): DiagnosticView => ({
  severity: d.severity,
  where: place(d),
  field: d.field ?? '',
  message: d.message,
  code: d.code,
  fix: d.fix ?? '',
  channel: d.channel ?? '',
});

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
