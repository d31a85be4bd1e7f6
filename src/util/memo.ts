/** Memoize a one-argument function (bounded: the cache is dropped when it grows past `max`). */
export function memoize<A, R>(fn: (arg: A) => R, max = 10_000): (arg: A) => R {
  const cache = new Map<A, R>();
  return (arg: A) => {
    let hit = cache.get(arg);
    if (hit === undefined && !cache.has(arg)) {
      if (cache.size >= max) cache.clear();
      hit = fn(arg);
      cache.set(arg, hit);
    }
    return hit as R;
  };
}
