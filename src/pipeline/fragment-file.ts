/**
 * A fragmented body (FragmentedBody in src/adapter.ts) written to a file: the head and tail rendered,
 * each posting's fragment copied from the previous build's file when the posting's render key is the
 * one that fragment was written with, else rendered. The manifest keeps where each fragment is, for
 * the next build. Copied bytes are the bytes the same key rendered, so the file is the one a full
 * render makes (tests/build-fragments.test.ts checks it against builds that reuse nothing).
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FragmentedBody } from '../adapter';
import { BatchedFile, type WrittenBytes } from './output-store';

/** Byte length of the head, then `id key length` per fragment in file order, `;`-separated (compact: one per posting per feed). */
export interface FragmentIndex {
  head: number;
  items: string;
}

/** The previous build's file at the same path, with its index. */
export interface PreviousFragments {
  file: string;
  size: number;
  index: FragmentIndex;
}

interface Located {
  key: string;
  offset: number;
  length: number;
}

/** Where each posting's fragment is in a file written with `index`. */
function locate(index: FragmentIndex): Map<string, Located> {
  const found = new Map<string, Located>();
  const items = index.items;
  let offset = index.head;
  // Scanned in place rather than split: six feeds a build, each an item per role.
  for (let at = 0; at < items.length;) {
    const semi = items.indexOf(';', at);
    const end = semi < 0 ? items.length : semi;
    const keyAt = items.indexOf(' ', at);
    const lengthAt = keyAt < 0 ? -1 : items.indexOf(' ', keyAt + 1);
    const length = lengthAt < 0 || lengthAt > end ? NaN : Number(items.slice(lengthAt + 1, end));
    // An item that is not `id key length` leaves every later offset unknown: those are rendered.
    if (!Number.isInteger(length) || length < 0) break;
    found.set(items.slice(at, keyAt), { key: items.slice(keyAt + 1, lengthAt), offset, length });
    offset += length;
    at = end + 1;
  }
  return found;
}

const COPY_PIECE = 1024 * 1024;

/** Byte ranges of the previous file queued for copying, adjacent ones merged into one read. */
class RangeCopier {
  private start = 0;
  private end = 0;

  constructor(
    private readonly from: FileHandle,
    private readonly out: BatchedFile,
  ) {}

  async add(offset: number, length: number): Promise<void> {
    if (offset !== this.end) await this.flush();
    if (this.start === this.end) this.start = offset;
    this.end = offset + length;
  }

  async flush(): Promise<void> {
    for (let at = this.start; at < this.end;) {
      const piece = Buffer.allocUnsafe(Math.min(COPY_PIECE, this.end - at));
      const { bytesRead } = await this.from.read(piece, 0, piece.length, at);
      if (bytesRead !== piece.length) throw new Error('the previous file is shorter than its index says');
      at += bytesRead;
      if (this.out.add(piece)) await this.out.flush();
    }
    this.start = this.end;
  }
}

/** The previous file, open, when it is still the size its manifest says (else nothing is copied from it). */
async function openPrevious(previous: PreviousFragments | undefined): Promise<FileHandle | undefined> {
  if (!previous) return undefined;
  const fh = await fs.open(previous.file, 'r').catch(() => undefined);
  if (fh && (await fh.stat()).size === previous.size) return fh;
  await fh?.close();
  return undefined;
}

/** Write `body` to the new file `file`; `keys` are the render keys of the postings by id. */
export async function writeFragmented(
  file: string,
  body: FragmentedBody,
  keys: ReadonlyMap<string, string>,
  previous: PreviousFragments | undefined,
): Promise<WrittenBytes & { fragments: FragmentIndex }> {
  const from = await openPrevious(previous);
  const fh = await fs.open(file, 'wx');
  try {
    const out = new BatchedFile(fh);
    const index = await writeParts(body, keys, out, from && { copier: new RangeCopier(from, out), located: locate(previous!.index) });
    await out.flush();
    return { ...out.written(), fragments: index };
  } finally {
    await fh.close();
    await from?.close();
  }
}

async function writeParts(
  body: FragmentedBody,
  keys: ReadonlyMap<string, string>,
  out: BatchedFile,
  reuse: { copier: RangeCopier; located: Map<string, Located> } | undefined,
): Promise<FragmentIndex> {
  const { head, items, tail } = body.fragments;
  const headBytes = Buffer.from(head(), 'utf8');
  out.add(headBytes);
  const index: string[] = [];
  for (const fragment of items) {
    const key = keys.get(fragment.posting);
    const before = reuse?.located.get(fragment.posting);
    let length: number;
    if (key && before?.key === key) {
      await reuse!.copier.add(before.offset, before.length);
      length = before.length;
    } else {
      await reuse?.copier.flush();
      const bytes = Buffer.from(fragment.render(), 'utf8');
      length = bytes.length;
      if (out.add(bytes)) await out.flush();
    }
    index.push(`${fragment.posting} ${key ?? '-'} ${length}`);
  }
  await reuse?.copier.flush();
  out.add(tail());
  return { head: headBytes.length, items: index.join(';') };
}
