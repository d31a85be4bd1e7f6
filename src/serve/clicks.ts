/**
 * Counting apply clicks without collecting people: no cookie is set and no address, user agent or
 * referrer is stored. Bots and crawlers (known user agents), HEAD requests and prefetches are not
 * counted; repeats from one client within BURST_MS count once, told apart by a hash kept in memory
 * only, for that window. Counts are added to the ledger in batches, so the redirect never waits on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ClickCount } from '../ledger/ledger';

/** User agents that are not people: crawlers, link previews, monitors, HTTP libraries. */
export const BOT_AGENT =
  /bot\b|bot\/|crawl|spider|slurp|bingpreview|facebookexternalhit|embedly|preview|monitor|pingdom|uptime|headless|lighthouse|curl\/|wget\/|python-requests|axios\/|go-http-client|java\/|okhttp|httpclient|scrapy|feedfetcher|mediapartners/i;

const BURST_MS = 30_000;
const MAX_CLIENTS = 100_000;

export interface ClickRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The client address as the server sees it (after trust proxy); hashed in memory, never kept. */
  address: string;
}

const header = (r: ClickRequest, name: string): string => {
  const v = r.headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).toLowerCase();
};

/** Why a request is not a person's click, or undefined when it counts. */
export function notAClick(r: ClickRequest): string | undefined {
  if (r.method !== 'GET') return 'not a GET';
  const agent = header(r, 'user-agent');
  if (!agent || BOT_AGENT.test(agent)) return 'a bot';
  const purpose = `${header(r, 'purpose')} ${header(r, 'sec-purpose')} ${header(r, 'x-purpose')} ${header(r, 'x-moz')}`;
  if (/prefetch|prerender|preview/.test(purpose)) return 'a prefetch';
  return undefined;
}

export class ClickCounter {
  private readonly pending = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  // A fresh salt per process: the in-memory keys cannot be matched to anything outside it.
  private readonly salt = randomBytes(16);

  constructor(
    private readonly flushTo: (rows: ClickCount[]) => Promise<void>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Count one click of `posting` from `channel` on `day`, unless it is no person's or a repeat; true when counted. */
  count(posting: string, channel: string, day: string, r: ClickRequest): boolean {
    if (notAClick(r)) return false;
    const now = this.clock();
    const client = createHash('sha256')
      .update(this.salt)
      .update(`${r.address}\0${header(r, 'user-agent')}\0${posting}\0${channel}`)
      .digest('base64url');
    const last = this.seen.get(client);
    if (last !== undefined && now - last < BURST_MS) return false;
    if (this.seen.size >= MAX_CLIENTS) this.forgetOld(now);
    this.seen.set(client, now);
    const key = `${posting}\0${channel}\0${day}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return true;
  }

  private forgetOld(now: number): void {
    for (const [k, at] of this.seen) if (now - at >= BURST_MS) this.seen.delete(k);
    // Still full (a flood of distinct clients): start over rather than grow without bound.
    if (this.seen.size >= MAX_CLIENTS) this.seen.clear();
  }

  /** Hand the counted clicks to the ledger; on failure they stay pending for the next flush. */
  async flush(): Promise<number> {
    if (!this.pending.size) return 0;
    const rows = [...this.pending].map(([key, count]) => {
      const [posting, channel, day] = key.split('\0') as [string, string, string];
      return { posting, channel, day, count };
    });
    this.pending.clear();
    try {
      await this.flushTo(rows);
    } catch (err) {
      for (const r of rows) {
        const key = `${r.posting}\0${r.channel}\0${r.day}`;
        this.pending.set(key, (this.pending.get(key) ?? 0) + r.count);
      }
      throw err;
    }
    return rows.reduce((n, r) => n + r.count, 0);
  }
}
