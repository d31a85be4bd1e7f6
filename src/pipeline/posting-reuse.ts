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

export class PreviousPostingFiles {
  private readonly byPosting = new Map<string, [string, ManifestEntry][]>();
  private readonly shared = new Map<string, [string, ManifestEntry][]>();
  /** The previous generation's public files, when a build may reuse them. */
  readonly site: string | undefined;
  private readonly artifacts: ReadonlyMap<string, ManifestEntry>;

  /** `previous`: the output this build replaces; omitted when there is none or reuse is off. */
  constructor(previous?: { generation: string; manifest: Manifest }) {
    this.site = previous ? path.join(previous.generation, 'site') : undefined;
    this.artifacts = new Map(Object.entries(previous?.manifest.artifacts ?? {}));
    for (const [p, e] of Object.entries(previous?.manifest.artifacts ?? {})) {
      if (!e.key) continue;
      const [map, k] = e.posting ? [this.byPosting, `${e.channel}\0${e.posting}`] : [this.shared, e.channel];
      const list = map.get(k);
      if (list) list.push([p, e]);
      else map.set(k, [[p, e]]);
    }
  }

  /** A posting's files on a channel, when the previous build made every one of them with `key`. */
  unchanged(channel: string, posting: string, key: string): UnchangedFiles | undefined {
    return this.allMadeWith(this.byPosting.get(`${channel}\0${posting}`), key);
  }

  /** A channel's shared files, when the previous build made every one of them with `key`. */
  sharedUnchanged(channel: string, key: string): UnchangedFiles | undefined {
    return this.allMadeWith(this.shared.get(channel), key);
  }

  /** What the previous build recorded of the file at `p` (a shared file's `part` key), and where it is. */
  previous(p: string): { fromSite: string; entry: ManifestEntry } | undefined {
    const entry = this.artifacts.get(p);
    return entry && this.site ? { fromSite: this.site, entry } : undefined;
  }

  /** How many files the previous build made with a key: a build that carries all of them over carries the whole output. */
  get keyedFiles(): number {
    let n = 0;
    for (const files of [...this.byPosting.values(), ...this.shared.values()]) n += files.length;
    return n;
  }

  private allMadeWith(files: [string, ManifestEntry][] | undefined, key: string): UnchangedFiles | undefined {
    if (!files || !this.site || !files.every(([, e]) => e.key === key)) return undefined;
    return { fromSite: this.site, files };
  }
}
