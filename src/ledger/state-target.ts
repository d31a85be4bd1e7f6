/**
 * What the config's `state:` names: a SQLite file (a path), or a PostgreSQL server (a
 * `postgres://` URL, whose password is never shown).
 */
import { displayPath } from '../load/display-path';

const UNSET = 'unset-env:';

/** The ledger's place when `stateEnv` names a variable that is not set: opening it fails with JC_STATE_ENV_UNSET. */
export const unsetStateEnv = (name: string): string => `${UNSET}${name}`;

/** The variable's name, when `target` is unsetStateEnv's. */
export const unsetVariableOf = (target: string): string | undefined => (target.startsWith(UNSET) ? target.slice(UNSET.length) : undefined);

/** A `state:` value that names a PostgreSQL server rather than a file. */
export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target);

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The state as the user may be shown it: the file relative to the working folder, or the URL without its password. */
export const stateShown = (target: string): string => {
  const unset = unsetVariableOf(target);
  if (unset) return `$${unset} (not set)`;
  return isPostgresUrl(target) ? shownUrl(target) : displayPath(target);
};
