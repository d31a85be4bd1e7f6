/**
 * What has not been told yet: the same observation and table a publish uses, over the output being
 * served and the ledger, without recording anything. The admin, /healthz and `publish --dry-run`
 * all read status this way, so they cannot disagree (docs/publication.md).
 */
import type { Manifest } from '../pipeline/output-store';
import type { Validation } from '../pipeline/validate';
import type { Ledger } from '../ledger/ledger';
import type { Project } from '../project';
import type { Notifier } from './notifier';
import { activeNotifiers } from './notifier-config';
import { observe, subjectsOf } from './observe';
import { transitionsOf } from './plan';
import type { Transition } from './protocol';
import { planContext } from './run';

export async function untold(
  project: Project,
  ledger: Pick<Ledger, 'knownSubjects' | 'told' | 'identity' | 'keySpace'>,
  validation: Pick<Validation, 'entries' | 'channels'>,
  manifest: Manifest,
  now: Date,
  notifiers: readonly Notifier[] = project.notifiers,
): Promise<Transition[]> {
  const ctx = planContext(project, now, await ledger.keySpace());
  const active = activeNotifiers(notifiers, project.config);
  const known = await ledger.knownSubjects();
  const subjects = subjectsOf({ entries: validation.entries, channels: validation.channels, manifest }, known, ctx.url);
  observe(subjects, validation.channels, active, ctx, project.config);
  return transitionsOf(subjects, known, await ledger.told(), now, { seq: (await ledger.identity()).seq + 1 }).transitions;
}
