/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time aggregated by function + file, and
 * inclusive ("total") time per file group, so the top costs of a run read as a short table.
 *
 *   node build/bench/profile-summary.js /tmp/x.cpuprofile [more.cpuprofile …] [--top 25]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionCost {
  /** `name (file:line)`, the file relative to the repository or node_modules/<pkg>. */
  fn: string;
  selfMs: number;
  selfPct: number;
}

export interface ModuleCost {
  module: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  idlePct: number;
  gcPct: number;
  functions: FunctionCost[];
  /** Self time grouped by where the code lives: src/build, adapters, node_modules/yaml, node:internal … */
  modules: ModuleCost[];
  /** Inclusive time of the named functions (time in them and everything they call). */
  inclusive: FunctionCost[];
}

const REPO = path.resolve(__dirname, '..', '..');

/** A file URL shortened to something that names it without absolute paths. */
export function shortUrl(url: string): string {
  if (!url) return '(native)';
  let p = url.replace(/^file:\/\//, '');
  if (p.startsWith('node:')) return p;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) return `node_modules/${p.slice(nm + '/node_modules/'.length)}`;
  if (p.startsWith(REPO + '/')) p = p.slice(REPO.length + 1);
  return p.replace(/^build\//, '');
}

/** The group a file belongs to: its package, or its source folder. */
function moduleOf(url: string): string {
  const s = shortUrl(url);
  if (s.startsWith('node_modules/')) {
    const parts = s.split('/');
    return parts[1]!.startsWith('@') ? `node_modules/${parts[1]}/${parts[2]}` : `node_modules/${parts[1]}`;
  }
  if (s.startsWith('node:')) return 'node: (core)';
  if (s === '(native)') return '(native / V8)';
  const dir = path.dirname(s);
  return dir === '.' ? s : dir;
}

interface Totals {
  totalUs: number;
  idle: number;
  gc: number;
  fnSelf: Map<string, number>;
  modSelf: Map<string, number>;
  fnTotal: Map<string, number>;
}

const label = (cf: CallFrame) => {
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  return `${name} (${shortUrl(cf.url)}:${cf.lineNumber + 1})`;
};

/** Project code worth naming in the inclusive list: src/ and adapters/, not the harness or node internals. */
const isProjectCode = (url: string) => /^(src|adapters)\//.test(shortUrl(url));

function accumulate(t: Totals, profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from samples × time deltas (hitCount × mean interval as a fallback).
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!;
      // timeDeltas[i] is the time since the previous sample: charge it to this one.
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
    }
  } else {
    const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
    const per = (profile.endTime - profile.startTime) / total;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
  }
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    if (!us) continue;
    t.totalUs += us;
    const name = n.callFrame.functionName;
    if (name === '(idle)') t.idle += us;
    if (name === '(garbage collector)') t.gc += us;
    const key = label(n.callFrame);
    t.fnSelf.set(key, (t.fnSelf.get(key) ?? 0) + us);
    const mod = name.startsWith('(') && !n.callFrame.url ? name : moduleOf(n.callFrame.url);
    t.modSelf.set(mod, (t.modSelf.get(mod) ?? 0) + us);
  }
  // Inclusive time of project functions: the subtree of each, counted once per sample even under recursion.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const [id, us] of selfUs) {
    if (!us) continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      if (!isProjectCode(node.callFrame.url)) continue;
      const key = label(node.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      t.fnTotal.set(key, (t.fnTotal.get(key) ?? 0) + us);
    }
  }
}

/** One summary over one or more profiles (e.g. a process's main thread and its worker threads). */
export function summariseProfile(files: string | readonly string[], top = 25): ProfileSummary {
  const t: Totals = { totalUs: 0, idle: 0, gc: 0, fnSelf: new Map(), modSelf: new Map(), fnTotal: new Map() };
  for (const f of typeof files === 'string' ? [files] : files) accumulate(t, JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
  const totalUs = t.totalUs || 1;
  const rows = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([fn, us]) => ({ fn, selfMs: Math.round(us / 1000), selfPct: Math.round((us / totalUs) * 1000) / 10 }));
  return {
    totalMs: Math.round(totalUs / 1000),
    idlePct: Math.round((t.idle / totalUs) * 1000) / 10,
    gcPct: Math.round((t.gc / totalUs) * 1000) / 10,
    functions: rows(t.fnSelf, top),
    modules: rows(t.modSelf, 15).map((r) => ({ module: r.fn, selfMs: r.selfMs, selfPct: r.selfPct })),
    inclusive: rows(t.fnTotal, top),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const out: string[] = [];
  out.push(`profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, idle ${s.idlePct}%, GC ${s.gcPct}%`);
  out.push('', 'top self time by function:');
  for (const f of s.functions) out.push(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.fn}`);
  out.push('', 'self time by module:');
  for (const m of s.modules) out.push(`  ${m.selfPct.toFixed(1).padStart(5)}%  ${String(m.selfMs).padStart(6)} ms  ${m.module}`);
  out.push('', 'inclusive time of project functions (src/, adapters/: the function and what it calls):');
  for (const f of s.inclusive) out.push(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.fn}`);
  return out.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const files = args.filter((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
  if (!files.length) {
    process.stderr.write('usage: node build/bench/profile-summary.js FILE.cpuprofile… [--top N]   (several files are summed)\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summariseProfile(files, top))}\n`);
}
