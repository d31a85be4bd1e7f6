/** Worker thread: renders and writes postings' own files into a generation (see render-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { Adapter, PostingEntry, RenderContext } from '../adapter';
import { CODES, isJobcastError } from '../errors';
import { siteLinks } from '../project';
import type { Notifier } from '../publish/notifier';
import { renderContext } from './context';
import { writeArtifactBlocking } from './generation-writer';
import { assertSafeArtifactPath } from './output-store';
import type { PooledFile, WireJob, WorkerReply, WorkerSetup } from './render-pool';
import { rendering } from './rendering';

const setup = workerData as WorkerSetup;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is named at run time (Project.plugins)
const plugins = require(setup.plugins) as { adapters: readonly Adapter[]; notifiers: readonly Notifier[] };
const links = siteLinks({ config: setup.config, adapters: plugins.adapters, notifiers: plugins.notifiers });
const contexts = new Map<string, { adapter: Adapter; ctx: RenderContext }>(
  plugins.adapters.map((adapter) => [adapter.name, { adapter, ctx: renderContext(adapter, setup.config, setup.now, links) }]),
);
const madeDirs = new Set<string>();

parentPort!.on('message', (batch: { id: number; jobs: WireJob[] }) => void handle(batch));

async function handle({ id, jobs }: { id: number; jobs: WireJob[] }): Promise<void> {
  let reply: WorkerReply;
  try {
    const files: PooledFile[] = [];
    for (const job of jobs) for (const name of job.channels) files.push(...(await ownFiles(job.entry, name)));
    reply = { id, files };
  } catch (err) {
    const e = isJobcastError(err) ? err : { code: CODES.BUILD_CHANNEL_CRASHED, message: String((err as Error)?.message ?? err), exitCode: 1 as const };
    reply = { id, error: { code: e.code, message: e.message, exitCode: e.exitCode } };
  }
  parentPort!.postMessage(reply);
}

async function ownFiles(wire: WireJob['entry'], channel: string): Promise<PooledFile[]> {
  const found = contexts.get(channel);
  if (!found?.adapter.renderPosting) throw new Error(`the plugins module ${setup.plugins} has no channel ${channel} that renders postings`);
  const entry: PostingEntry = { ...wire, locate: () => ({ file: wire.file }) };
  const artifacts = rendering(channel, () => found.adapter.renderPosting!(entry, found.ctx));
  const files: PooledFile[] = [];
  for (const a of artifacts) {
    assertSafeArtifactPath(a.path);
    const written = await writeArtifactBlocking(setup.site, a, channel, madeDirs, setup.replace);
    files.push({ channel, path: a.path, contentType: a.contentType, ...(a.status ? { status: a.status } : {}), posting: entry.id, ...written });
  }
  return files;
}
