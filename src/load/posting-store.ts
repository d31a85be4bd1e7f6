/**
 * Postings' JSON kept on disk instead of in memory. A validated posting is 12–15 KB of heap against
 * about 5 KB of JSON, and a build holds every role from validation to its last channel: 100,000 roles
 * were over a gigabyte of posting objects alone. A PostingBody over a store (model/posting-body.ts)
 * reads its bytes back with one positioned read and parses them; only the most recently read stay parsed.
 *
 * A spill file is unlinked as soon as it is open, so a build that dies leaves nothing on disk: the
 * kernel frees it with the last descriptor (where a system cannot unlink an open file, nothing spills). Descriptors are closed when nothing refers to the store
 * any more (a FinalizationRegistry), since a build's postings outlive the build (publish reads them).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { BodyBytes } from '../model/posting-body';

/** The buffer every CRC check reads through (one thread at a time: the reads are synchronous). */
const CRC_CHUNK = Buffer.allocUnsafe(1 << 20);

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to free.
  }
});

/** A file of postings' JSON, read by offset and length. */
export class PostingStore implements BodyBytes {
  private constructor(
    private readonly fd: number,
    private size: number,
  ) {
    closer.register(this, fd);
  }

  /** Bytes in the store. */
  get length(): number {
    return this.size;
  }

  /** The file at `file`, as it is now (a source cache's postings; never written in place, so the descriptor keeps these bytes). */
  static open(file: string): PostingStore {
    const fd = openSync(file, 'r');
    try {
      return new PostingStore(fd, fstatSync(fd).size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /**
   * A new, empty store that nothing else can see, in the temp folder (TMPDIR); undefined when it
   * cannot be made (postings then stay in memory, as they always did).
   */
  static spill(dir = tmpdir()): PostingStore | undefined {
    const file = path.join(dir, `.jobcast-spill-${process.pid}-${randomBytes(6).toString('hex')}`);
    let fd: number | undefined;
    try {
      fd = openSync(file, 'wx+', 0o600);
      unlinkSync(file);
      return new PostingStore(fd, 0);
    } catch {
      if (fd !== undefined) {
        closeSync(fd);
        try {
          unlinkSync(file);
        } catch {
          // Never made, or already gone.
        }
      }
      return undefined;
    }
  }

  /** Append `bytes`; returns where they are. */
  append(bytes: Uint8Array): [number, number] {
    const at = this.size;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, at + done);
    this.size += bytes.length;
    return [at, bytes.length];
  }

  read(at: number, length: number): Buffer {
    return this.readInto(Buffer.allocUnsafe(length), at, length);
  }

  private readInto(out: Buffer, at: number, length: number): Buffer {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, at + done);
      if (n === 0) throw new Error(`a stored posting ends early (${done} of ${length} bytes at ${at})`);
      done += n;
    }
    return out;
  }

  /**
   * The CRC-32 of every byte (a source cache checks it before trusting any of it), read through one
   * reused buffer: a buffer the size of the store costs page faults on every byte.
   */
  crc32(): number {
    let crc = 0;
    for (let at = 0; at < this.size; at += CRC_CHUNK.length) {
      const length = Math.min(CRC_CHUNK.length, this.size - at);
      this.readInto(CRC_CHUNK, at, length);
      crc = crc32(CRC_CHUNK.subarray(0, length), crc);
    }
    return crc;
  }
}
