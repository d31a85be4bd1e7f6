/**
 * For tests of the ledger against the output: what the fake receivers were sent, the output as a
 * comparable value, and ways to lose a state database (deleted, truncated, damaged, replaced).
 */
import { copyFileSync, existsSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Recorded } from './fake-remote';
import { currentGeneration, generationsOnDisk, type OutputDirs } from './follow-output';

/** The requests a receiver would act on (a token fetch tells nobody anything). */
export const notifications = (reqs: readonly Recorded[]): Recorded[] => reqs.filter((r) => r.path !== '/token');

const byPath = (reqs: readonly Recorded[], p: string) => reqs.filter((r) => r.path.split('?')[0] === p);

export const indexingCalls = (reqs: readonly Recorded[]): string[] =>
  byPath(reqs, '/indexing')
    .map((r) => {
      const b = JSON.parse(r.body) as { url: string; type: string };
      return `${b.type} ${b.url}`;
    })
    .sort();

export const indexNowUrls = (reqs: readonly Recorded[]): string[] =>
  byPath(reqs, '/indexnow')
    .flatMap((r) => (JSON.parse(r.body) as { urlList: string[] }).urlList)
    .sort();

export const webhookEvents = (reqs: readonly Recorded[]): string[] =>
  byPath(reqs, '/webhook')
    .map((r) => {
      const b = JSON.parse(r.body) as { event: string; posting: { id: string } };
      return `${b.event} ${b.posting.id}`;
    })
    .sort();

export const hubPings = (reqs: readonly Recorded[]): string[] =>
  byPath(reqs, '/hub')
    .map((r) => {
      const f = new URLSearchParams(r.body);
      return `${f.get('hub.mode')} ${f.get('hub.url')}`;
    })
    .sort();

/** Everything about the output a publish could change: the link, the generations, the manifest's bytes. */
export function outputState(p: OutputDirs): { link: string; generations: string[]; manifest: string } {
  return {
    link: readlinkSync(p.outDir),
    generations: generationsOnDisk(p),
    manifest: readFileSync(path.join(currentGeneration(p), 'manifest.json'), 'utf8'),
  };
}

const companions = (file: string) => ['', '-wal', '-shm'].map((s) => file + s);

/** Delete the state database and its WAL companions. */
export function deleteState(file: string): void {
  for (const f of companions(file)) rmSync(f, { force: true });
}

/** Overwrite the state database (its companions removed) with these bytes. */
export function replaceState(file: string, bytes: Buffer | string): void {
  deleteState(file);
  writeFileSync(file, bytes);
}

/** Copy a closed state database (it must have no WAL left, or the copy would miss what is in it). */
export function copyState(from: string, to: string): void {
  if (existsSync(`${from}-wal`)) throw new Error(`${from} has a WAL file: close every connection to it before copying`);
  deleteState(to);
  copyFileSync(from, to);
}
