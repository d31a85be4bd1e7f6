/**
 * The adapter contract. A channel is a named object whose `render` is pure: live postings and the
 * config in, artifacts (URL path, content type, bytes) and diagnostics out. Reading and writing files,
 * HTTP and SMTP all live in the build, publish and serve layers. The core never names a channel.
 */
import { registerCodes } from './errors';
import type { z } from 'zod';
import type { DiagnosticInput, Place } from './diagnostics';
import type { LifecycleState, LiveWindow } from './model/lifecycle';
import type { PostingLanguages } from './model/history';
import type { Posting } from './model/posting';
import type { SiteConfig } from './model/config';

/** A validated posting with what the core knows about it. */
export interface PostingEntry {
  id: string;
  /** Source file as shown to the user. */
  file: string;
  posting: Posting;
  /** When it is public; `state` is where that puts it now (with its status). */
  lifecycle: LiveWindow;
  state: LifecycleState;
  /** Hash of the posting's content and state; equal hashes mean nothing a channel shows changed. */
  hash: string;
  /** When the posting's content (or state) last took its current form: sitemap lastmod, feed dates. */
  changedAt: Date;
  /** A role in several languages: each language's version hash and since (its feeds' dates). */
  languages?: PostingLanguages;
  /** Position of a field path (`salary.max`) in the source file. */
  locate(field: string): Place;
  /** The source file is invalid now: this is the role's last good version, kept live (docs/publication.md). */
  kept?: true;
}

/**
 * Bytes of one output file. Large feeds are an iterable of chunks so they are never one string.
 * An async iterable is for bytes only an async library can produce (nodemailer's MIME composer, see
 * src/mail/compose.ts): `render` still returns it synchronously, and it runs when the build writes it.
 */
export type ArtifactBody = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** One posting's part of a fragmented body: its bytes depend on that posting, the config and the code only. */
export interface BodyFragment {
  readonly posting: string;
  render(): string;
}

/**
 * A body that is a head, one fragment per posting, and a tail (a board feed's `<job>`s). The build
 * copies the fragment of a posting whose render key is unchanged from the file it wrote last time
 * instead of rendering it again, so an edit to one role among 100,000 renders one fragment.
 * Iterating it gives every byte, as for any body.
 */
export interface FragmentedBody extends Iterable<string> {
  readonly fragments: {
    readonly head: () => string;
    readonly items: Iterable<BodyFragment>;
    readonly tail: () => string;
  };
}

/** A body the build may assemble from the previous build's fragments (FragmentedBody). */
export const isFragmented = (body: ArtifactBody): body is FragmentedBody => typeof body === 'object' && 'fragments' in body;

export interface Artifact {
  /** URL path without leading slash, also the file path under the output folder: `jobs/x/index.html`. */
  path: string;
  /** Full Content-Type, charset included: `text/html; charset=utf-8`. */
  contentType: string;
  body: ArtifactBody;
  /** HTTP status the server answers with (410 for a closed role's page). */
  status?: 200 | 410;
  /** The posting this file belongs to, when it belongs to one. */
  posting?: string;
  /**
   * For one of several files a channel makes of its postings (a feed's pages): the postings it is made of
   * and a string of everything else it shows that can change (its links, its dates). The build carries the
   * previous build's file over, without reading `body`, when these postings' render keys and `extra` are
   * the same; without it a shared file is reused only when all of the channel's postings are unchanged.
   */
  madeOf?: { postings: readonly string[]; extra: string };
}

export interface RenderResult {
  artifacts: Artifact[];
  diagnostics?: DiagnosticInput[];
}

