/**
 * The service's Prometheus metrics (docs/operations.md), kept by prom-client in a registry of this
 * service's own rather than prom-client's global one: two services in one process (the tests) must
 * never add to each other's counts.
 */
import { Counter, Gauge, Registry, Summary } from 'prom-client';

// Label names in alphabetical order, and label objects written in that order at each call (the
// exposition keeps the order it is given): the series read as they did before prom-client.
type Row<L extends string> = { labels: Record<L, string>; value: number };

export class Metrics {
  private readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly publishRuns = new Counter({
    name: 'jobcast_publish_runs_total',
    help: 'Publish runs by result',
    labelNames: ['reason', 'result'] as const,
    registers: this.registers,
  });
  // Summaries without quantiles, as before prom-client: _sum and _count, which rate() needs.
  readonly publishDuration = new Summary({
    name: 'jobcast_publish_duration_seconds',
    help: 'Duration of publish runs',
    percentiles: [],
    registers: this.registers,
  });
  readonly buildDuration = new Summary({
    name: 'jobcast_build_duration_seconds',
    help: 'Duration of the build step of publish runs',
    percentiles: [],
    registers: this.registers,
  });
  readonly deliveries = new Counter({
    name: 'jobcast_deliveries_total',
    help: 'Notification attempts by notifier and outcome',
    labelNames: ['notifier', 'result'] as const,
    registers: this.registers,
  });
  readonly outboxItems = new Gauge({
    name: 'jobcast_outbox_items',
    help: 'Notifications in the outbox by notifier and status',
    labelNames: ['notifier', 'status'] as const,
    registers: this.registers,
  });
  readonly postings = new Gauge({
    name: 'jobcast_postings',
    help: 'Postings by lifecycle state at the last publish',
    labelNames: ['state'] as const,
    registers: this.registers,
  });

  /** Replace a gauge's label sets at once (a count per group from a query), so groups that vanished disappear. */
  static replace<L extends string>(gauge: Gauge<L>, rows: readonly Row<L>[]): void {
    gauge.reset();
    for (const r of rows) gauge.set(r.labels, r.value);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
