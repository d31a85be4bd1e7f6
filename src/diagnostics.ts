/**
 * Problems are values, never exceptions: every finding about a user's files or a channel's rules is a
 * Diagnostic with a stable code and a place, collected and reported together (vfile/zod style).
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Place {
  /** Path of the source file as the user gave it (relative to cwd when possible). */
  file?: string;
  /** 1-based line and column. */
  line?: number;
  col?: number;
  /** Where the problem's node ends (exclusive), when known. */
  endLine?: number;
  endCol?: number;
}

export interface Diagnostic extends Place {
  /** Stable machine code, e.g. JC_RULE_SALARY_RANGE or GOOGLE_TITLE_DECORATED. */
  code: string;
  severity: Severity;
  message: string;
  /** Dotted field path inside the source (`salary.max`, `locations.0.country`). */
  field?: string;
  /** Which posting (id) the problem is about. */
  posting?: string;
  /** Channel (adapter name) that raised it; absent for model/source problems. */
  channel?: string;
  /** What to write instead, when we can tell. */
  fix?: string;
}

/** What an adapter reports: it does not know source positions; the core adds them from `field`. */
export type DiagnosticInput = Omit<Diagnostic, 'file' | 'line' | 'col' | 'endLine' | 'endCol' | 'channel'>;

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order for reports: by file, position, then severity and code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.channel ?? '').localeCompare(b.channel ?? '') ||
      a.code.localeCompare(b.code),
  );
}

/** `file:line:col`, `file`, or nothing: where a diagnostic points, as people and editors read it. */
export function place(d: Diagnostic): string {
  if (!d.file) return '';
  return d.line ? `${d.file}:${d.line}:${d.col ?? 1}` : d.file;
}

/** The empty list of diagnostics, shared by whatever keeps one per posting and channel (frozen: never added to). */
export const NO_DIAGNOSTICS = Object.freeze([]) as unknown as Diagnostic[];
