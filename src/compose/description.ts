/**
 * The job description every channel shows, composed from the plain-text fields. One composition, so
 * the page, Google, Indeed, LinkedIn and Adzuna all carry the same text (Google and Indeed require it).
 */
import type { Posting } from '../model/posting';
import { payFacts, payListHeading } from './facts';
import { wordsFor } from './words';
import { memoize } from '../util/memo';
import { escapeHtmlText } from './text';

export const SECTION_KEYS = ['responsibilities', 'qualifications', 'preferredQualifications', 'benefits'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export interface Section {
  key: SectionKey;
  /** The posting's own heading, or the standard one. */
  heading: string;
  /** The posting's lead-in line, between the heading and the items. */
  intro?: string;
  items: readonly string[];
}

/**
 * Paragraphs of the summary. A blank line separates paragraphs; a YAML folded block (`>`) turns blank
 * lines into single newlines, so without any blank line each line is a paragraph.
 */
export function paragraphsOf(summary: string): string[] {
  const text = summary.replace(/\r\n?/g, '\n').trim();
  const blocks = /\n[ \t]*\n/.test(text) ? text.split(/\n[ \t]*\n+/) : text.split('\n');
  return blocks.map((b) => b.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
}

export function sectionsOf(posting: Posting): Section[] {
  return SECTION_KEYS.flatMap((key): Section[] => {
    const list = posting[key];
    if (!list) return [];
    const { heading, intro, items } = Array.isArray(list) ? { heading: undefined, intro: undefined, items: list } : list;
    if (!items.length) return [];
    return [{ key, heading: heading ?? wordsFor(posting.language).sections[key], ...(intro ? { intro } : {}), items }];
  });
}

/** The description as HTML using only p, ul, li and strong (docs/channels.md). */
export const descriptionHtml: (posting: Posting) => string = memoize((posting: Posting) => composeDescription(posting), 512);

function composeDescription(posting: Posting): string {
  const parts = paragraphsOf(posting.summary).map((p) => `<p>${escapeHtmlText(p)}</p>`);
  // Pay that differs by place has no one structured field (Google's baseSalary is one amount), so
  // every channel carries it here, where boards and Google's job panel show the text.
  const { byPlace } = payFacts(posting);
  if (byPlace.length) {
    parts.push(`<p><strong>${escapeHtmlText(payListHeading(posting))}</strong></p>`);
    parts.push(`<ul>${byPlace.map((f) => `<li>${escapeHtmlText(`${f.label}: ${f.value}`)}</li>`).join('')}</ul>`);
  }
  for (const s of sectionsOf(posting)) {
    parts.push(`<p><strong>${escapeHtmlText(s.heading)}</strong></p>`);
    if (s.intro) parts.push(`<p>${escapeHtmlText(s.intro)}</p>`);
    parts.push(`<ul>${s.items.map((i) => `<li>${escapeHtmlText(i)}</li>`).join('')}</ul>`);
  }
  return parts.join('\n');
}
