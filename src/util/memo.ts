import { LRUCache } from 'lru-cache';

/** Any value but null and undefined: what lru-cache keeps as keys and values. */
type Defined = NonNullable<unknown>;

/**
 * Memoize a one-argument function, keeping the results for the `max` most recently used arguments.
 * For values derived per posting that several channels ask for in a row (rules run channel after
 * channel on one posting), and for formatters per locale or zone: the recent ones are reused, and
 * memory stays bounded however many postings a build has.
 */
export function memoize<A extends Defined, R extends Defined>(fn: (arg: A) => R, max = 10_000): (arg: A) => R {
  const cache = new LRUCache<A, R>({ max, memoMethod: (arg) => fn(arg) });
  return (arg) => cache.memo(arg);
}
