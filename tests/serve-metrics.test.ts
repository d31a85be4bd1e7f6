/** The service's metrics registry (src/serve/metrics.ts): names, exposition, and gauges replaced whole. */
import { Metrics } from '../src/serve/metrics';

describe('Metrics', () => {
  it('replaces a gauge family at once: a group the query no longer returns is gone, not stale', async () => {
    const m = new Metrics();
    Metrics.replace(m.outboxItems, [
      { labels: { notifier: 'webhook', status: 'pending' }, value: 1 },
      { labels: { notifier: 'webhook', status: 'sent' }, value: 3 },
    ]);
    Metrics.replace(m.outboxItems, [{ labels: { notifier: 'webhook', status: 'sent' }, value: 4 }]);
    const text = await m.text();
    expect(text).toMatch(/^jobcast_outbox_items\{notifier="webhook",status="sent"\} 4$/m);
    expect(text).not.toContain('status="pending"');
  });

  it('keeps each service its own counts, and nothing but ours (no process metrics)', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.publishRuns.inc({ reason: 'manual', result: 'ok' });
    a.publishDuration.observe(1.5);
    expect(await a.text()).toMatch(/^jobcast_publish_runs_total\{reason="manual",result="ok"\} 1$/m);
    expect(await a.text()).toMatch(/^jobcast_publish_duration_seconds_sum 1\.5$/m);
    expect(await b.text()).not.toMatch(/^jobcast_publish_runs_total\{/m);
    const names = new Set([...(await b.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => `${x[1]} ${x[2]}`));
    expect([...names].sort()).toEqual([
      'jobcast_apply_clicks_total counter',
      'jobcast_build_duration_seconds summary',
      'jobcast_deliveries_total counter',
      'jobcast_leader gauge',
      'jobcast_ledger_run gauge',
      'jobcast_outbox_items gauge',
      'jobcast_postings gauge',
      'jobcast_publish_duration_seconds summary',
      'jobcast_publish_runs_total counter',
    ]);
    expect(b.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
