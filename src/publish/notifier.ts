/** The notifier contract: plan (pure, from a ChangeSet) and deliver (one queued item, with I/O). */
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { NewOutboxItem, OutboxRow, Ledger } from '../ledger/ledger';
import type { NotifyConfig, SiteConfig } from '../model/config';
import type { ChangeSet } from './changes';
import type { HttpPolicy, Sleep } from './http';

export interface PlanContext {
  site: SiteConfig;
  notify: NotifyConfig;
  now: Date;
  url(path: string): string;
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
}

export type DeliveryOutcome =
  | { ok: true; response: string }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number }
  /** Not attempted now (quota); stays pending until `until`, no attempt counted. */
  | { deferred: Date; reason: string };

export interface Notifier {
  readonly name: string;
  enabled(ctx: PlanContext): boolean;
  plan(changes: ChangeSet, ctx: PlanContext): NewOutboxItem[];
  deliver(item: OutboxRow, ctx: DeliverContext): Promise<DeliveryOutcome>;
}
