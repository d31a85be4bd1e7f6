/** `jobcast stats`: the counted apply clicks, as a table per role and channel, or CSV (one row per role, channel and day). */
import type { ClickCount } from '../ledger/ledger';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
const csvField = (s: string | number): string => (typeof s === 'number' || !/[",\r\n]/.test(s) ? String(s) : `"${s.replace(/"/g, '""')}"`);

export function statsCsv(rows: readonly ClickCount[]): string {
  return ['posting,channel,day,clicks', ...rows.map((r) => [r.posting, r.channel, r.day, r.count].map(csvField).join(','))].join('\r\n') + '\r\n';
}

/** Clicks per role and channel over the whole period, the busiest first. */
export function statsTable(rows: readonly ClickCount[]): string {
  if (!rows.length) return 'no apply clicks counted yet\n';
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(`${r.posting}\0${r.channel}`, (totals.get(`${r.posting}\0${r.channel}`) ?? 0) + r.count);
  const lines = [...totals]
    .map(([k, n]) => [...(k.split('\0') as [string, string]), n] as const)
    .sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
  const width = Math.max(7, ...lines.map((l) => l[0].length));
  const cwidth = Math.max(7, ...lines.map((l) => l[1].length));
  const days = `${rows[0]!.day} to ${rows[rows.length - 1]!.day}`;
  return (
    [
      `apply clicks, ${days}`,
      `${'posting'.padEnd(width)}  ${'channel'.padEnd(cwidth)}  clicks`,
      ...lines.map(([p, c, n]) => `${p.padEnd(width)}  ${c.padEnd(cwidth)}  ${String(n).padStart(6)}`),
    ].join('\n') + '\n'
  );
}
