/**
 * What a posting's files depend on besides the posting itself: the config and the code (adapters,
 * shared composition, templates). A reused file must have been made by the same of both.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PostingEntry } from '../adapter';
import type { SiteConfig } from '../model/config';
import { PACKAGE_ROOT, TEMPLATES_DIR } from '../util/package-root';
import { stableStringify } from '../util/stable-json';

/** The running code: src/ and adapters/ next to this file's tree (compiled or TypeScript), and templates. */
const CODE_ROOT = path.resolve(__dirname, '..', '..');

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    if (/\.(js|ts|hbs|json)$/.test(name)) hash.update(path.relative(PACKAGE_ROOT, p)).update(readFileSync(p));
    else if (!name.includes('.')) hashTree(hash, p);
  }
}

let code: string | undefined;
export function codeFingerprint(): string {
  if (!code) {
    const h = createHash('sha256');
    for (const d of [path.join(CODE_ROOT, 'src'), path.join(CODE_ROOT, 'adapters'), TEMPLATES_DIR]) hashTree(h, d);
    code = h.digest('hex');
  }
  return code;
}

export function configFingerprint(site: SiteConfig): string {
  return createHash('sha256').update(stableStringify(site)).digest('hex');
}

/**
 * Identifies the files a channel makes of all its postings (feeds, listings): the render keys of
 * those postings, in the order the channel gets them. Adapters never read the clock, so equal keys,
 * equal bytes.
 */
export function sharedKey(keys: readonly string[]): string {
  const h = createHash('sha256').update(`shared\0${keys.length}`);
  for (const k of keys) h.update(`\0${k}`);
  return h.digest().toString('hex', 0, 16);
}

/**
 * Identifies one posting's files on any channel: equal keys, equal bytes. The channel is not part of
 * it (a key is only ever compared with the same channel's, and the code fingerprint covers every
 * channel's code), so one hash a posting serves all nine channels.
 */
export function renderKey(entry: PostingEntry, config: string): string {
  return createHash('sha256')
    .update(`${entry.id}\0${entry.hash}\0${entry.changedAt.toISOString()}\0${config}\0${codeFingerprint()}`)
    .digest()
    .toString('hex', 0, 16);
}