export interface RenderContext<O = unknown> {
  /** The whole site config. */
  site: SiteConfig;
  /** This adapter's own section, `channels.<name>`, parsed with its schema (defaults applied). */
  options: O;
  /** The instant the build is for. */
  now: Date;
  /** Name of the adapter being run. */
  channel: string;
  /** Absolute public URL of an output path (`jobs/x/` → `https://…/jobs/x/`). */
  url(path: string): string;
  /**
   * The link a candidate follows to apply: the posting's apply URL with this channel's source
   * parameter, or with `tracking.redirect` the site's counting redirect `/apply/<id>/<channel>`
   * (plus `/<lang>` for a translation's page) that sends them there.
   */
  applyUrl(posting: Posting, id: string): string;
  /** The job page URL with this channel's source parameter (boards that link to our page); `lang` a translation's page. */
  pageUrl(id: string, lang?: string): string;
  /** Where the job pages live (paths under the output folder), as the page channel declares them. */
  pages: PageUrls;
  /** The posting's own per-channel options for this adapter (`channels.<name>`), if any. */
  postingOptions<P = unknown>(posting: Posting): P | undefined;
  /** The WebSub hubs that announce the site's feeds (`<atom:link rel="hub">`), from the notifiers that ping them. */
  hubs: readonly string[];
}

/**
 * What one of a channel's receivers (`email:<list>`) would know of a posting now: the posting is live
 * for it. Equal fingerprints mean nothing this receiver is told about changed (docs/publication.md).
 */
export interface Audience {
  receiver: string;
  fingerprint: string;
}

/** A transition of one of the channel's receivers, by the publication table. */
export interface PostingTransition {
  receiver: string;
  id: string;
  event: 'publish' | 'update' | 'close';
  /** The posting's version in the ledger: part of the message's key. */
  version: number;
  /** The ledger's key space, the other part (a rebuilt ledger never repeats a key). */
  keySpace: string;
  /** Lifecycle state now (`removed` once its file is gone). */
  state: string;
  /** The posting as built now (absent once removed). */
  entry?: PostingEntry;
}

/**
 * A message a channel wants delivered because of a transition (an email to a list). Planned purely by
 * the adapter; keyed (receiver, posting, version), queued, delivered, retried and recorded by the
 * publish layer through a named transport.
 */
export interface Announcement {
  receiver: string;
  posting: string;
  version: number;
  event: PostingTransition['event'];
  /** The publish layer's transport that carries it (e.g. `smtp`). */
  transport: string;
  /** Transport-specific, JSON-serialisable; fixed at planning so a retry sends the same message. */
  payload: unknown;
  /** One line for --dry-run and the admin: who gets what. */
  summary: string;
  /** Withdraw it if the posting leaves before it was sent (an email about a closed role is wrong). */
  cancelIfGone?: boolean;
}

/**
 * Output paths of the site's job pages, declared by the one channel that renders them (its
 * `pages`). Other channels link to them, and may put files of a role in its page folder.
 */
export interface PageUrls {
  /** A role's page folder, with a trailing slash: `jobs/x/`; in one of its translations' languages `jobs/x/fr/`. */
  page(id: string, lang?: string): string;
  /** The listing of open roles, the site's home: `jobs/`. */
  readonly listing: string;
}

/** What every channel of a project links to: the page channel's paths and the feeds' WebSub hubs (src/project.ts siteLinks). */
export interface SiteLinks {
  pages?: PageUrls;
  hubs?: readonly string[];
}

/** A field as a board reads it; a repeated element (`skills › skill`) is one field with several values. */
export interface PreviewField {
  name: string;
  values: string[];
}

/** How a channel shows the role to people (a search result), with the fields of a panel beside it. */
export interface PreviewCard {
  /** What the card stands for, for assistive technology ("… search result"). */
  label: string;
  title: string;
  subtitle: string;
  /** The address as the channel shows it (a breadcrumb, say). */
  link: string;
  /** Text under the title; the last one is the body, the ones before are short facts. */
  lines: string[];
  panel?: { label: string; fields: PreviewField[] };
}

/** One thing the admin shows of a channel's output; exactly one kind of content. */
export type PreviewBlock = { label: string } & (
  { card: PreviewCard } | { fields: PreviewField[] } | { text: string } | { headers: { name: string; value: string }[] } | { json: string }
);

/** An artifact with its body read as text, as a preview receives it. */
export type PreviewArtifact = Omit<Artifact, 'body'> & { body: string };

