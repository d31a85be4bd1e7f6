/**
 * Does the served output belong to this ledger? The manifest names the ledger it was built with and
 * the run; a ledger that is new, older, or another site's would make publish tell everything again
 * (docs/publication.md, "The output and the ledger belong together").
 */
import type { ManifestLedger } from './output-store';
import type { Ledger } from '../ledger/ledger';
import { stateShown } from '../ledger/state-target';
import type { Project } from '../project';
import { displayPath } from '../load/display-path';

const REMEDY =
  'nothing was sent. Run `jobcast state adopt` to record the current output as already told (it sends nothing), or `jobcast publish --resend-all` to tell every receiver everything again';

/** Why this ledger cannot be trusted with this output, or undefined when they match. */
export async function identityProblem(
  ledger: Pick<Ledger, 'identity' | 'isBlank'>,
  built: ManifestLedger | undefined,
  project: Pick<Project, 'statePath' | 'outDir'>,
): Promise<string | undefined> {
  // Output from before ledgers had ids (or none at all): nothing to compare.
  if (!built) return undefined;
  const mine = await ledger.identity();
  const state = stateShown(project.statePath);
  const out = displayPath(project.outDir);
  if (built.id !== mine.id) {
    const what = (await ledger.isBlank()) ? `is new or was emptied (deleted or truncated?)` : `belongs to another output (ledger ${mine.id})`;
    return `the state database ${state} ${what}, but the output in ${out} was published with ledger ${built.id} (run ${built.seq}); ${REMEDY}`;
  }
  if (built.seq > mine.seq + 1) {
    return `the state database ${state} is older than the output in ${out}: it recorded run ${mine.seq}, the output was built by run ${built.seq} (restored from a backup?); ${REMEDY}`;
  }
  return undefined;
}
