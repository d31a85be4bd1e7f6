/** "Did you mean …?" for keys and enum values. */

const squash = (s: string): string => s.toLowerCase().replace(/[\s_\-.]/g, '');

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate the user most likely meant, or undefined when nothing is close. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const s = squash(input);
  if (!s) return undefined;
  const exact = candidates.find((c) => squash(c) === s);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(s, squash(c));
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  const allowed = Math.max(1, Math.floor(Math.min(s.length, best ? squash(best).length : 0) / 3));
  if (best && bestDistance <= allowed) return best;
  const prefix = candidates.find((c) => squash(c).startsWith(s) || s.startsWith(squash(c)));
  return prefix && Math.min(s.length, squash(prefix).length) >= 4 ? prefix : undefined;
}
