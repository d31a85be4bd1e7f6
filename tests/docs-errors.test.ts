/**
 * docs/errors.md and the code registries stay in step: every code jobcast can report is documented
 * exactly once, and nothing else is. The registries are the core's CODES, each channel's `codes`
 * and each notifier's `codes`, found through the adapter and notifier lists, so a new channel or
 * notifier is covered without being named here; the one registry in src/errors.ts must hold exactly those.
 *
 * The doc's format: an entry is a Markdown table row whose first cell is one code in backticks,
 * after an anchor named after it (the `docs` link every diagnostic carries, src/errors.ts docsLink),
 *
 *   | <a id="jc_file_read"></a>`JC_FILE_READ` | error (file held back) | what it means | what to do |
 *
 * with four non-empty cells; its kind (second cell) starts with a kind the legend defines in bold
 * under "## How serious it is"; a channel's codes sit under the heading "## Channel `<name>`", a
 * notifier's under "## Notifier `<name>`".
 * No other row may start with a code in backticks, and fenced code blocks are skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { adapters } from '../adapters';
import { notifiers } from '../notifiers';
import type { Adapter } from '../src/adapter';
import type { Notifier } from '../src/publish/notifier';
import { CODES, docsLink, INTERNAL_CODES, registeredCodes } from '../src/errors';
import { FAILURES } from '../src/failures';

const ROOT = path.join(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'errors.md');
const LEGEND_HEADING = 'How serious it is';
/** Markers inside one process that never reach a user (src/errors.ts INTERNAL_CODES). */
const INTERNAL_MARKERS = new Set<string>(Object.values(INTERNAL_CODES));

interface Registry {
  name: string;
  codes: Readonly<Record<string, string>>;
  /** The heading its codes sit under: "Channel `<name>`" or "Notifier `<name>`". */
  heading?: string;
}

interface Entry {
  code: string;
  line: number;
  /** The `## ` heading the row is under. */
  section: string;
  /** The row's anchor, if it has one. */
  anchor: string | undefined;
  cells: string[];
}

function registriesOf(list: readonly Adapter[], plugins: readonly Notifier[]): Registry[] {
  return [
    { name: 'CODES (src/errors.ts)', codes: CODES },
    ...list.flatMap((a) => (a.codes ? [{ name: `channel ${a.name}`, codes: a.codes, heading: `Channel \`${a.name}\`` }] : [])),
    ...plugins.flatMap((n) => (n.codes ? [{ name: `notifier ${n.name}`, codes: n.codes, heading: `Notifier \`${n.name}\`` }] : [])),
  ];
}

const FIRST_CELL_CODE = /^\|\s*(?:<a id="([^"]*)"><\/a>)?`([^`]+)`\s*\|/;

/** Cells of a table row, split at pipes that are not escaped (`\|` inside a cell). */
const cellsOf = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

function parseDoc(markdown: string): { entries: Entry[]; kinds: string[] } {
  const entries: Entry[] = [];
  const kinds: string[] = [];
  let section = '';
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    if (fenced) return;
    if (text.startsWith('## ')) section = text.slice(3).trim();
    if (section === LEGEND_HEADING && text.startsWith('|')) {
      const first = cellsOf(text)[0] ?? '';
      for (const m of first.matchAll(/\*\*([^*]+)\*\*/g)) kinds.push(m[1]!);
    }
    const m = FIRST_CELL_CODE.exec(text);
    if (m) entries.push({ code: m[2]!, anchor: m[1], line: i + 1, section, cells: cellsOf(text) });
  });
  return { entries, kinds };
}

