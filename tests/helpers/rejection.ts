import type { JobcastError } from '../../src/errors';

/** The error `p` rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<JobcastError> {
  try {
    await p;
  } catch (err) {
    return err as JobcastError;
  }
  throw new Error('expected a rejection, but it resolved');
}
