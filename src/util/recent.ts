/**
 * Remember the results for the last `size` keys. For values derived per posting that several channels
 * ask for in a row (rules run channel after channel on one posting): the recent ones are reused, and
 * memory stays bounded however many postings a build has.
 */
export function recentlyUsed<K, V>(compute: (key: K) => V, size = 512): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key)!;
    const value = compute(key);
    if (cache.size >= size) cache.delete(cache.keys().next().value as K);
    cache.set(key, value);
    return value;
  };
}