// The registry holds adapters of every option type; each checks its own at its definition (defineAdapter).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Adapter<O = any, P = any> {
  /** Channel name: used in config (`channels.<name>`), `exclude` lists, diagnostics and tracking. */
  readonly name: string;
  /** One line for `jobcast --help` and the admin page. */
  readonly description: string;
  /** Lifecycle states whose postings `render` receives; default: only `open`. */
  readonly states?: readonly LifecycleState[];
  /** Schema of `channels.<name>` in the site config. */
  readonly options?: z.ZodType<O>;
  /** The job pages' paths, when this is the channel that renders them (one per registry). */
  readonly pages?: PageUrls;
  /**
   * Values of the tracking parameter a visitor's link to our pages may carry that this channel knows
   * (a search engine's own apply tagging), and the source a click counts for then.
   */
  readonly clickSources?: Readonly<Record<string, string>>;
  /** Keys this channel adds to the config's `organization` (its account id on the board), with their schemas. */
  readonly organization?: Readonly<Record<string, z.ZodType>>;
  /** Schema of `channels.<name>` in a posting file. */
  readonly postingOptions?: z.ZodType<P>;
  /**
   * YAML for the complete examples the docs show (docs/postings.md, docs/config.md): the value of
   * `channels.<name>` in a posting and in the config, and keys this channel adds to `organization`.
   */
  readonly examples?: { readonly posting?: string; readonly config?: string; readonly organization?: string };
  /** Every code this channel's rules can raise (each one is explained in docs/errors.md). */
  readonly codes?: Readonly<Record<string, string>>;
  /** The channel's rules for one posting (independent of `ctx.now`: results are cached by content); an error drops the posting from this channel only. */
  check?(entry: PostingEntry, ctx: RenderContext<O>): DiagnosticInput[];
  /**
   * Pure: the files of one posting that depend only on that posting (its content, state and
   * `changedAt`), the config and the code. The build reuses them unchanged from the previous output
   * when none of those changed, so a large site rebuilds only what an edit touched.
   */
  renderPosting?(entry: PostingEntry, ctx: RenderContext<O>): Artifact[];
  /** Pure: the channel's files that span postings (feeds, listings), for the postings that passed `check`. */
  render?(entries: readonly PostingEntry[], ctx: RenderContext<O>): RenderResult;
  /** Pure: the channel's receivers this posting (which the channel carries) is live for now. */
  audience?(entry: PostingEntry, ctx: RenderContext<O>): Audience[];
  /** Whether a receiver id is one of this channel's (so it hears of a close after it left the config). */
  ownsReceiver?(receiver: string): boolean;
  /** Pure: messages for transitions of this channel's receivers. */
  announce?(transitions: readonly PostingTransition[], ctx: RenderContext<O>): Announcement[];
  /**
   * Pure: what the admin shows of this posting on this channel, read from the channel's files for
   * that posting alone (rendered as if it were open). Without it the admin reads the files by their
   * format: each XML record's fields, each JSON Feed item, the posting's own JSON or text.
   */
  preview?(entry: PostingEntry, ctx: RenderContext<O>, artifacts: readonly PreviewArtifact[]): PreviewBlock[];
}

/** A channel, with its codes registered in the one registry (src/errors.ts) under its name. */
export function defineAdapter<O, P = never>(adapter: Adapter<O, P>): Adapter<O, P> {
  if (adapter.codes) registerCodes(adapter.name, adapter.codes);
  return adapter;
}

/** Everything a channel renders for these entries: each posting's own files, then its shared files. */
export function renderAll<O>(adapter: Adapter<O>, entries: readonly PostingEntry[], ctx: RenderContext<O>): RenderResult {
  const own = adapter.renderPosting ? entries.flatMap((e) => adapter.renderPosting!(e, ctx)) : [];
  const shared = adapter.render?.(entries, ctx) ?? { artifacts: [] };
  return { artifacts: [...own, ...shared.artifacts], ...(shared.diagnostics ? { diagnostics: shared.diagnostics } : {}) };
}
