/**
 * `jobcast deploy`: the served generation copied to the configured bucket (docs/operations.md,
 * "Object storage"). Only objects whose bytes differ are uploaded (compared by MD5, S3's ETag for
 * one-request uploads), with the Content-Type and Cache-Control the server would send; a role's
 * files go before the feeds and listings that link to them, and removals come last (./plan.ts).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DeployConfig } from '../model/config';
import { FAILURES } from '../failures';
import { currentGeneration, layoutFor, readManifest } from '../pipeline/output-store';
import type { Project } from '../project';
import { cacheControlOf } from '../serve/cache-control';
import { Bucket } from './bucket';
import { planDeploy, type LocalObject } from './plan';

export interface DeployResult {
  generation: string;
  uploaded: number;
  bytes: number;
  removed: number;
  /** Objects under the prefix that jobcast did not put there: never removed. */
  foreign: number;
  unchanged: number;
}

export interface DeployOptions {
  env?: NodeJS.ProcessEnv;
  /** Told as the work goes: what is being done, how far. */
  onProgress?: (what: string, done: number, total: number) => void;
}

/** `fn` over `items`, `width` at a time; the first failure stops new work and is thrown once the rest settled. */
async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: Error | undefined;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++]!;
      await fn(item).catch((err: unknown) => void (failed ??= err instanceof Error ? err : new Error(JSON.stringify(err))));
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failed) throw failed;
}

/** The served generation's files, hashed as the bucket would hash them. */
async function localObjects(
  site: string,
  artifacts: Record<string, { contentType: string; status: number; size: number; posting?: string }>,
  opts: DeployOptions,
): Promise<LocalObject[]> {
  const entries = Object.entries(artifacts);
  const out: LocalObject[] = [];
  let done = 0;
  await eachLimited(entries, 16, async ([p, e]) => {
    const bytes = await fs.readFile(path.join(site, p));
    out.push({
      path: p,
      md5: createHash('md5').update(bytes).digest('hex'),
      size: bytes.length,
      contentType: e.contentType,
      cacheControl: cacheControlOf(e),
      shared: !e.posting,
    });
    done++;
    opts.onProgress?.('comparing', done, entries.length);
  });
  return out;
}

/** Any failure of the bucket's service is the operator's to fix: one line naming the bucket. */
async function guarded<T>(config: DeployConfig, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { name?: string; message?: string; code?: string };
    throw FAILURES.deployFailed(
      what,
      `s3://${config.bucket}/${config.prefix}`,
      `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? e.code ?? String(err)}`,
    );
  }
}

export async function deployOutput(project: Project, opts: DeployOptions = {}): Promise<DeployResult> {
  const config = project.config.deploy;
  if (!config) throw FAILURES.deployUnconfigured();
  const generation = await currentGeneration(layoutFor(project.outDir));
  const manifest = await readManifest(generation);
  if (!generation || !manifest) throw FAILURES.deployNothing(project.outDir);
  const site = path.join(generation, 'site');
  const bucket = new Bucket(config, opts.env ?? process.env);
  try {
    const local = await localObjects(site, manifest.artifacts, opts);
    const remote = await guarded(config, 'list the bucket', () => bucket.list());
    const plan = planDeploy(local, remote, config.prefix);
    let uploaded = 0;
    let bytes = 0;
    const total = plan.own.length + plan.shared.length;
    const upload = async (l: LocalObject) => {
      const body = await fs.readFile(path.join(site, l.path));
      await guarded(config, `upload ${l.path}`, () => bucket.put(config.prefix + l.path, body, l));
      bytes += body.length;
      uploaded++;
      opts.onProgress?.('uploading', uploaded, total);
    };
    // The feeds and listings only once every role they link to is there.
    await eachLimited(plan.own, config.concurrency, upload);
    await eachLimited(plan.shared, config.concurrency, upload);
    let removed = 0;
    let foreign = 0;
    await eachLimited(plan.removals, config.concurrency, async (key) => {
      if (await guarded(config, `remove ${key}`, () => bucket.removeOwn(key))) removed++;
      else foreign++;
      opts.onProgress?.('removing', removed + foreign, plan.removals.length);
    });
    return { generation: path.basename(generation), uploaded, bytes, removed, foreign, unchanged: plan.unchanged };
  } finally {
    bucket.close();
  }
}
