/**
 * Issue #18, several instances behind a load balancer: each counts the clicks it answers and adds its
 * batches to the shared PostgreSQL ledger; concurrent flushes from separate connections add up to
 * exactly the clicks counted, never more (no double counting) and never fewer (no lost update).
 */
import { Ledger } from '../src/ledger/ledger';
import { ClickCounter } from '../src/serve/clicks';
import { usePostgres } from './helpers/postgres';

const postgres = usePostgres();
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36';

test('three instances counting the same roles at once: the ledger holds exactly the sum', async () => {
  const url = await postgres().freshDatabase();
  const ledgers = await Promise.all([0, 1, 2].map(() => Ledger.open(url)));
  try {
    const counters = ledgers.map((l) => new ClickCounter((rows) => l.addClicks(rows)));
    let expected = 0;
    // Each instance sees its own clients (a load balancer spreads them); 200 clients each, 4 flushes.
    for (let round = 0; round < 4; round++) {
      counters.forEach((c, i) => {
        for (let n = 0; n < 50; n++) {
          const client = { method: 'GET', headers: { 'user-agent': `${BROWSER} ${round}-${n}` }, address: `10.${i}.0.${n}` };
          if (c.count(n % 2 ? 'role-a' : 'role-b', n % 3 ? 'rss' : 'linkedin', '2026-12-01', client)) expected++;
        }
      });
      await Promise.all(counters.map((c) => c.flush()));
    }
    expect(expected).toBe(600);
    const rows = await ledgers[0]!.clicks();
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(expected);
    expect(rows.map((r) => `${r.posting} ${r.channel}`).sort()).toEqual(['role-a linkedin', 'role-a rss', 'role-b linkedin', 'role-b rss']);
  } finally {
    await Promise.all(ledgers.map((l) => l.close()));
  }
}, 60_000);
