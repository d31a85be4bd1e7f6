/**
 * The output the server answers from: whatever the output link points at, re-read when it moves.
 * Reads may overlap (the link watcher, a request whose generation was pruned, a publish): the one
 * started last decides.
 */
import type { BodyCache } from '../serve/body-cache';
import { loadSnapshot, type Snapshot } from '../serve/snapshot';

// Feeds above this are precompressed before the first board asks for them.
const WARM_BYTES = 256 * 1024;

export class ServedOutput {
  private current: Snapshot | undefined;
  private reads = 0;
  private refreshing: Promise<Snapshot | undefined> | undefined;
  /** The reload started last. */
  private latest: Promise<Snapshot | undefined> | undefined;
  /** Called after every read that became the served output. */
  onChange: () => void = () => undefined;

  private constructor(
    private readonly outDir: string,
    private readonly cache: BodyCache,
  ) {}

  static async open(outDir: string, cache: BodyCache): Promise<ServedOutput> {
    const output = new ServedOutput(outDir, cache);
    output.current = await loadSnapshot(outDir);
    return output;
  }

  get snapshot(): Snapshot | undefined {
    return this.current;
  }

  /**
   * Re-read the output; resolves once what it read, or what a reload started after it read, is
   * served — so a caller that changed the output (a publish) finds it served when this resolves.
   */
  reload(): Promise<Snapshot | undefined> {
    const seq = ++this.reads;
    this.latest = this.load(seq);
    return this.latest;
  }

  private async load(seq: number): Promise<Snapshot | undefined> {
    const next = await loadSnapshot(this.outDir);
    // A reload started later read the link later: let it decide, or a slow read could put an older
    // (perhaps already pruned) generation back. Wait for it rather than return before it is served.
    if (seq !== this.reads) return this.latest;
    if (!next) return next;
    this.current = next;
    for (const [p, e] of next.files) if (e.size > WARM_BYTES && e.status === 200) this.cache.warm(next.site, p, e.sha256, ['gzip', 'br']);
    this.onChange();
    return next;
  }

  /** Requests that find their generation gone from disk share one re-read of the output. */
  refresh(): Promise<Snapshot | undefined> {
    return (this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    }));
  }
}
