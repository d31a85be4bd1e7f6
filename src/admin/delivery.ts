/** What the ledger says each channel and notification target did with a role. */
import type { Ledger, OutboxRow, PublicationRow } from '../ledger/ledger';
import { whenIso } from './format';

export type DeliveryView = { key: string; label: string; detail: string; error: string; retry: string };

const key = (posting: string, target: string): string => `${posting}\u0000${target}`;

/** The ledger's publications and the next retry of each (posting, target), read once per page. */
export class DeliveryIndex {
  private readonly publications = new Map<string, PublicationRow>();
  private readonly retries = new Map<string, string>();
  readonly byPosting = new Map<string, PublicationRow[]>();

  constructor(ledger: Ledger) {
    for (const p of ledger.publications()) {
      this.publications.set(key(p.posting, p.channel), p);
      this.byPosting.set(p.posting, [...(this.byPosting.get(p.posting) ?? []), p]);
    }
    for (const row of ledger.outbox({ status: 'pending' })) {
      if (!row.posting || !row.next_attempt) continue;
      const k = key(row.posting, row.target);
      const known = this.retries.get(k);
      if (!known || row.next_attempt < known) this.retries.set(k, row.next_attempt);
    }
  }

  view(posting: string, target: string, timeZone: string): DeliveryView {
    const p = this.publications.get(key(posting, target));
    const retry = whenIso(this.retries.get(key(posting, target)), timeZone);
    const error = p?.last_error ?? '';
    if (!p) return { key: 'none', label: 'Not published', detail: '', error: '', retry };
    switch (p.status) {
      case 'live':
        return { key: 'live', label: 'Live', detail: p.last_changed ? `since ${whenIso(p.last_changed, timeZone)}` : '', error: '', retry };
      case 'pending':
        return { key: 'pending', label: 'Pending', detail: `${p.attempts} attempt${p.attempts === 1 ? '' : 's'} so far`, error, retry };
      case 'failed':
        return { key: 'failed', label: 'Failed', detail: p.attempts ? `after ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}` : '', error, retry };
      case 'closed':
        return { key: 'closed', label: 'Withdrawn', detail: p.last_changed ? `since ${whenIso(p.last_changed, timeZone)}` : '', error: '', retry };
    }
  }
}

export type OutboxView = {
  created: string; notifier: string; target: string; status: string; attempts: number;
  nextAttempt: string; doneAt: string; error: string; response: string;
};

export const outboxView = (r: OutboxRow, timeZone: string): OutboxView => ({
  created: whenIso(r.created, timeZone),
  notifier: r.notifier,
  target: r.target,
  status: r.status,
  attempts: r.attempts,
  nextAttempt: r.status === 'pending' ? whenIso(r.next_attempt, timeZone) : '',
  doneAt: whenIso(r.done_at, timeZone),
  error: r.last_error ?? '',
  response: r.response ?? '',
});

export type PublicationView = { channel: string; status: string; firstPublished: string; lastChanged: string; attempts: number; error: string };

export const publicationView = (p: PublicationRow, timeZone: string): PublicationView => ({
  channel: p.channel,
  status: p.status,
  firstPublished: whenIso(p.first_published, timeZone),
  lastChanged: whenIso(p.last_changed, timeZone),
  attempts: p.attempts,
  error: p.last_error ?? '',
});
