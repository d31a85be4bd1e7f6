/**
 * What every feed shares beyond XML syntax: which entries are listed, a deterministic build date,
 * and the text rules several boards apply (visible description length, decorated titles).
 */
import { Parser } from 'htmlparser2';
import { descriptionHtml } from '../compose/description';
import { memoize } from '../util/memo';
import type { PostingEntry } from '../adapter';
import type { LifecycleState } from '../model/lifecycle';
import type { Posting } from '../model/posting';
import { historyLanguages } from '../model/history';
import { withPosting } from '../model/posting-body';
import { translated } from '../model/translate';
import { cleanXmlText } from './escape';

/**
 * States a feed adapter asks the core for. Only `open` entries are listed, but closed and expired
 * ones still say when the feed last changed: a role leaving the feed is a change too.
 */
export const FEED_STATES: readonly LifecycleState[] = ['open', 'closed', 'expired'];

/**
 * The role in `lang`, dated by that language's own last change. Its posting (translated) is read
 * only when a feed renders it, so feed pages carried over unchanged never read their roles.
 */
export function inLanguage(e: PostingEntry, lang: string): PostingEntry {
  const since = e.languages?.[lang]?.since;
  // The entry's own fields as they are (descriptors: its posting getter is not called), then ours.
  const fields = Object.fromEntries(Object.keys(e).flatMap((k) => (k === 'posting' ? [] : [[k, Object.getOwnPropertyDescriptor(e, k)!]])));
  const out: Record<string, unknown> = Object.defineProperties({}, fields);
  if (since !== undefined) out.changedAt = new Date(since);
  return withPosting(out as Omit<PostingEntry, 'posting'>, {
    get posting() {
      return translated(e.posting, lang);
    },
  });
}

/** The default feeds' roles: each in its own language, dated by that language's changes (a translation's edit is not theirs). */
export const ownEditions = (entries: readonly PostingEntry[]): PostingEntry[] =>
  entries.map((e) => {
    const own = historyLanguages(e.languages).own;
    return own ? inLanguage(e, own) : e;
  });

/**
 * The per-language editions of a feed: each language a role is written or translated in (sorted),
 * with the roles available in it, each in that language. Empty when no role names a language. Read
 * from the roles' history (PostingEntry.languages), not their postings.
 */
export function languageEditions(entries: readonly PostingEntry[]): { lang: string; entries: PostingEntry[] }[] {
  const byLang = new Map<string, PostingEntry[]>();
  for (const e of entries) {
    for (const lang of historyLanguages(e.languages).all) {
      let list = byLang.get(lang);
      if (!list) byLang.set(lang, (list = []));
      list.push(inLanguage(e, lang));
    }
  }
  return [...byLang.keys()].sort().map((lang) => ({ lang, entries: byLang.get(lang)! }));
}

/** Open entries, newest first (then by id), so the order never depends on file-system listing. */
export function listedEntries(entries: readonly PostingEntry[]): PostingEntry[] {
  // Each entry's time read once, not in every comparison: six feeds sort every role on every build.
  const keyed: { at: number; e: PostingEntry }[] = [];
  for (const e of entries) if (e.state === 'open') keyed.push({ at: e.lifecycle.liveFrom.getTime(), e });
  keyed.sort((a, b) => b.at - a.at || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0));
  return keyed.map((k) => k.e);
}

/**
 * The feed's build date: the latest content change among the entries (not the wall clock), so an
 * unchanged set of postings gives byte-identical output and stable ETags, and WebSub hubs are only
 * pinged for real changes. Undefined when nothing is known.
 */
export function lastChange(entries: readonly PostingEntry[]): Date | undefined {
  let latest: number | undefined;
  for (const e of entries) if (latest === undefined || e.changedAt.getTime() > latest) latest = e.changedAt.getTime();
  return latest === undefined ? undefined : new Date(latest);
}

/** RFC 822 date as RSS and the `<source>` headers of LinkedIn and Indeed write it. */
export const rfc822 = (at: Date): string => at.toUTCString();

/** Checks only concern postings that are or may become listed; closed ones are there for dates. */
export const isChecked = (e: PostingEntry): boolean => e.state !== 'closed' && e.state !== 'expired';

/**
 * The text a reader sees in our composed description HTML, whitespace collapsed. Every tag separates
 * words (ours are p, ul, li and strong); htmlparser2 decodes the character references as a browser does.
 */
export function visibleText(html: string): string {
  const parts: string[] = [];
  const gap = () => {
    parts.push(' ');
  };
  const ontext = (t: string) => {
    parts.push(t);
  };
  new Parser({ ontext, onopentag: gap, onclosetag: gap }, { decodeEntities: true }).end(cleanXmlText(html));
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** The visible text of a posting's composed description (several boards' length rules ask in a row). */
export const descriptionText: (p: Posting) => string = memoize((p: Posting) => visibleText(descriptionHtml(p)), 512);

/**
 * Length in characters as a person counts them (code points, so an emoji is one; a lone surrogate
 * is one too). Counted over the code units: spreading a 5 KB description into an array per check
 * was most of a second of a 10k build.
 */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) continue;
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      n--;
      i++;
    }
  }
  return n;
}
