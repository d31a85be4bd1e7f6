/**
 * The notifier contract (docs/publication.md): a notifier observes subjects for its receivers, makes
 * messages of their transitions (pure), and delivers one queued item at a time (I/O).
 */
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { Ledger, OutboxRow } from '../ledger/ledger';
import type { NotifyConfig, SiteConfig } from '../model/config';
import type { HttpPolicy, Sleep } from './http';
import type { Message, Observation, Subject, Transition } from './protocol';

export interface PlanContext {
  site: SiteConfig;
  notify: NotifyConfig;
  now: Date;
  url: (path: string) => string;
  /** The ledger's key space: part of every idempotency key (see Ledger.keySpace). */
  keySpace: string;
}

export interface DeliverContext {
  site: SiteConfig;
  notify: NotifyConfig;
  now: Date;
  http: AxiosInstance;
  policy: HttpPolicy;
  sleep: Sleep;
  env: NodeJS.ProcessEnv;
  ledger: Ledger;
  log: Logger;
  /** Per-run memo (e.g. an OAuth token), cleared between runs. */
  memo: Map<string, unknown>;
  /** Secrets obtained while delivering (an OAuth access token): redacted from everything stored or logged. */
  learned: Set<string>;
}

export type DeliveryOutcome =
  | { ok: true; response: string }
  /** `ambiguous`: the request may have reached the receiver (a timeout, a reset after sending). */
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number; ambiguous?: boolean }
  /** Not attempted now (quota); stays pending until `deferred`, no attempt counted. */
  | { deferred: Date; reason: string }
  /** Not attempted: the transport lacks its configuration (a secret, a key file); checked every run. */
  | { waiting: string };

/** What `missing` may look at: the configuration and the environment, nothing remote. */
export interface ReadinessContext {
  notify: NotifyConfig;
  env: NodeJS.ProcessEnv;
}

/** How one receiver's queue runs within a publish. */
export interface QueuePolicy {
  /** Requests in flight at once for one receiver. */
  concurrency: number;
}

export interface Notifier {
  /** The transport's name: the outbox's `notifier` column. */
  readonly name: string;
  enabled(ctx: PlanContext): boolean;
  /** Whether a receiver id is one of this notifier's (so a close reaches it after it left the config). */
  owns(receiver: string): boolean;
  /** This notifier's receivers that `subject` is live for now, with what each would know. */
  observe?(subject: Subject, ctx: PlanContext): Observation[];
  /** Messages for transitions of this notifier's receivers. */
  plan?(transitions: readonly Transition[], ctx: PlanContext): Message[];
  deliver(item: OutboxRow, ctx: DeliverContext): Promise<DeliveryOutcome>;
  /**
   * The configuration this item would wait for (a secret, a key file), checked without sending:
   * what `deliver` answers with `{ waiting }`, so `--dry-run` can say so before anything is sent.
   */
  missing?(payload: unknown, ctx: ReadinessContext): string | undefined;
  readonly queue?: Partial<QueuePolicy>;
}
