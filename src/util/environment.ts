/**
 * The machine saying no — a port in use, a folder that cannot be made, a full disk — is an
 * operator's problem to fix, not a bug: one line naming the path or port and the reason in words,
 * with a stable code (JC_ENVIRONMENT, JC_SERVE_PORT), and never a retry without end.
 */
import { mkdirSync, statSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { JobcastError } from '../errors';
import { FAILURES } from '../failures';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'no such file or folder (or the file system allows none here)',
  EEXIST: 'something else is already there',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EISDIR: 'it is a folder',
  ELOOP: 'too many symbolic links',
  EADDRINUSE: 'the port is in use by another program',
  EADDRNOTAVAIL: 'this machine has no such address',
  SQLITE_FULL: 'no space left on the device',
  SQLITE_IOERR: 'input/output error',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'it cannot be opened',
};

/** The error's code when it is the environment's (a system call or SQLite refused), else undefined. */
export function environmentCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const base = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
  return REASONS[base] ? base : undefined;
}

export const reasonOf = (code: string): string => REASONS[code] ?? code;

/** A JobcastError for an environment failure while doing `what` (e.g. "create the output folder /x"). */
export function environmentError(err: unknown, what: string): JobcastError {
  const code = environmentCode(err) ?? 'EIO';
  const kept = code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT' ? ' — nothing was half-written; the previous output and state are kept' : '';
  return FAILURES.environment(what, reasonOf(code), code, kept);
}

const missing = (dir: string): boolean => {
  try {
    statSync(dir);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
};

/**
 * `mkdir -p` that ends: Node 20's recursive mkdir loops forever where the kernel answers ENOENT for
 * a folder whose parent exists (under /proc). Creates each missing ancestor once, top down.
 */
export function makeDirSync(dir: string, what: string): void {
  const chain: string[] = [];
  for (let d = path.resolve(dir); missing(d); d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw environmentError(err, `create the ${what} folder ${dir}`);
    }
  }
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (err) {
    throw environmentError(err, `use the ${what} folder ${dir}`);
  }
}

export async function makeDir(dir: string, what: string): Promise<void> {
  try {
    const st = await fs.stat(dir);
    if (st.isDirectory()) return;
  } catch {
    // Made below.
  }
  makeDirSync(dir, what);
}
