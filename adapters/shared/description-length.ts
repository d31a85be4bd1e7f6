/** The boards' minimum description length, one rule worded one way (LinkedIn 100, Adzuna 100). */
import type { DiagnosticInput } from '../../src/diagnostics';

/** An error when `length` characters (as the board counts them) fall short of `min`. */
export function descriptionLength(board: string, code: string, min: number, length: number): DiagnosticInput[] {
  if (length >= min) return [];
  return [
    {
      code,
      severity: 'error',
      field: 'summary',
      message: `${board} requires a description of at least ${min} characters; this one has ${length}`,
      fix: 'write a longer summary, or add responsibilities and qualifications',
    },
  ];
}
