/**
 * A posting as a source cache keeps it: its JSON, parsed only when something reads the posting, and
 * beside it the few fields every build reads of every role (its facts). A rebuild among 10,000 roles
 * that changed one renders one, so it should not decode and parse 60 MB of postings to learn that.
 */
import type { LifecycleState } from './lifecycle';
import type { Posting } from './posting';

/** What validation reads of every posting, whether or not anything renders it. */
export interface PostingFacts {
  status: Posting['status'];
  datePosted: Posting['datePosted'];
  validThrough?: Posting['validThrough'];
  reference?: string;
  /** `channels.exclude`. */
  exclude?: string[];
  /** The posting's content hash in each state it was built in (they depend on nothing else). */
  hashes: Partial<Record<LifecycleState, string>>;
}

export function factsOf(p: Posting, hashes: PostingFacts['hashes'] = {}): PostingFacts {
  return {
    status: p.status,
    datePosted: p.datePosted,
    ...(p.validThrough !== undefined ? { validThrough: p.validThrough } : {}),
    ...(p.reference !== undefined ? { reference: p.reference } : {}),
    ...(p.channels?.exclude ? { exclude: p.channels.exclude } : {}),
    hashes,
  };
}

/** A posting, or the UTF-8 JSON of one that is parsed the first time it is read. */
export class PostingBody {
  private value: Posting | undefined;

  private constructor(
    private readonly bytes: Uint8Array | undefined,
    value?: Posting,
  ) {
    this.value = value;
  }

  static of(posting: Posting): PostingBody {
    return new PostingBody(undefined, posting);
  }

  /** `bytes`: what `json()` gave (JSON.stringify of the posting), as UTF-8. */
  static lazy(bytes: Uint8Array): PostingBody {
    return new PostingBody(bytes);
  }

  get posting(): Posting {
    this.value ??= JSON.parse(Buffer.from(this.bytes!.buffer, this.bytes!.byteOffset, this.bytes!.byteLength).toString('utf8')) as Posting;
    return this.value;
  }

  /** Whether it came from a source cache's bytes (`lazy`), not from a posting in memory. */
  get cached(): boolean {
    return this.bytes !== undefined;
  }

  /** The JSON, without parsing it when it was never read. */
  json(): Uint8Array {
    return this.bytes ?? Buffer.from(JSON.stringify(this.value), 'utf8');
  }
}
