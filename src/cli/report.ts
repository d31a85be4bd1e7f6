/** How diagnostics reach a person, a machine, or GitHub Actions. */
import { countBySeverity, place, sortDiagnostics, type Diagnostic } from '../diagnostics';
import { docsLink } from '../errors';

export type OutputFormat = 'human' | 'json';

export interface Writer {
  write(text: string): void;
}

const paint = (on: boolean, code: number, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function formatHuman(d: Diagnostic, { color = false }: { color?: boolean } = {}): string {
  const where = place(d);
  const sev = d.severity === 'error' ? paint(color, 31, 'error') : d.severity === 'warning' ? paint(color, 33, 'warning') : 'info';
  const tag = d.channel ? `${d.code} ${d.channel}` : d.code;
  const head = `${where ? where + ' ' : ''}${d.field ? d.field + ': ' : ''}${sev}: ${d.message} [${tag}]`;
  return d.fix ? `${head}\n    fix: ${d.fix}` : head;
}

/** `✖ 2 errors, 1 warning; 9 valid postings`. Without a count (the postings were never read), no tally of them. */
function summary(diagnostics: readonly Diagnostic[], postings?: number): string {
  const c = countBySeverity(diagnostics);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const problems = `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}`;
  if (postings === undefined) return c.error ? `✖ ${problems}` : `✔ ${plural(c.warning, 'warning')}`;
  const what = plural(postings, 'valid posting');
  if (c.error) return `✖ ${problems}; ${what}`;
  return `✔ ${what}${c.warning ? `, ${plural(c.warning, 'warning')}` : ''}`;
}

/** GitHub Actions workflow command escaping (property values escape more than messages). */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function formatGithub(d: Diagnostic): string {
  const kind = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
  const props = [
    d.file ? `file=${escapeProperty(d.file)}` : '',
    d.line ? `line=${d.line}` : '',
    d.col ? `col=${d.col}` : '',
    d.endLine ? `endLine=${d.endLine}` : '',
    d.endCol ? `endColumn=${d.endCol}` : '',
    `title=${escapeProperty(d.channel ? `${d.code} (${d.channel})` : d.code)}`,
  ].filter(Boolean);
  const msg = `${d.field ? d.field + ': ' : ''}${d.message}${d.fix ? ` — fix: ${d.fix}` : ''}`;
  return `::${kind} ${props.join(',')}::${escapeData(msg)}`;
}

export interface ReportOptions {
  format: OutputFormat;
  github: boolean;
  color: boolean;
}

/** Print diagnostics; returns nothing — exit codes are the command's business. */
export function report(
  out: Writer,
  err: Writer,
  diagnostics: readonly Diagnostic[],
  opts: ReportOptions,
  extra: Record<string, unknown> = {},
  postings?: number,
): void {
  const sorted = sortDiagnostics(diagnostics);
  if (opts.format === 'json') {
    const counts = countBySeverity(sorted);
    const withDocs = sorted.map((d) => ({ ...d, docs: docsLink(d.code) }));
    out.write(JSON.stringify({ ok: counts.error === 0, errors: counts.error, warnings: counts.warning, ...extra, diagnostics: withDocs }, null, 2) + '\n');
  } else {
    for (const d of sorted) out.write(formatHuman(d, { color: opts.color }) + '\n');
    out.write(summary(sorted, postings) + '\n');
  }
  // Annotations go to stderr when stdout is JSON, so the JSON stays parseable; Actions reads both.
  if (opts.github) for (const d of sorted) (opts.format === 'json' ? err : out).write(formatGithub(d) + '\n');
}
