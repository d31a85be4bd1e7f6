/**
 * The output folder, swapped atomically. Each build writes a complete new generation next to the
 * output; the output path itself is a symlink that is replaced with one rename(2), so a reader (the
 * server, a static host) sees either the old tree or the new one, never a half-written file. A
 * failed build deletes its generation and leaves the symlink, and so the last good output, untouched.
 *
 *   dist                      → .dist.generations/000001764329500000-ab12cd/site
 *   .dist.generations/<gen>/site/…        the public files
 *   .dist.generations/<gen>/manifest.json what was written, hashes, history (not public)
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ArtifactBody } from '../adapter';
import { CODES, JobcastError } from '../errors';
import type { PostingHistory } from './validate';

export interface ManifestEntry {
  contentType: string;
  status: number;
  sha256: string;
  size: number;
  /** When these bytes first appeared at this path (ISO); kept while they stay the same. */
  since: string;
  posting?: string;
  channel: string;
  /** For a posting's own files: the render key they were made with (see fingerprint.ts). */
  key?: string;
}

export interface Manifest {
  version: 1;
  /** Instant the build was for. */
  builtFor: string;
  artifacts: Record<string, ManifestEntry>;
  history: PostingHistory;
}

export interface OutputLayout {
  outDir: string;
  generationsDir: string;
}

export function layoutFor(outDir: string): OutputLayout {
  const abs = path.resolve(outDir);
  return { outDir: abs, generationsDir: path.join(path.dirname(abs), `.${path.basename(abs)}.generations`) };
}

/** The generation folder the output currently points at, or undefined (no output yet, or a plain folder). */
export async function currentGeneration(layout: OutputLayout): Promise<string | undefined> {
  try {
    const target = await fs.readlink(layout.outDir);
    return path.dirname(path.resolve(path.dirname(layout.outDir), target));
  } catch {
    return undefined;
  }
}

export async function readManifest(generation: string | undefined): Promise<Manifest | undefined> {
  if (!generation) return undefined;
  try {
    const m = JSON.parse(await fs.readFile(path.join(generation, 'manifest.json'), 'utf8')) as Manifest;
    return m.version === 1 ? m : undefined;
  } catch {
    return undefined;
  }
}

export interface Generation {
  dir: string;
  site: string;
}

export async function startGeneration(layout: OutputLayout, now = Date.now()): Promise<Generation> {
  await fs.mkdir(layout.generationsDir, { recursive: true });
  const name = `${String(now).padStart(18, '0')}-${randomBytes(4).toString('hex')}`;
  const dir = path.join(layout.generationsDir, name);
  const site = path.join(dir, 'site');
  await fs.mkdir(site, { recursive: true });
  return { dir, site };
}

/** A relative artifact path that cannot leave the output folder. */
export function assertSafeArtifactPath(p: string): void {
  const bad =
    !p || p.startsWith('/') || p.includes('\\') || p.includes('\0') || p.endsWith('/') ||
    p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg.startsWith('.'));
  if (bad) throw new JobcastError(CODES.CHANNEL_FAILED, `an adapter produced an unsafe output path: ${JSON.stringify(p)}`);
}

const FLUSH_BYTES = 256 * 1024;

/** Stream a body to a new file, hashing as it goes; chunks are batched, never joined into one string. */
export async function writeBody(file: string, body: ArtifactBody, madeDirs?: Set<string>): Promise<{ sha256: string; size: number }> {
  const dir = path.dirname(file);
  if (!madeDirs?.has(dir)) {
    await fs.mkdir(dir, { recursive: true });
    madeDirs?.add(dir);
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    // Whole bodies in one call: most files are small pages, where per-write round trips dominate.
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await fs.writeFile(file, buf, { flag: 'wx' });
    return { sha256: createHash('sha256').update(buf).digest('hex'), size: buf.length };
  }
  const fh = await fs.open(file, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  try {
    const write = async (buf: Uint8Array) => {
      hash.update(buf);
      size += buf.length;
      let off = 0;
      while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
    };
    if (typeof body === 'string') await write(Buffer.from(body, 'utf8'));
    else if (body instanceof Uint8Array) await write(body);
    else {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      /** Queue a chunk; true when enough is queued to flush. Sync, so sync bodies pay no await per chunk. */
      const add = (chunk: string | Uint8Array): boolean => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        pending.push(buf);
        pendingBytes += buf.length;
        return pendingBytes >= FLUSH_BYTES;
      };
      const flush = async () => {
        if (!pendingBytes) return;
        await write(Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      };
      if (Symbol.asyncIterator in body) {
        for await (const chunk of body) if (add(chunk)) await flush();
      } else {
        for (const chunk of body) if (add(chunk)) await flush();
      }
      await flush();
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), size };
}

/** Point the output at `generation` with one atomic rename; keep the previous generation for readers. */
export async function commitGeneration(layout: OutputLayout, generation: Generation, manifest: Manifest): Promise<void> {
  await fs.writeFile(path.join(generation.dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  const target = path.relative(path.dirname(layout.outDir), generation.site);
  const tmpLink = `${layout.outDir}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.symlink(target, tmpLink);
  try {
    const existing = await fs.lstat(layout.outDir).catch(() => undefined);
    if (existing && !existing.isSymbolicLink()) {
      if (!existing.isDirectory()) throw new JobcastError(CODES.CHANNEL_FAILED, `output path ${layout.outDir} exists and is not a folder`, 2);
      // A plain folder from elsewhere: move it aside once (kept as an old generation), then link.
      const aside = path.join(layout.generationsDir, `000000000000000000-previous-${randomBytes(3).toString('hex')}`);
      await fs.mkdir(aside);
      await fs.rename(layout.outDir, path.join(aside, 'site'));
    }
    await fs.rename(tmpLink, layout.outDir);
  } catch (err) {
    await fs.rm(tmpLink, { force: true });
    throw err;
  }
}

export async function discardGeneration(generation: Generation): Promise<void> {
  await fs.rm(generation.dir, { recursive: true, force: true });
}

/**
 * Delete old generations: keep the one now served and the one served just before it (a reader may
 * still hold it), named explicitly rather than guessed from name order. Newer ones may be builds in
 * progress in another process, so only names older than the current one go.
 */
export async function pruneGenerations(layout: OutputLayout, previous?: string): Promise<void> {
  const current = await currentGeneration(layout);
  if (!current) return;
  let names: string[];
  try {
    names = await fs.readdir(layout.generationsDir);
  } catch {
    return;
  }
  const keep = new Set([path.basename(current), previous ? path.basename(previous) : '']);
  for (const name of names) {
    if (keep.has(name) || name > path.basename(current)) continue;
    await fs.rm(path.join(layout.generationsDir, name), { recursive: true, force: true });
  }
}
