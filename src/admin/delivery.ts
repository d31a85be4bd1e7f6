/**
 * What each receiver was told about a role, from the ledger: its told state, the newest
 * notification, and what is built but not yet told (src/publish/status.ts).
 */
import { Ledger, type OutboxRow, type ToldRow } from '../ledger/ledger';
import type { Transition } from '../publish/protocol';
import { whenIso } from './format';

export type DeliveryView = { key: string; label: string; detail: string; error: string; retry: string };

const EVENT_LABEL = { publish: 'publish', update: 'update', close: 'close' } as const;

/** The ledger's view of every (receiver, role), read once per page. */
export class DeliveryIndex {
  private readonly told = new Map<string, ToldRow>();
  private readonly latest: Map<string, OutboxRow>;
  private readonly pending = new Map<string, Transition>();
  /** Receivers that know of each role (told, notified or due to be). */
  readonly receivers = new Map<string, Set<string>>();

  /** The index of `ledger` now, with the transitions built but not yet told. */
  static async read(ledger: Pick<Ledger, 'told' | 'latestPerReceiver'>, untold: readonly Transition[], subject?: string): Promise<DeliveryIndex> {
    return new DeliveryIndex((await ledger.told()).values(), await ledger.latestPerReceiver(subject), untold, subject);
  }

  private constructor(told: Iterable<ToldRow>, latest: Map<string, OutboxRow>, untold: readonly Transition[], subject?: string) {
    const add = (s: string, r: string) => void (this.receivers.get(s) ?? this.receivers.set(s, new Set()).get(s)!).add(r);
    for (const t of told) {
      if (subject && t.subject !== subject) continue;
      this.told.set(Ledger.toldKey(t.receiver, t.subject), t);
      add(t.subject, t.receiver);
    }
    this.latest = latest;
    for (const r of this.latest.values()) add(r.subject!, r.receiver);
    for (const t of untold) {
      if (subject && t.subject.id !== subject) continue;
      this.pending.set(Ledger.toldKey(t.receiver, t.subject.id), t);
      add(t.subject.id, t.receiver);
    }
  }

  receiversOf(posting: string): string[] {
    return [...(this.receivers.get(posting) ?? [])].sort();
  }

  view(posting: string, receiver: string, timeZone: string): DeliveryView {
    const k = Ledger.toldKey(receiver, posting);
    const due = this.pending.get(k);
    if (due)
      return {
        key: 'untold',
        label: 'Built, not yet told',
        detail: `${EVENT_LABEL[due.event]} pending (version ${due.version}); sent at the next publish`,
        error: '',
        retry: '',
      };
    const row = this.latest.get(k);
    const told = this.told.get(k);
    const retry = row?.status === 'pending' ? whenIso(row.next_attempt, timeZone) : '';
    switch (row?.status) {
      case 'sending':
        return { key: 'pending', label: 'Sending', detail: `version ${row.version ?? '?'}`, error: '', retry: '' };
      case 'pending':
        return row.attempts
          ? { key: 'pending', label: 'Retrying', detail: `${row.attempts} attempt${row.attempts === 1 ? '' : 's'} so far`, error: row.last_error ?? '', retry }
          : { key: 'pending', label: 'Queued', detail: `version ${row.version ?? '?'}`, error: '', retry };
      case 'waiting':
        return { key: 'waiting', label: 'Waiting for configuration', detail: 'goes out once configured', error: row.last_error ?? '', retry: '' };
      case 'failed':
        return {
          key: 'failed',
          label: 'Failed',
          detail: `after ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}`,
          error: row.last_error ?? '',
          retry: '',
        };
    }
    if (!told) return { key: 'none', label: 'Not told', detail: '', error: '', retry: '' };
    return told.state === 'live'
      ? { key: 'live', label: 'Told: live', detail: `version ${told.version}, ${whenIso(told.at, timeZone)}`, error: '', retry: '' }
      : { key: 'closed', label: 'Told: withdrawn', detail: `version ${told.version}, ${whenIso(told.at, timeZone)}`, error: '', retry: '' };
  }
}

export type OutboxView = {
  created: string;
  notifier: string;
  target: string;
  status: string;
  attempts: number;
  nextAttempt: string;
  doneAt: string;
  error: string;
  response: string;
};

export const outboxView = (r: OutboxRow, timeZone: string): OutboxView => ({
  created: whenIso(r.created, timeZone),
  notifier: r.notifier,
  target: r.receiver,
  status: r.status,
  attempts: r.attempts,
  nextAttempt: r.status === 'pending' ? whenIso(r.next_attempt, timeZone) : '',
  doneAt: whenIso(r.done_at, timeZone),
  error: r.last_error ?? '',
  response: r.response ?? '',
});

export type ToldView = { receiver: string; status: string; version: number; at: string };

export const toldView = (t: ToldRow, timeZone: string): ToldView => ({
  receiver: t.receiver,
  status: t.state,
  version: t.version,
  at: whenIso(t.at, timeZone),
});
