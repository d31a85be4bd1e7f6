/**
 * The vocabulary of the publication protocol (docs/publication.md): subjects, receivers'
 * observations, transitions, and the messages notifiers make of them.
 */
import type { PostingEntry } from '../adapter';
import type { SubjectKind, ToldRow } from '../ledger/ledger';
import type { Posting } from '../model/posting';

/** What one receiver would know of a subject if told now (the subject is live for it). */
export interface Observation {
  receiver: string;
  /** Equal fingerprints: nothing this receiver cares about changed. */
  fingerprint: string;
  /** What the receiver is told beyond the fingerprint (e.g. the page URLs), JSON-serialisable. */
  detail?: unknown;
}

export interface PublicFile {
  path: string;
  url: string;
  sha256: string;
}

/** A posting or a feed as it is in this run's output. */
export interface Subject {
  /** Posting id, or `feed:<path>`. */
  id: string;
  kind: SubjectKind;
  /** open, closed, expired, draft, scheduled; `removed` when it is no longer in the sources; `feed`. */
  lifecycle: string;
  hash: string;
  since: string;
  /** A role in several languages: each language's hash and since, as the ledger keeps them (JSON). */
  languages?: string;
  /** The posting as built (absent once removed). */
  entry?: PostingEntry;
  /** Content to keep as the posting's last good version. */
  content?: Posting;
  /** A posting's job pages answering 200. */
  pages: PublicFile[];
  /** A feed subject's file. */
  feed?: PublicFile;
  observations: Observation[];
}

export type TellEvent = 'publish' | 'update' | 'close';

export interface Transition {
  receiver: string;
  subject: Subject;
  event: TellEvent;
  version: number;
  /** The observation (absent for a close). */
  observed?: Observation;
  /** What the receiver was told before (absent for a first publish). */
  told?: ToldRow;
}

/** A notification a notifier or channel makes of one or more transitions of one receiver. */
export interface Message {
  receiver: string;
  /** The notifier that delivers it. */
  transport: string;
  /** The subject and version it tells (absent for a batch over several subjects). */
  subject?: string;
  version?: number;
  event?: TellEvent;
  /** Distinguishes several messages of one transition (one per URL). */
  part?: string;
  /** For a batch: its own key (a digest of the subjects and versions it carries). */
  key?: string;
  /** JSON-serialisable, fixed at planning; its notifier's `describe` makes the one line people see. */
  payload: unknown;
  cancelIfGone?: boolean;
}

/** The idempotency key of a message: (receiver, subject, version) in a ledger's key space, or the batch's own. */
export function messageKey(m: Message, keySpace: string): string {
  if (m.key) return `${m.key}@${keySpace}`;
  return `${m.receiver}|${m.subject ?? ''}|v${m.version ?? 0}${m.part ? `|${m.part}` : ''}@${keySpace}`;
}

/** Parse a detail stored in a told row. */
export function toldDetail<T>(told: ToldRow | undefined): T | undefined {
  return told?.detail ? (JSON.parse(told.detail) as T) : undefined;
}
