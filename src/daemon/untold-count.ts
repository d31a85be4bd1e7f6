/**
 * What the served output says that receivers have not been told (the admin's comparison, /healthz's
 * `untold`): counted in the background after each change of the output, and redone when another
 * process recorded a run since.
 */
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Project } from '../project';
import { servedEntries } from '../publish/adopt';
import type { Notifier } from '../publish/notifier';
import { untold } from '../publish/status';
import type { Snapshot } from '../serve/snapshot';

export interface UntoldDeps {
  project: Project;
  ledger: Ledger;
  snapshot: () => Snapshot | undefined;
  now: () => Date;
  log: Logger;
  notifiers?: readonly Notifier[] | undefined;
}

type Count = { generation: string; run: number; byEvent: Record<string, number> };

export class UntoldCount {
  private count: Count | undefined;
  private counting = Promise.resolve();
  private recounting = false;

  constructor(private readonly deps: UntoldDeps) {}

  /** Count again (after the ones already queued). */
  recount(): Promise<void> {
    this.counting = this.counting.then(() => this.countNow());
    return this.counting;
  }

  /** The count for the served output and the ledger as they are now; a stale one is redone (null meanwhile). */
  async current(): Promise<Record<string, number> | null> {
    const snap = this.deps.snapshot();
    if (!snap) return null;
    const c = this.count;
    if (c && c.generation === snap.generation && c.run === (await this.deps.ledger.identity()).seq) return c.byEvent;
    // Another process recorded a run after the swap this count was made for (a CLI publish commits after it swaps).
    if (!this.recounting) {
      this.recounting = true;
      void this.recount().finally(() => (this.recounting = false));
    }
    return null;
  }

  /** Every receiver has been told what the served output says (null until counted). */
  async toldAll(): Promise<boolean | null> {
    const counts = await this.current();
    return counts ? Object.values(counts).every((n) => n === 0) : null;
  }

  private async countNow(): Promise<void> {
    const { project, ledger, log } = this.deps;
    const snap = this.deps.snapshot();
    if (!snap) return;
    try {
      const byEvent: Record<string, number> = { publish: 0, update: 0, close: 0 };
      const run = (await ledger.identity()).seq;
      const built = snap.manifest.ledger;
      // Built by the publish that recorded it: told by construction, nothing to count (and no
      // seconds of rules at 100k roles in the serving process after every scheduled run).
      if (!(built?.told && built.seq === run)) {
        const served = await servedEntries(project, snap.manifest, snap.generation);
        for (const t of await untold(project, ledger, served, snap.manifest, this.deps.now(), this.deps.notifiers)) byEvent[t.event]!++;
      }
      this.count = { generation: snap.generation, run, byEvent };
    } catch (err) {
      log.warn({ event: 'serve.untold_failed' }, (err as Error).message);
    }
  }
}
