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

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: this.registers });
  }
  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: this.registers });
  }
  // Summaries without quantiles, as before prom-client: _sum and _count, which rate() needs.
  private summary(name: string, help: string): Summary {
    return new Summary({ name, help, percentiles: [], registers: this.registers });
  }

  readonly publishRuns = this.counter('jobcast_publish_runs_total', 'Publish runs by result', ['reason', 'result']);
  readonly publishDuration = this.summary('jobcast_publish_duration_seconds', 'Duration of publish runs');
  readonly buildDuration = this.summary('jobcast_build_duration_seconds', 'Duration of the build step of publish runs');
  readonly deliveries = this.counter('jobcast_deliveries_total', 'Notification attempts by notifier and outcome', ['notifier', 'result']);
  readonly outboxItems = this.gauge('jobcast_outbox_items', 'Notifications in the outbox by notifier and status', ['notifier', 'status']);
  readonly postings = this.gauge('jobcast_postings', 'Postings by lifecycle state at the last publish', ['state']);
  readonly leader = this.gauge('jobcast_leader', 'Whether this instance holds the writer lease now (1: leader, 0: follower)', []);
  readonly ledgerRun = this.gauge('jobcast_ledger_run', "The ledger's last recorded publish run", []);
  readonly applyClicks = this.counter('jobcast_apply_clicks_total', 'Apply clicks counted by the redirect, by source channel', ['channel']);
  private readonly scrapes: (() => Promise<void>)[] = [];

  /** Read `fn` again before every scrape (values that live in the ledger, shared by every instance). */
  onScrape(fn: () => Promise<void>): void {
    this.scrapes.push(fn);
  }

  /** Replace a gauge's label sets at once (a count per group from a query), so groups that vanished disappear. */
  static replace<L extends string>(gauge: Gauge<L>, rows: readonly Row<L>[]): void {
    gauge.reset();
    for (const r of rows) gauge.set(r.labels, r.value);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async text(): Promise<string> {
    // A ledger that cannot be read leaves the last values; /healthz says why.
    await Promise.all(this.scrapes.map((fn) => fn().catch(() => undefined)));
    return this.registry.metrics();
  }
}
