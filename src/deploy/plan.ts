/**
 * What a deploy does, decided from what the output holds and what the bucket holds (pure): upload
 * what is missing or different, in an order that never lets a reader of the bucket follow a link to
 * something missing — a role's own files first, then the files that list roles (feeds, listing,
 * sitemap), then the removal of what the output no longer has. A deploy that stopped half-way is
 * planned again from the bucket as it was left, so it resumes where it stopped.
 */

/** One output file as a deploy sees it. */
export interface LocalObject {
  /** The path under the output folder, which is also the URL path (the key, after the prefix). */
  path: string;
  /** Hex MD5 of the bytes: what S3 gives as the ETag of an object put in one request. */
  md5: string;
  size: number;
  contentType: string;
  cacheControl: string;
  /** It lists or links to roles (no posting of its own): uploaded after the files it links to. */
  shared: boolean;
}

/** One object already in the bucket (under the prefix). */
export interface RemoteObject {
  key: string;
  /** As S3 lists it: the MD5 in quotes for a one-request upload; anything else never matches. */
  etag: string;
  size: number;
}

export interface DeployPlan {
  /** Missing or different files of one role each: uploaded first. */
  own: LocalObject[];
  /** Missing or different files that list roles: uploaded once every `own` upload is done. */
  shared: LocalObject[];
  /** Keys in the bucket the output does not have, removed last. */
  removals: string[];
  /** Already as they should be. */
  unchanged: number;
}

export function planDeploy(local: readonly LocalObject[], remote: readonly RemoteObject[], prefix: string): DeployPlan {
  const there = new Map(remote.map((r) => [r.key, r]));
  const wanted = new Set<string>();
  const own: LocalObject[] = [];
  const shared: LocalObject[] = [];
  let unchanged = 0;
  for (const l of [...local].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const key = prefix + l.path;
    wanted.add(key);
    const r = there.get(key);
    if (r && r.size === l.size && r.etag.replace(/"/g, '') === l.md5) unchanged++;
    else (l.shared ? shared : own).push(l);
  }
  const removals = remote
    .map((r) => r.key)
    .filter((k) => !wanted.has(k))
    .sort();
  return { own, shared, removals, unchanged };
}
