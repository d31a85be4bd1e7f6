/**
 * The previous build's per-posting files, and which of them a build may carry over: those whose
 * render key (fingerprint.ts) is the one it would make them with, so nothing they depend on changed.
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
  private readonly site: string | undefined;

  /** `previous`: the output this build replaces; omitted when there is none or reuse is off. */
  constructor(previous?: { generation: string; manifest: Manifest }) {
    this.site = previous ? path.join(previous.generation, 'site') : undefined;
    for (const [p, e] of Object.entries(previous?.manifest.artifacts ?? {})) {
      if (!e.posting || !e.key) continue;
      const k = `${e.channel}\0${e.posting}`;
      this.byPosting.set(k, [...(this.byPosting.get(k) ?? []), [p, e]]);
    }
  }

  /** A posting's files on a channel, when the previous build made every one of them with `key`. */
  unchanged(channel: string, posting: string, key: string): UnchangedFiles | undefined {
    const files = this.byPosting.get(`${channel}\0${posting}`);
    if (!files || !this.site || !files.every(([, e]) => e.key === key)) return undefined;
    return { fromSite: this.site, files };
  }
}
