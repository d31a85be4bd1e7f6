/** A small Prometheus text-format registry (counters, gauges, summaries with labels). */

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
const render = (labels: Labels) => {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  values: Map<string, { labels: Labels; value: number; sum?: number; count?: number }>;
}

export class Metrics {
  private readonly metrics = new Map<string, Metric>();

  private metric(name: string, help: string, type: Metric['type']): Metric {
    let m = this.metrics.get(name);
    if (!m) this.metrics.set(name, (m = { name, help, type, values: new Map() }));
    return m;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const m = this.metric(name, help, 'counter');
    const k = key(labels);
    const cur = m.values.get(k) ?? { labels, value: 0 };
    cur.value += by;
    m.values.set(k, cur);
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.metric(name, help, 'gauge').values.set(key(labels), { labels, value });
  }

  /** Replace a gauge family at once (e.g. postings by state), so vanished label sets disappear. */
  setAll(name: string, help: string, rows: readonly { labels: Labels; value: number }[]): void {
    const m = this.metric(name, help, 'gauge');
    m.values.clear();
    for (const r of rows) m.values.set(key(r.labels), { labels: r.labels, value: r.value });
  }

  observe(name: string, help: string, value: number, labels: Labels = {}): void {
    const m = this.metric(name, help, 'summary');
    const k = key(labels);
    const cur = m.values.get(k) ?? { labels, value: 0, sum: 0, count: 0 };
    cur.sum! += value;
    cur.count! += 1;
    cur.value = value;
    m.values.set(k, cur);
  }

  text(): string {
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`);
      for (const v of m.values.values()) {
        if (m.type === 'summary') {
          out.push(`${m.name}_sum${render(v.labels)} ${v.sum}`, `${m.name}_count${render(v.labels)} ${v.count}`);
        } else {
          out.push(`${m.name}${render(v.labels)} ${v.value}`);
        }
      }
    }
    return out.join('\n') + '\n';
  }
}
