/**
 * Reading a source file safely: size, encoding and BOM are checked before any parsing, so each of
 * those mistakes gets its own clear message instead of a confusing YAML error later.
 */
import { promises as fs } from 'node:fs';
import type { Diagnostic } from '../diagnostics';
import { CODES } from '../errors';

const MAX_SOURCE_BYTES = 1024 * 1024;

/** Byte offset of the first byte that is not part of well-formed UTF-8, or -1. */
function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= buf.length) return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a byte offset in a buffer. */
function byteOffsetToPlace(buf: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) [line, lineStart] = [line + 1, i + 1];
  const col = Buffer.from(buf.subarray(lineStart, offset)).toString('utf8').length + 1;
  return { line, col };
}

/** On failure, `errno` is the system's reason when the file could not be read at all (ENOENT, EACCES). */
export type SourceText = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[]; errno?: string };

/** Read `file` as UTF-8 text, or say exactly why it cannot be used. */
export async function readSourceText(file: string, displayName: string, what = 'posting'): Promise<SourceText> {
  const read = await readBounded(file, displayName, what);
  if (!read.ok) return read;
  return encodingProblem(read.bytes, displayName) ?? { ok: true, text: read.bytes.toString('utf8') };
}

type Unusable = Extract<SourceText, { ok: false }>;

function unusable(
  displayName: string,
  code: string,
  message: string,
  { fix, line = 1, col = 1 }: { fix?: string; line?: number; col?: number } = {},
): Unusable {
  return { ok: false, diagnostics: [{ code, severity: 'error', message, file: displayName, line, col, ...(fix ? { fix } : {}) }] };
}

/** The bytes of a regular file of at most MAX_SOURCE_BYTES. */
async function readBounded(file: string, displayName: string, what: string): Promise<{ ok: true; bytes: Buffer } | Unusable> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return unusable(displayName, CODES.FILE_READ, `${what} file is not a regular file`);
    if (stat.size > MAX_SOURCE_BYTES) {
      return unusable(displayName, CODES.FILE_TOO_LARGE, `${what} file is ${stat.size} bytes; the limit is ${MAX_SOURCE_BYTES} (1 MiB)`, {
        fix: 'a single role never needs this much text: check for pasted binary data',
      });
    }
    bytes = await fs.readFile(file);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    const failed = unusable(displayName, CODES.FILE_READ, `cannot read ${what} file: ${errno ?? (err as Error).message}`);
    return errno ? { ...failed, errno } : failed;
  }
  // The file can grow between the stat and the read.
  if (bytes.length > MAX_SOURCE_BYTES) return unusable(displayName, CODES.FILE_TOO_LARGE, `${what} file is over 1 MiB`);
  return { ok: true, bytes };
}

/** Why the bytes are not UTF-8 text: a BOM, UTF-16, a malformed sequence or a NUL byte. */
function encodingProblem(buf: Buffer, displayName: string): Unusable | undefined {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return unusable(displayName, CODES.FILE_BOM, 'file starts with a byte order mark (BOM)', { fix: 'save the file as UTF-8 without BOM' });
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return unusable(displayName, CODES.FILE_ENCODING, 'file is UTF-16, not UTF-8', { fix: 'save the file as UTF-8' });
  }
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    return unusable(displayName, CODES.FILE_ENCODING, `invalid UTF-8 byte 0x${buf[bad]!.toString(16).padStart(2, '0')}`, {
      fix: 'save the file as UTF-8 (it looks like Latin-1 or Windows-1252)',
      ...byteOffsetToPlace(buf, bad),
    });
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) return unusable(displayName, CODES.FILE_ENCODING, 'file contains a NUL byte; it is not a text file', byteOffsetToPlace(buf, nul));
  return undefined;
}
