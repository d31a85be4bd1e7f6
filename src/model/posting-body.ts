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

/** Where a stored posting's bytes are (src/load/posting-store.ts): model code does no I/O itself. */
export interface BodyBytes {
  read(at: number, length: number): Uint8Array;
}

/**
 * How many stored postings stay parsed: a posting is read several times in a row (its lifecycle, its
 * channels' rules, a render), and a whole site's postings must not stay in memory.
 */
const PARSED_KEPT = 1024;
const parsed: (PostingBody | undefined)[] = new Array<PostingBody | undefined>(PARSED_KEPT);
let nextParsed = 0;

/** A posting in memory, or the UTF-8 JSON of one in a store, parsed when it is read. */
export class PostingBody {
  private value: Posting | undefined;

  private constructor(
    private readonly source: { store: BodyBytes; at: number; length: number; fromCache: boolean } | undefined,
    value?: Posting,
  ) {
    this.value = value;
  }

  static of(posting: Posting): PostingBody {
    return new PostingBody(undefined, posting);
  }

  /**
   * The JSON at `at` in `store`, parsed each time it is read unless it was one of the last
   * PARSED_KEPT read. `fromCache`: the store is a source cache's (`cached`). `parsed`: the posting
   * these bytes are, when it is at hand (it counts as just read).
   */
  static stored(store: BodyBytes, at: number, length: number, fromCache: boolean, parsed?: Posting): PostingBody {
    const body = new PostingBody({ store, at, length, fromCache }, parsed);
    if (parsed) keepParsed(body);
    return body;
  }

  get posting(): Posting {
    if (this.value) return this.value;
    const value = JSON.parse(Buffer.from(this.json()).toString('utf8')) as Posting;
    if (this.source) keepParsed(this);
    this.value = value;
    return value;
  }

  /** Whether it came from a source cache's bytes, not from a posting in memory or a spill file. */
  get cached(): boolean {
    return this.source?.fromCache === true;
  }

  /** The JSON, without parsing it when it was never read. */
  json(): Uint8Array {
    if (!this.source) return Buffer.from(JSON.stringify(this.value), 'utf8');
    return this.source.store.read(this.source.at, this.source.length);
  }

  /** Drop the parsed posting (it is read again from its bytes). */
  forget(): void {
    this.value = undefined;
  }
}

function keepParsed(body: PostingBody): void {
  parsed[nextParsed]?.forget();
  parsed[nextParsed] = body;
  nextParsed = (nextParsed + 1) % PARSED_KEPT;
}

const SOURCE = Symbol('posting source');

function readPosting(this: { [SOURCE]: { readonly posting: Posting } }): Posting {
  return this[SOURCE].posting;
}

/**
 * `target` with an enumerable `posting` read from `source` when asked. Every such object shares one
 * getter function: V8 keeps an accessor in the object's hidden class, so a closure per object gave
 * each of 100,000 entries a class of its own and then a dictionary (2–3 KB a role).
 */
export function withPosting<T extends object>(target: T, source: { readonly posting: Posting }): T & { readonly posting: Posting } {
  Object.defineProperty(target, SOURCE, { value: source, enumerable: false });
  return Object.defineProperty(target, 'posting', { get: readPosting, enumerable: true }) as T & { readonly posting: Posting };
}
