/** When each posting's content last changed, carried from build to build (and kept by the ledger). */
export interface PostingHistory {
  [id: string]: { hash: string; since: string; languages?: PostingLanguages };
}

/**
 * A role in several languages: per language, the hash of that language's version and when it took
 * that form; `own` marks the language the file is written in. Read by feeds and the sitemap without
 * reading the posting.
 */
export interface PostingLanguages {
  [lang: string]: { hash: string; since: string; own?: true };
}

/** The languages a role is published in, from its history: the file's own first, then the rest in tag order. */
export function historyLanguages(languages: PostingLanguages | undefined): { own: string | undefined; all: string[] } {
  const all = Object.keys(languages ?? {}).sort();
  const own = all.find((l) => languages![l]!.own);
  return { own, all: own ? [own, ...all.filter((l) => l !== own)] : all };
}
