/**
 * The notifier contract (docs/publication.md): a notifier is a plugin (listed in notifiers/index.ts)
 * that brings its config section, observes subjects for its receivers, makes messages of their
 * transitions (pure), delivers one queued item at a time (I/O) and describes an item in one line.
 * The core never names one: it reads these objects.
 */
import { registerCodes } from '../errors';
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SiteLinks } from '../adapter';
import type { Ledger, OutboxRow } from '../ledger/ledger';
import type { SiteConfig } from '../model/config';
import type { HttpPolicy, Sleep } from './http';
import type { Message, Observation, Subject, Transition } from './protocol';

/** What planning is given, the same for every notifier of a run. */
export interface SharedPlanContext {
  site: SiteConfig;
  now: Date;
  url: (path: string) => string;
  /** A role's job page, absolute (where the page channel puts it, whether or not it is live). */
  pageUrl: (id: string) => string;
  /** What the channels link to, for the channels' own plans (their RenderContext). */
  links: SiteLinks;
  /** The ledger's key space: part of every idempotency key (see Ledger.keySpace). */
  keySpace: string;
}

export interface PlanContext<C = unknown> extends SharedPlanContext {
  /** This notifier's own section, `notify.<key>`, parsed with its schema (defaults applied). */
  config: C;
}

/** What delivering is given, the same for every notifier of a run. */
export interface SharedDeliverContext {
  site: SiteConfig;
  now: Date;
  http: AxiosInstance;
  /** `notify.http`, the HTTP behaviour every notifier shares. */
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

export interface DeliverContext<C = unknown> extends SharedDeliverContext {
  config: C;
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
export interface ReadinessContext<C = unknown> {
  config: C;
  env: NodeJS.ProcessEnv;
}

/** How one receiver's queue runs within a publish. */
export interface QueuePolicy {
  /** Requests in flight at once for one receiver. */
  concurrency: number;
}

/** A notifier's section of the config, `notify.<key>`. */
export interface NotifierSection<C> {
  readonly key: string;
  /**
   * Validated with the rest of the config (file:line:col, custom issues carry their code). An absent
   * section must parse: give it a default (`.prefault({})`, `.default([])`) or make it optional.
   * A secret is named with `envVarName` (src/model/config.ts), which is how redaction finds it.
   */
  readonly schema: z.ZodType<C>;
  /** The section as the complete example of docs/config.md writes it: YAML lines indented under `notify:`. */
  readonly example: string;
}

/** A file served at the site's root on the notifier's behalf (IndexNow's key file). */
export interface RootFile {
  /** Without leading slash: `<key>.txt`. */
  path: string;
  contentType: string;
  body: string;
}

// The registry holds notifiers of every config type; each checks its own at its definition (defineNotifier).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Notifier<C = any> {
  /** The transport's name: the outbox's `notifier` column. */
  readonly name: string;
  /** Its config section; a notifier without one (a transport for channel messages) has none. */
  readonly section?: NotifierSection<C>;
  /** Every code its config checks can raise (each one is explained in docs/errors.md). */
  readonly codes?: Readonly<Record<string, string>>;
  enabled(config: C): boolean;
  /** Whether a receiver id is one of this notifier's (so a close reaches it after it left the config). */
  owns(receiver: string): boolean;
  /** This notifier's receivers that `subject` is live for now, with what each would know. */
  observe?(subject: Subject, ctx: PlanContext<C>): Observation[];
  /** Messages for transitions of this notifier's receivers. */
  plan?(transitions: readonly Transition[], ctx: PlanContext<C>): Message[];
  deliver(item: OutboxRow, ctx: DeliverContext<C>): Promise<DeliveryOutcome>;
  /**
   * The configuration this item would wait for (a secret, a key file), checked without sending:
   * what `deliver` answers with `{ waiting }`, so `--dry-run` can say so before anything is sent.
   */
  missing?(payload: unknown, ctx: ReadinessContext<C>): string | undefined;
  /** One line for `--dry-run` and the admin: who gets what (the payload as it was queued). */
  describe(payload: unknown): string;
  /** WebSub hubs that feeds name (`<atom:link rel="hub">`), when this notifier pings hubs. */
  feedHubs?(config: C): string[];
  /** Files the server answers at the site's root for this notifier. */
  rootFiles?(config: C): RootFile[];
  readonly queue?: Partial<QueuePolicy>;
}

/** Identity helper that keeps a notifier's config type checked at its definition. */
/** A notifier, with its codes registered in the one registry (src/errors.ts) under its name. */
export function defineNotifier<C>(notifier: Notifier<C>): Notifier<C> {
  if (notifier.codes) registerCodes(notifier.name, notifier.codes);
  return notifier;
}
