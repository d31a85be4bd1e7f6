/** When each posting's content last changed, carried from build to build (and kept by the ledger). */
export interface PostingHistory {
  [id: string]: { hash: string; since: string };
}
