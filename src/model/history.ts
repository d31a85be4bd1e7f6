/** When each posting's content last changed, carried from build to build (and kept by the ledger). */
export interface PostingHistory {
  [id: string]: { hash: string; since: string; languages?: PostingLanguages };
}

/** A role in several languages: per language, the hash of that language's version and when it took that form. */
export interface PostingLanguages {
  [lang: string]: { hash: string; since: string };
}
