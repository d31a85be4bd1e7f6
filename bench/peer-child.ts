/**
 * The peer column: what a user would otherwise write for the same roles, in its own process. A plain
 * script reads every posting with `yaml`, renders a job page with handlebars (bench/peer/job-page.hbs:
 * title, facts, summary, lists, JSON-LD) and writes it; then the `rss` package and the `feed` package
 * each build one feed of every role (title, link, date, HTML description). No validation, no rules,
 * no other channel, nothing reused — the floor of doing it by hand.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import RSS from 'rss';
import { parse } from 'yaml';
import { childArgs, childFailed, childReporter, maxRssMiB, now } from './common';

export interface PeerChildArgs {
  postingsDir: string;
  outDir: string;
}

export interface PeerChildResult {
  roles: number;
  /** Read + parse + render + write every page. */
  pagesMs: number;
  rssMs: number;
  feedMs: number;
  totalMs: number;
  peakRssMiB: number;
}

interface Role {
  id: string;
  title: string;
  summary: string;
  datePosted: string;
  lists: { heading: string; items: string[] }[];
  locations: { locality?: string; country?: string }[];
  apply: string;
}

const SITE = 'https://jobs.example.com';
const LISTS = ['responsibilities', 'qualifications', 'preferred', 'benefits'];

/** A YAML scalar as text (the generated roles' values are strings, numbers and dates). */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v instanceof Date ? v.toISOString() : '';

function roleOf(id: string, doc: Record<string, unknown>): Role {
  const list = (k: string) => (Array.isArray(doc[k]) ? (doc[k] as unknown[]).map((v) => text(v)) : []);
  return {
    id,
    title: text(doc.title),
    summary: text(doc.summary),
    datePosted: text(doc.datePosted),
    lists: LISTS.map((heading) => ({ heading, items: list(heading) })).filter((l) => l.items.length),
    locations: (doc.locations as Role['locations'] | undefined) ?? [],
    apply: String((doc.apply as { url?: string } | undefined)?.url ?? ''),
  };
}

const html = (r: Role) =>
  `<p>${Handlebars.escapeExpression(r.summary)}</p>${r.lists.map((l) => `<ul>${l.items.map((i) => `<li>${Handlebars.escapeExpression(i)}</li>`).join('')}</ul>`).join('')}`;

async function pages(args: PeerChildArgs, roles: Role[]): Promise<void> {
  const page = Handlebars.compile(readFileSync(path.join(__dirname, '..', '..', 'bench', 'peer', 'job-page.hbs'), 'utf8'));
  const names = (await fs.readdir(args.postingsDir)).filter((n) => n.endsWith('.yaml')).sort();
  for (const name of names) {
    const id = name.slice(0, -'.yaml'.length);
    const role = roleOf(id, parse(await fs.readFile(path.join(args.postingsDir, name), 'utf8')) as Record<string, unknown>);
    roles.push(role);
    const url = `${SITE}/jobs/${id}/`;
    const jsonLd = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'JobPosting',
      title: role.title,
      datePosted: role.datePosted,
      description: html(role),
    }).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const out = page({ ...role, company: 'Example', url, jsonLd, summary: role.summary.split(/\n\n+/), sections: role.lists });
    await fs.mkdir(path.join(args.outDir, 'jobs', id), { recursive: true });
    await fs.writeFile(path.join(args.outDir, 'jobs', id, 'index.html'), out);
  }
}

async function rssFeed(args: PeerChildArgs, roles: Role[]): Promise<void> {
  const feed = new RSS({ title: 'Example jobs', site_url: `${SITE}/jobs/`, feed_url: `${SITE}/feeds/jobs.rss` });
  for (const r of roles) feed.item({ title: r.title, description: html(r), url: `${SITE}/jobs/${r.id}/`, date: new Date(r.datePosted) });
  await fs.writeFile(path.join(args.outDir, 'rss.xml'), feed.xml({ indent: true }));
}

async function feedPackage(args: PeerChildArgs, roles: Role[]): Promise<void> {
  const { Feed } = await import('feed');
  const feed = new Feed({ title: 'Example jobs', id: `${SITE}/jobs/`, link: `${SITE}/jobs/`, copyright: 'Example' });
  for (const r of roles)
    feed.addItem({ title: r.title, id: `${SITE}/jobs/${r.id}/`, link: `${SITE}/jobs/${r.id}/`, date: new Date(r.datePosted), content: html(r) });
  await fs.writeFile(path.join(args.outDir, 'feed.rss'), feed.rss2());
  await fs.writeFile(path.join(args.outDir, 'feed.json'), feed.json1());
}

async function main(): Promise<void> {
  const args = childArgs<PeerChildArgs>();
  const report = childReporter();
  const roles: Role[] = [];
  const t0 = now();
  report.phase('peer: handlebars pages');
  await pages(args, roles);
  const t1 = now();
  report.phase('peer: rss package');
  await rssFeed(args, roles);
  const t2 = now();
  report.phase('peer: feed package');
  await feedPackage(args, roles);
  const t3 = now();
  const data: PeerChildResult = { roles: roles.length, pagesMs: t1 - t0, rssMs: t2 - t1, feedMs: t3 - t2, totalMs: t3 - t0, peakRssMiB: maxRssMiB() };
  report.stop();
  await report.send({ type: 'result', data });
}

main().then(() => process.exit(0), childFailed);
