/**
 * What every feed shares beyond XML syntax: which entries are listed, a deterministic build date,
 * and the text rules several boards apply (visible description length, decorated titles).
 */
import { Parser } from 'htmlparser2';
import { descriptionHtml } from '../compose/description';
import { memoize } from '../util/memo';
import type { DiagnosticInput } from '../diagnostics';
import { containsWord } from '../util/words';
import type { PostingEntry } from '../adapter';
import type { LifecycleState } from '../model/lifecycle';
import { countryName } from '../model/iso-codes';
import type { Posting } from '../model/posting';
import { cleanXmlText, feedText } from './escape';

/**
 * States a feed adapter asks the core for. Only `open` entries are listed, but closed and expired
 * ones still say when the feed last changed: a role leaving the feed is a change too.
 */
export const FEED_STATES: readonly LifecycleState[] = ['open', 'closed', 'expired'];

/** Open entries, newest first (then by id), so the order never depends on file-system listing. */
export function listedEntries(entries: readonly PostingEntry[]): PostingEntry[] {
  return entries
    .filter((e) => e.state === 'open')
    .sort((a, b) => b.lifecycle.liveFrom.getTime() - a.lifecycle.liveFrom.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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

/** Length in characters as a person counts them (code points, so an emoji is one). */
export const charLength = (s: string): number => [...s].length;

/** Parts of a title after a separator or inside brackets: where boards see decoration appended. */
function appendedParts(title: string): string[] {
  const bracketed = [...title.matchAll(/[([{]([^)\]}]*)[)\]}]/g)].map((m) => m[1]!);
  const separated = title
    .replace(/[([{][^)\]}]*[)\]}]/g, ' ')
    .split(/\s+[-–—|/:]\s+|,\s+|\s+[–—|]\s*/)
    .slice(1);
  return [...bracketed, ...separated].map((s) => s.trim()).filter(Boolean);
}

/** Short codes ("IT", "NY") match case-sensitively; longer names in any case. Letters bound a match. */
const mentions = (haystack: string, needle: string): boolean => containsWord(haystack, needle, { caseSensitive: needle.length <= 3, boundary: 'letters' });

export interface TitleDecoration {
  reason: string;
  /** The title with the decoration cut off, when that is simply the part before it. */
  suggestion?: string;
}

const CALL_TO_ACTION = /!|\b(?:(?:urgent(?:ly)?|immediate(?:ly)?)(?: hiring| start)?|asap|hiring now|now hiring|apply (?:now|today)|sign[- ]on bonus)\b/i;
const JOB_TYPE = /\b(?:full|part)[- ]?time\b/i;

/**
 * The title with its decoration cut off: the part before a separator, without markup (titles are
 * plain text), calls to action or the job type. None when that leaves nothing, or is still decorated.
 */
function suggestedTitle(p: Posting, title: string): string | undefined {
  const head = title
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(new RegExp(CALL_TO_ACTION.source, 'gi'), ' ')
    .replace(new RegExp(JOB_TYPE.source, 'gi'), ' ')
    .split(/\s+[-–—|/:]\s+|:\s+|,\s+|\s*[([{]|\s+[–—|]\s*/)
    .map((part) => part.replace(/^[\s:;,.\-–—|/*)\]}]+|[\s:;,.\-–—|/*]+$/g, '').replace(/\s+/g, ' '))
    .find(Boolean);
  if (!head || head === title) return undefined;
  return decorationOf({ ...p, title: head }, head) ? undefined : head;
}

export function titleDecoration(p: Posting): TitleDecoration | undefined {
  const title = cleanXmlText(p.title);
  const found = decorationOf(p, title);
  if (!found) return undefined;
  const suggestion = suggestedTitle(p, title);
  return suggestion ? { reason: found, suggestion } : { reason: found };
}

/**
 * Why a title carries more than the job title (salary, location, job type, calls to action, codes),
 * which Indeed, ZipRecruiter and Adzuna reject or rank down (docs/channels.md, "What every feed and page guarantees").
 * Deliberately narrow: words like "Remote" only count when appended ("Engineer (Remote)"), never
 * inside a real title ("Remote Sensing Scientist").
 * Returns the first reason found.
 */
function decorationOf(p: Posting, title: string): string | undefined {
  const parts = appendedParts(title);
  if (/[$€£¥₹]\s?\d|\d\s?[kK]\b|\b\d{1,3}(?:[,.]\d{3})+\b|\bper (?:hour|day|week|month|year|annum)\b|\/(?:hr|hour|yr|year)\b/i.test(title)) {
    return 'it contains a salary';
  }
  if (CALL_TO_ACTION.test(title)) {
    return 'it contains a call to action ("urgent", "apply now", "!")';
  }
  if (JOB_TYPE.test(title)) return 'it names the job type (full-time/part-time)';
  if (p.reference && mentions(title, p.reference)) return `it contains the reference ${p.reference}`;
  for (const part of parts) {
    if (/\b(?:remote|hybrid|on[- ]?site|wfh|work from home|in[- ]office|contract|temporary|temp|internship|freelance)\b/i.test(part)) {
      return `it names the workplace or contract ("${part}")`;
    }
    if (/#\s?\d|\b(?:req|ref|job)\s*(?:id|no\.?|#)?\s*[:#]?\s*[A-Z]*-?\d{2,}/i.test(part)) {
      return `it contains a requisition code ("${part}")`;
    }
    const places = [
      ...(p.locations ?? []).flatMap((l) => [l.locality, l.region, l.country, countryName(l.country)]),
      ...(p.applicantLocations ?? []).flatMap((c) => [c, countryName(c)]),
    ].filter((x): x is string => !!x && x.length >= 2);
    const place = places.find((pl) => mentions(part, pl));
    if (place) return `it names a location ("${place}")`;
  }
  return undefined;
}

export interface TitleRuleCodes {
  empty: string;
  decorated: string;
}

/**
 * The title rules every board shares: empty once cleaned (error), decorated with salary, place, type
 * or codes (severity and wording per board, since boards differ in how hard they reject it).
 */
export function titleDiagnostics(
  p: Posting,
  codes: TitleRuleCodes,
  severity: 'error' | 'warning',
  decorated: (d: TitleDecoration) => { message: string; fix: string },
): DiagnosticInput[] {
  if (!feedText(p.title).trim()) {
    return [
      {
        code: codes.empty,
        severity: 'error',
        field: 'title',
        message: 'the title is empty once control characters are removed',
        fix: 'retype the title as plain text',
      },
    ];
  }
  const deco = titleDecoration(p);
  return deco ? [{ code: codes.decorated, severity, field: 'title', ...decorated(deco) }] : [];
}
