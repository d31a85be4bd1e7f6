/**
 * The previous build's files, and which of them a build may carry over: those whose render key
 * (fingerprint.ts) is the one it would make them with, so nothing they depend on changed — a
 * posting's own files by their posting's key, a channel's shared files (feeds) by the key of all,
 * and one of several shared files (a feed's page) also by the key of its own postings (`part`).
 */
import path from 'node:path';
import type { Manifest, ManifestEntry } from './output-store';

/** A posting's files in the previous generation: where they are, and what its manifest said of them. */
interface UnchangedFiles {
  fromSite: string;
  files: readonly [string, ManifestEntry][];
}

type Files = [string, ManifestEntry][];

export class PreviousPostingFiles {
  /** By channel, then posting: nested rather than one `channel\0posting` key, 49,000 strings fewer at 10k roles. */
  private readonly byPosting = new Map<string, Map<string, [string, ManifestEntry][]>>();
  private readonly shared = new Map<string, [string, ManifestEntry][]>();
  /** The previous generation's public files, when a build may reuse them. */
  readonly site: string | undefined;
  private readonly artifacts: Readonly<Record<string, ManifestEntry>>;
  /** How many files the previous build made with a key: a build that carries all of them over carries the whole output. */
  readonly keyedFiles: number = 0;

  /** `previous`: the output this build replaces; omitted when there is none or reuse is off. */
  constructor(previous?: { generation: string; manifest: Manifest }) {
    this.site = previous ? path.join(previous.generation, 'site') : undefined;
    this.artifacts = previous?.manifest.artifacts ?? {};
    for (const p in this.artifacts) {
      const e = this.artifacts[p]!;
      if (!e.key) continue;
      this.keyedFiles++;
      const files = e.posting ? at(this.byPosting, e.channel, () => new Map<string, Files>()) : undefined;
      const list: Files = files ? at(files, e.posting!, (): Files => []) : at(this.shared, e.channel, (): Files => []);
      list.push([p, e]);
    }
  }

  /** A posting's files on a channel, when the previous build made every one of them with `key`. */
  unchanged(channel: string, posting: string, key: string): UnchangedFiles | undefined {
    return this.allMadeWith(this.byPosting.get(channel)?.get(posting), key);
  }

  /** A channel's shared files, when the previous build made every one of them with `key`. */
  sharedUnchanged(channel: string, key: string): UnchangedFiles | undefined {
    return this.allMadeWith(this.shared.get(channel), key);
  }

  /** What the previous build recorded of the file at `p` (a shared file's `part` key), and where it is. */
  previous(p: string): { fromSite: string; entry: ManifestEntry } | undefined {
    const entry = Object.hasOwn(this.artifacts, p) ? this.artifacts[p] : undefined;
    return entry && this.site ? { fromSite: this.site, entry } : undefined;
  }

  private allMadeWith(files: [string, ManifestEntry][] | undefined, key: string): UnchangedFiles | undefined {
    if (!files || !this.site || !files.every(([, e]) => e.key === key)) return undefined;
    return { fromSite: this.site, files };
  }
}

/** The value at `key`, made and set first when there is none. */
function at<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}
