/**
 * In-memory copies of hot files and their compressed forms, keyed by content hash so a swap never
 * serves stale bytes and unchanged files stay cached across builds. Bounded by total bytes (LRU,
 * lru-cache), and each body is read and compressed at most once however many ask at a time (its
 * fetch).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';
import { readInside } from './inside';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export type Encoding = 'identity' | 'gzip' | 'br';

/** Which file a body is of, for a fetch that has to read it. */
type Source = { site: string; rel: string; sha: string; encoding: Encoding };

async function encode(raw: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzip(raw, { level: 6 });
  if (encoding === 'br') return brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  return raw;
}

export class BodyCache {
  private readonly entries: LRUCache<string, Buffer, Source>;

  constructor(maxBytes = 768 * 1024 * 1024) {
    this.entries = new LRUCache<string, Buffer, Source>({
      maxSize: maxBytes,
      // A body over half the budget would push out nearly everything else: served, not kept.
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 2)),
      // lru-cache wants a positive size; an empty file costs its entry.
      sizeCalculation: (b) => Math.max(1, b.length),
      fetchMethod: async (_key, _stale, { context: { site, rel, sha, encoding } }) =>
        encode(encoding === 'identity' ? await readInside(site, rel) : await this.body(site, rel, sha, 'identity'), encoding),
    });
  }

  /** The cached bytes, if they are in memory now (the hot path answers without any await). */
  inMemory(sha: string, encoding: Encoding): Buffer | undefined {
    return this.entries.get(`${sha}:${encoding}`);
  }

  /** The bytes of `site/rel` (content hash `sha`) in `encoding`, read (inside `site` only) and compressed at most once. */
  async body(site: string, rel: string, sha: string, encoding: Encoding): Promise<Buffer> {
    const out = await this.entries.fetch(`${sha}:${encoding}`, { context: { site, rel, sha, encoding } });
    // fetchMethod always resolves to a Buffer or rejects; undefined would mean an aborted fetch.
    if (!out) throw new Error(`no body for ${rel} (${encoding})`);
    return out;
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