/** Everything wrong between the doc and the registries; empty when they agree. */
function problems(markdown: string, registries: readonly Registry[]): string[] {
  const out: string[] = [];
  const owner = new Map<string, Registry>();
  for (const r of registries) {
    const values = Object.values(r.codes);
    if (values.length === 0) out.push(`${r.name} is empty`);
    for (const code of values) {
      if (!/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(code)) out.push(`${r.name}: "${code}" does not look like a code (UPPER_SNAKE_CASE)`);
      const other = owner.get(code);
      if (other === r) out.push(`${r.name} lists ${code} under two names`);
      else if (other) out.push(`${code} is in two registries: ${other.name} and ${r.name}`);
      else owner.set(code, r);
    }
  }

  const { entries, kinds } = parseDoc(markdown);
  if (kinds.length === 0) out.push(`docs/errors.md defines no kinds: expected **bold** names in the first column under "## ${LEGEND_HEADING}"`);
  const byCode = new Map<string, Entry[]>();
  for (const e of entries) byCode.set(e.code, [...(byCode.get(e.code) ?? []), e]);

  for (const [code, r] of owner) {
    const found = byCode.get(code) ?? [];
    if (found.length === 0) out.push(`${code} (${r.name}) is not documented in docs/errors.md`);
    if (found.length > 1) out.push(`${code} is documented ${found.length} times, at lines ${found.map((e) => e.line).join(', ')}`);
    for (const e of found) {
      if (r.heading && e.section !== r.heading) out.push(`${code} (line ${e.line}) is under "## ${e.section}", not "## ${r.heading}"`);
    }
  }
  for (const e of entries) {
    const at = `docs/errors.md:${e.line}`;
    if (!owner.has(e.code)) out.push(`${at} documents ${e.code}, which no registry has (retired, misspelt, or a code that is not a code?)`);
    if (e.cells.length !== 4 || e.cells.some((c) => c === '')) out.push(`${at}: a row needs four non-empty cells: code | kind | what it means | what to do`);
    if (`docs/errors.md#${e.anchor ?? ''}` !== docsLink(e.code)) out.push(`${at}: ${e.code} needs the anchor <a id="${e.code.toLowerCase()}"></a> before it`);
    const kind = e.cells[1] ?? '';
    if (!kinds.some((k) => kind.startsWith(k))) out.push(`${at}: kind "${kind}" does not start with one of the legend's: ${kinds.join('; ')}`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

const doc = readFileSync(DOC, 'utf8');
const registries = registriesOf(adapters, notifiers);

describe('docs/errors.md', () => {
  it('documents every registered code exactly once, under its channel, and nothing else', () => {
    expect(problems(doc, registries)).toEqual([]);
  });

  it('covers the core, the build, every channel with rules and every notifier with codes', () => {
    const all = registries.flatMap((r) => Object.values(r.codes));
    expect(all).toEqual(expect.arrayContaining(Object.values(CODES)));
    // The one registry holds exactly these, each under its owner; no code is outside it.
    const registered = [...registeredCodes()].filter(([code]) => !INTERNAL_MARKERS.has(code));
    expect(registered.map(([code]) => code).sort()).toEqual([...new Set(all)].sort());
    for (const a of adapters) for (const code of Object.values(a.codes ?? {})) expect([code, registeredCodes().get(code)]).toEqual([code, a.name]);
    // Every failure a command can stop with is made from a registered code.
    for (const f of Object.values(FAILURES)) expect(registeredCodes().get(f.code)).toBe('core');
    // A channel with rules must say which codes they raise, or its codes would go undocumented.
    const silent = adapters.filter((a) => a.check && Object.keys(a.codes ?? {}).length === 0).map((a) => a.name);
    expect(silent).toEqual([]);
    for (const n of notifiers) expect(all).toEqual(expect.arrayContaining(Object.values(n.codes ?? {})));
  });

  it('leaves no core code outside the registry: every JC_ literal in the source is registered', () => {
    const registered = new Set(registries.flatMap((r) => Object.values(r.codes)));
    const stray: string[] = [];
    for (const file of ['src', 'adapters', 'notifiers'].flatMap((dir) => sourceFiles(path.join(ROOT, dir)))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](JC_[A-Z0-9_]+)['"`]/g)) {
        if (!registered.has(m[1]!) && !INTERNAL_MARKERS.has(m[1]!)) stray.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    expect(stray).toEqual([]);
  });

  describe('the check itself', () => {
    const code = Object.values(CODES)[0];
    const channel = registries.find((r) => r.heading?.startsWith('Channel'))!;
    const channelCode = Object.values(channel.codes)[0]!;
    const rowOf = (c: string) => doc.split('\n').find((l) => l.startsWith(`| <a id="${c.toLowerCase()}"></a>\`${c}\` |`))!;

    it('finds the entries and the kinds', () => {
      const { entries, kinds } = parseDoc(doc);
      expect(entries.map((e) => e.code)).toContain(code);
      expect(kinds).toEqual(expect.arrayContaining(['warning', 'error (file held back)', 'error (this channel only)']));
      expect(rowOf(code!)).toBeDefined();
    });

    it('fails when an entry is missing', () => {
      expect(problems(doc.replace(`${rowOf(code!)}\n`, ''), registries)).toEqual(
        expect.arrayContaining([expect.stringContaining(`${code} (CODES (src/errors.ts)) is not documented`)]),
      );
    });

    it('fails when an entry is repeated', () => {
      expect(problems(doc.replace(rowOf(code!), `${rowOf(code!)}\n${rowOf(code!)}`), registries)).toEqual(
        expect.arrayContaining([expect.stringContaining(`${code} is documented 2 times`)]),
      );
    });

    it('fails when the doc names a code no registry has', () => {
      const row = rowOf(code!).replace(code!, 'JC_NOT_A_CODE');
      expect(problems(doc.replace(rowOf(code!), `${rowOf(code!)}\n${row}`), registries)).toEqual(
        expect.arrayContaining([expect.stringContaining('documents JC_NOT_A_CODE, which no registry has')]),
      );
    });

    it('fails when a registry gains a code the doc lacks, or two registries share one', () => {
      const grown = registries.map((r) => (r === channel ? { ...r, codes: { ...r.codes, NEW_RULE: 'NEW_RULE_CODE' } } : r));
      expect(problems(doc, grown)).toEqual(expect.arrayContaining([expect.stringContaining('NEW_RULE_CODE (channel')]));
      const shared = [...registries, { name: 'another channel', codes: { X: channelCode }, heading: 'Channel `another`' }];
      expect(problems(doc, shared)).toEqual(expect.arrayContaining([expect.stringContaining(`${channelCode} is in two registries`)]));
    });

    it('fails when a channel code sits under another heading, or a row lacks a kind or a cell', () => {
      const moved = doc.replace(`${rowOf(channelCode)}\n`, '').replace(`${rowOf(code!)}\n`, `${rowOf(code!)}\n${rowOf(channelCode)}\n`);
      expect(problems(moved, registries)).toEqual(expect.arrayContaining([expect.stringContaining(`${channelCode} (line`)]));
      const cells = cellsOf(rowOf(code!));
      const unkind = `| ${[cells[0], 'bad', cells[2], cells[3]].join(' | ')} |`;
      expect(problems(doc.replace(rowOf(code!), unkind), registries)).toEqual(expect.arrayContaining([expect.stringContaining('kind "bad"')]));
      const short = `| ${[cells[0], cells[1], cells[2]].join(' | ')} |`;
      expect(problems(doc.replace(rowOf(code!), short), registries)).toEqual(expect.arrayContaining([expect.stringContaining('four non-empty cells')]));
    });
  });
});
