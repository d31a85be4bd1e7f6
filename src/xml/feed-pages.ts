/**
 * A long feed as pages (RFC 5005 §3, "Paged Feeds"), the same partition for every feed format. Up to
 * FEED_PAGE_MAX listed roles a feed stays one document, as it always was. Past that its items (newest
 * first) are cut by content-defined boundaries: a page ends after an item whose id hashes to a
 * boundary, so an edit, a close or a new role moves only the cuts next to it, and the other pages keep
 * their items, their URLs and their bytes (and the build carries them over). A run of items without a
 * boundary is still cut every FEED_PAGE_MAX items, so no page grows without bound.
 */
import { createHash } from 'node:crypto';
import type { PostingEntry } from '../adapter';

/** The most items one feed document carries; a feed with more is paged. */
export const FEED_PAGE_MAX = 1000;

/** One id in this many ends a page: pages of about this many items. */
export const PAGE_BOUNDARY_EVERY = 500;

/** Whether a page ends after this id: the first 4 bytes of its sha256, big-endian, are a multiple of PAGE_BOUNDARY_EVERY. */
export function endsPage(id: string): boolean {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % PAGE_BOUNDARY_EVERY === 0;
}

/** Where a feed's pages live: the subscription document, and a later page named by its first item's id. */
export interface FeedPagePaths {
  first: string;
  page(firstId: string): string;
}

/** RFC 5005 §3's links of one page of a paged feed, as output paths. */
export interface FeedPageLinks {
  first: string;
  last: string;
  /** The newer page (absent on the subscription document). */
  previous?: string;
  /** The older page (absent on the last). */
  next?: string;
}

export interface FeedPage {
  /** Its output path. */
  path: string;
  /** Its items, newest first. */
  entries: readonly PostingEntry[];
  /** Its links to the other pages; absent when the feed is one document. */
  links?: FeedPageLinks;
}

/** The items, newest first (listedEntries), cut into pages; one page, at `paths.first`, up to FEED_PAGE_MAX. */
export function feedPages(listed: readonly PostingEntry[], paths: FeedPagePaths): FeedPage[] {
  if (listed.length <= FEED_PAGE_MAX) return [{ path: paths.first, entries: listed }];
  const cuts = partition(listed);
  const at = cuts.map((items, i) => (i === 0 ? paths.first : paths.page(items[0]!.id)));
  return cuts.map((entries, i) => ({
    path: at[i]!,
    entries,
    links: { first: at[0]!, last: at[at.length - 1]!, ...(i > 0 ? { previous: at[i - 1]! } : {}), ...(i < at.length - 1 ? { next: at[i + 1]! } : {}) },
  }));
}

/** The content-defined cut: after a boundary id, or when a page is full. */
function partition(listed: readonly PostingEntry[]): PostingEntry[][] {
  const pages: PostingEntry[][] = [];
  let page: PostingEntry[] = [];
  for (const e of listed) {
    page.push(e);
    if (endsPage(e.id) || page.length === FEED_PAGE_MAX) {
      pages.push(page);
      page = [];
    }
  }
  if (page.length) pages.push(page);
  return pages;
}
