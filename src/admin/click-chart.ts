/**
 * Apply clicks as ops read them: per source channel over the last 7, 30 and 90 days, each period a
 * server-rendered SVG bar chart (the template escapes every label) with a title and description for
 * screen readers and the numbers as text, plus the same as a table.
 * Readable without JavaScript.
 */
import type { ClickCount } from '../ledger/ledger';
import { formatZoned } from '../model/dates';

export const PERIODS = [7, 30, 90] as const;

export type ChannelClicks = { channel: string; clicks: number };

/** One period: its total, per channel, and the chart (SVG markup from the XML writer, put in the page as is). */
export type ClickPeriod = { days: number; total: number; byChannel: ChannelClicks[]; chart: ReturnType<typeof chart> };

const DAY_MS = 86_400_000;

/** The first day (YYYY-MM-DD, in `timeZone`) of the last `days` days ending `now`. */
export const periodStart = (now: Date, days: number, timeZone: string): string =>
  formatZoned(new Date(now.getTime() - (days - 1) * DAY_MS), timeZone).slice(0, 10);

function byChannel(rows: readonly ClickCount[], since: string): ChannelClicks[] {
  const totals = new Map<string, number>();
  for (const r of rows) if (r.day >= since) totals.set(r.channel, (totals.get(r.channel) ?? 0) + r.count);
  return [...totals].map(([channel, clicks]) => ({ channel, clicks })).sort((a, b) => b.clicks - a.clicks || a.channel.localeCompare(b.channel));
}

const BAR = 22;
const LABEL_W = 130;
const WIDTH = 520;

/** One bar's geometry: its label's and count's positions and its length. */
export type ChartBar = { channel: string; clicks: number; y: number; textY: number; width: number; countX: number };

/** A horizontal bar per channel, the count written at the bar's end (laid out by templates/_click-chart.html.hbs). */
function chart(days: number, data: readonly ChannelClicks[], scope: string) {
  const max = Math.max(1, ...data.map((d) => d.clicks));
  const total = data.reduce((n, d) => n + d.clicks, 0);
  const bars: ChartBar[] = data.map((d, i) => {
    const y = 8 + i * (BAR + 8);
    const width = Math.max(1, Math.round(((WIDTH - LABEL_W - 60) * d.clicks) / max));
    return { channel: d.channel, clicks: d.clicks, y, textY: y + BAR / 2 + 5, width, countX: LABEL_W + width + 6 };
  });
  return {
    id: `clicks-${scope}-${days}`,
    title: `Apply clicks by channel, last ${days} days: ${total}`,
    desc: data.length ? data.map((d) => `${d.channel}: ${d.clicks}`).join(', ') : 'no clicks',
    width: WIDTH,
    height: Math.max(1, data.length) * (BAR + 8) + 8,
    labelX: LABEL_W - 8,
    barX: LABEL_W,
    barHeight: BAR,
    bars,
  };
}

/** The three periods' charts for `rows` (all roles, or one role's), ending `now` in `timeZone`. */
export function clickPeriods(rows: readonly ClickCount[], now: Date, timeZone: string, scope: string): ClickPeriod[] {
  return PERIODS.map((days) => {
    const data = byChannel(rows, periodStart(now, days, timeZone));
    return { days, total: data.reduce((n, d) => n + d.clicks, 0), byChannel: data, chart: chart(days, data, scope) };
  });
}
