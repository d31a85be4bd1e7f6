/**
 * `jobcast state adopt` and `jobcast state show`: the ledger's identity against the output's, and
 * rebuilding a lost or damaged ledger from the output being served (docs/publication.md).
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { currentGeneration, layoutFor, readManifest, type Manifest } from '../pipeline/output-store';
import { CODES, isJobcastError } from '../errors';
import { describeHolder } from '../ledger/lease';
import { Ledger } from '../ledger/ledger';
import { isPostgresUrl, stateShown } from '../ledger/state-target';
import { FAILURES } from '../failures';
import { displayPath } from '../load/display-path';
import { adoptionOf } from '../publish/adopt';
import { identityProblem } from '../pipeline/identity';
import { activeNotifiers } from '../publish/notifier-config';
import { planContext } from '../publish/run';
import type { Project } from '../project';
import type { Command, CommandContext } from './commands';

/** Move a ledger file (and its WAL companions) aside, keeping it for whoever wants to look. */
function setAside(file: string, why: string): string {
  const to = `${file}.${why}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix);
  return to;
}

/** The ledger to adopt into: the current one if it can be used for it, else a fresh one beside it. */
async function ledgerForAdoption(project: Project, write: (s: string) => void): Promise<Ledger> {
  try {
    return await Ledger.open(project.statePath);
  } catch (err) {
    const aFile = !isPostgresUrl(project.statePath) && existsSync(project.statePath);
    if (!isJobcastError(err) || err.code !== CODES.STATE_OPEN || !aFile) throw err;
    write(`jobcast: the state database cannot be opened (${err.message}); kept as ${displayPath(setAside(project.statePath, 'damaged'))}\n`);
    return Ledger.open(project.statePath);
  }
}

async function adopt(ctx: CommandContext, project: Project): Promise<number> {
  const generation = await currentGeneration(layoutFor(project.outDir));
  const manifest = await readManifest(generation);
  if (!generation || !manifest) {
    ctx.io.stderr.write(`jobcast: nothing to adopt: there is no output in ${displayPath(project.outDir)} yet (run jobcast publish)\n`);
    return 1;
  }
  let ledger = await ledgerForAdoption(project, (s) => ctx.io.stderr.write(s));
  try {
    const problem = await identityProblem(ledger, manifest.ledger, project);
    const blank = await ledger.isBlank();
    if (!problem && !(await ledger.adoptPending()) && !blank) {
      const id = await ledger.identity();
      ctx.io.stdout.write(
        `the state database already belongs to the output in ${displayPath(project.outDir)} (ledger ${id.id}, run ${id.seq}); nothing to adopt\n`,
      );
      return 0;
    }
    if (problem && !blank) ledger = await replaceForeignLedger(ctx, project, { ledger, manifest });
    await recordAdoption(ctx, project, { ledger, manifest, generation });
    return 0;
  } finally {
    await ledger.close();
  }
}

/** Another output's ledger, or an older copy of this one: its told states are not this output's. Keep it aside. */
async function replaceForeignLedger(ctx: CommandContext, project: Project, { ledger, manifest }: { ledger: Ledger; manifest: Manifest }): Promise<Ledger> {
  const older = (await ledger.identity()).id === manifest.ledger?.id;
  await ledger.close();
  // A server's database cannot be renamed aside as a file can: the operator chooses what to drop.
  if (isPostgresUrl(project.statePath))
    throw FAILURES.stateForeignServer(stateShown(project.statePath), older ? 'is older than the output' : 'belongs to another output');
  const kept = displayPath(setAside(project.statePath, older ? 'older' : 'replaced'));
  ctx.io.stderr.write(`jobcast: the state database ${older ? 'was older than the output' : 'belonged to another output'}; kept as ${kept}\n`);
  return Ledger.open(project.statePath);
}

/** Record the output's roles and feeds in `ledger` as already told, under the writer lease. */
async function recordAdoption(
  ctx: CommandContext,
  project: Project,
  { ledger, manifest, generation }: { ledger: Ledger; manifest: Manifest; generation: string },
): Promise<void> {
  const out = ctx.io.stdout;
  const lease = await ledger.lease.acquire('adopt');
  try {
    const at = ctx.now ?? new Date();
    const plan = planContext(project, at, await ledger.keySpace());
    const adopted = await adoptionOf(project, manifest, generation, activeNotifiers(project.notifiers, project.config), plan);
    await ledger.adopt(lease, adopted, { id: manifest.ledger?.id ?? (await ledger.identity()).id, seq: manifest.ledger?.seq ?? 0 }, at);
    const roles = adopted.subjects.filter((s) => s.kind === 'posting').length;
    const receivers = new Set(adopted.told.map((t) => t.receiver)).size;
    out.write(
      `adopted the output in ${displayPath(project.outDir)} (built for ${manifest.builtFor}): ${roles} role(s) and ${adopted.subjects.length - roles} feed(s) recorded as already told to ${receivers} receiver(s); nothing was sent\n`,
    );
    if (adopted.missing.length)
      ctx.io.stderr.write(`jobcast: warning: the output has no stored content for ${adopted.missing.join(', ')}; the next publish tells them as new\n`);
    out.write('the next jobcast publish tells only what changed since that output was built\n');
  } finally {
    await lease.release();
  }
}

async function show(ctx: CommandContext, project: Project): Promise<number> {
  const manifest = await readManifest(await currentGeneration(layoutFor(project.outDir)));
  const ledger = await Ledger.open(project.statePath);
  try {
    const id = await ledger.identity();
    const problem = await identityProblem(ledger, manifest?.ledger, project);
    const holder = await ledger.lease.current();
    const info = {
      state: stateShown(project.statePath),
      ledger: id.id,
      run: id.seq,
      output: manifest
        ? { builtFor: manifest.builtFor, ledger: manifest.ledger?.id ?? null, run: manifest.ledger?.seq ?? null, told: manifest.ledger?.told ?? null }
        : null,
      matches: !problem,
      problem: problem ?? null,
      writer: holder ? describeHolder(holder) : null,
      outbox: Object.fromEntries((await ledger.outboxCounts()).map((r) => [`${r.notifier}.${r.status}`, r.n])),
    };
    if (ctx.reportOptions.format === 'json') ctx.io.stdout.write(JSON.stringify(info, null, 2) + '\n');
    else {
      const o = ctx.io.stdout;
      o.write(`state database  ${info.state} (ledger ${info.ledger}, run ${info.run})\n`);
      o.write(
        `output          ${manifest ? `built for ${manifest.builtFor}${manifest.ledger ? ` with ledger ${manifest.ledger.id}, run ${manifest.ledger.seq}${manifest.ledger.told ? '' : ' (built, not yet told)'}` : ''}` : 'none yet'}\n`,
      );
      o.write(`belong together ${problem ? `no: ${problem}` : 'yes'}\n`);
      o.write(`writer lease    ${info.writer ?? 'free'}\n`);
      for (const [k, n] of Object.entries(info.outbox)) o.write(`outbox          ${k} ${n}\n`);
    }
    return problem ? 1 : 0;
  } finally {
    await ledger.close();
  }
}

/** Copy the project's ledger into an empty one at `--to` (another engine, usually), under the writer lease. */
async function migrate(ctx: CommandContext, project: Project): Promise<number> {
  const to = ctx.values.to!;
  const target = isPostgresUrl(to) ? to : path.resolve(to);
  const from = await Ledger.open(project.statePath);
  try {
    const lease = await from.lease.acquire('migrate');
    try {
      const into = await Ledger.open(target);
      try {
        const dump = await from.dump(lease);
        await into.restore(dump);
        const identity = await into.identity();
        ctx.io.stdout.write(
          `copied the ledger ${stateShown(project.statePath)} (ledger ${identity.id}, run ${identity.seq}) into ${stateShown(target)}: ` +
            `${dump.subjects.length} subject(s), ${dump.told.length} told state(s), ${dump.outbox.length} notification(s), ${dump.runs.length} run(s)\n` +
            `point the config at it (state: or stateEnv:) before the next publish; ${stateShown(project.statePath)} is left as it was, and a publish on it would tell receivers again what the new ledger tells them\n`,
        );
        return 0;
      } finally {
        await into.close();
      }
    } finally {
      await lease.release();
    }
  } finally {
    await from.close();
  }
}

export const state =
  (open: (ctx: CommandContext) => Promise<Project>): Command =>
  async (ctx) => {
    const [sub, ...extra] = ctx.positionals;
    const run = sub === 'adopt' ? adopt : sub === 'migrate' ? migrate : sub === 'show' || sub === undefined ? show : undefined;
    if (!run || extra.length || (sub === 'migrate') !== (ctx.values.to !== undefined)) {
      ctx.io.stderr.write(`jobcast: usage: jobcast state [show|adopt|migrate --to TARGET] [${CODES.USAGE}]\n`);
      return 2;
    }
    return run(ctx, await open(ctx));
  };
