/**
 * The title rules the boards share (docs/channels.md, "What every feed and page guarantees"): a
 * job title only — no salary, place, job type, calls to action or codes — which Indeed, ZipRecruiter
 * and Adzuna reject or rank down, and LinkedIn never lets change after posting. Each board words the
 * diagnostic and picks its severity; the detection and the suggested clean title are one.
 */
import type { DiagnosticInput } from '../../src/diagnostics';
import { countryName } from '../../src/model/iso-codes';
import type { Posting } from '../../src/model/posting';
import { containsWord } from '../../src/util/words';
import { cleanXmlText, feedText } from '../../src/xml/escape';

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

function titleDecoration(p: Posting): TitleDecoration | undefined {
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
