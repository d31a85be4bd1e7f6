/**
 * In-memory copies of hot files and their compressed forms, keyed by content hash so a swap never
 * serves stale bytes and unchanged files stay cached across builds. Bounded by total bytes (LRU).
 */
import { readInside } from './inside';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export type Encoding = 'identity' | 'gzip' | 'br';

export class BodyCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  private readonly inflight = new Map<string, Promise<Buffer>>();

  constructor(private readonly maxBytes = 768 * 1024 * 1024) {}

  private get(key: string): Buffer | undefined {
    const b = this.entries.get(key);
    if (b) {
      this.entries.delete(key);
      this.entries.set(key, b);
    }
    return b;
  }

  private put(key: string, buf: Buffer): void {
    if (buf.length > this.maxBytes / 2) return;
    this.entries.set(key, buf);
    this.bytes += buf.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  /** The cached bytes, if they are in memory now (the hot path answers without any await). */
  peek(sha: string, encoding: Encoding): Buffer | undefined {
    return this.entries.get(`${sha}:${encoding}`);
  }

  /** The bytes of `site/rel` (content hash `sha`) in `encoding`, read (inside `site` only) and compressed at most once. */
  async body(site: string, rel: string, sha: string, encoding: Encoding): Promise<Buffer> {
    const key = `${sha}:${encoding}`;
    const hit = this.get(key);
    if (hit) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const work = (async () => {
      const raw = encoding === 'identity' ? await readInside(site, rel) : await this.body(site, rel, sha, 'identity');
      const out =
        encoding === 'gzip'
          ? await gzip(raw, { level: 6 })
          : encoding === 'br'
            ? await brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
            : raw;
      this.put(key, out);
      return out;
    })();
    this.inflight.set(key, work);
    try {
      return await work;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Compress in the background ahead of the first request (large feeds). */
  warm(site: string, rel: string, sha: string, encodings: readonly Encoding[]): void {
    for (const e of encodings) this.body(site, rel, sha, e).catch(() => undefined);
  }
}

const OFFERED: readonly Encoding[] = ['br', 'gzip', 'identity'];

/**
 * The best encoding the client accepts, for a compressible body: the client's q-values decide, br
 * (smaller) on a tie. When the client refuses every one, identity all the same: a 406 helps no one.
 */
export function negotiate(acceptEncoding: string | undefined): Encoding {
  const choice = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encoding(OFFERED, { preferred: OFFERED });
  return (choice as Encoding | undefined) ?? 'identity';
}
