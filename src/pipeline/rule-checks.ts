/**
 * What the channels' rules said of one posting, as the source cache keeps it: the render key they
 * ran for (one for every channel: renderKey has no channel in it), the channels whose rules ran, and
 * only what they found. The file, channel and posting of a finding are what the record and the key
 * of `found` already say, so they are not kept (at 10,000 roles the nine `{ key, diagnostics }` per
 * role this replaces were two thirds of every cache line).
 */
import type { Audience } from '../adapter';
import type { Diagnostic } from '../diagnostics';
import { sameJsonValue } from '../util/stable-json';

/** A diagnostic from a channel's rules, without where it is (the file) and whose it is (channel, posting). */
export type Finding = Omit<Diagnostic, 'file' | 'channel' | 'posting'>;

export interface RuleChecks {
  /** The render key the rules ran for; '' when none did. */
  readonly key: string;
  /** The channels whose rules ran, in registry order. */
  readonly channels: readonly string[];
  /** By channel, what its rules found, for each channel that found anything. */
  readonly found: Readonly<Record<string, readonly Finding[]>>;
  /**
   * By channel, the receivers the posting is live for (`audience`), for each channel that has one and
   * carries the posting: publish reads them instead of parsing every posting again. Pure and keyed
   * like the rules, so equal keys mean equal audiences.
   */
  readonly audience?: Readonly<Record<string, readonly Audience[]>>;
}

/** The empty list of findings, shared (frozen: never added to). */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

export const NO_CHECKS: RuleChecks = Object.freeze({ key: '', channels: Object.freeze([]), found: Object.freeze({}) });

/** A finding as kept: a diagnostic without its file, channel and posting. */
export function findingOf(d: Diagnostic): Finding {
  const { file: _f, channel: _c, posting: _p, ...finding } = d;
  return finding;
}

/** The finding reported for a posting again: in its file, from its channel. */
export const diagnosticOf = (f: Finding, file: string, channel: string, posting: string): Diagnostic => Object.assign({ file }, f, { channel, posting });

/** As versions before this one wrote a record's checks: per channel, its key and every diagnostic. */
type PerChannelChecks = Record<string, { key: string; diagnostics: Diagnostic[] }>;

/** Checks as a cache line holds them: without `found` when nothing was, or as an earlier version wrote them. */
export type LineChecks = (Omit<RuleChecks, 'found'> & { found?: RuleChecks['found'] }) | PerChannelChecks;

const isRuleChecks = (raw: LineChecks): raw is Omit<RuleChecks, 'found'> & { found?: RuleChecks['found'] } =>
  typeof raw.key === 'string' && Array.isArray(raw.channels);

/**
 * A record's checks as read from a cache line, of this version or an earlier one; `lists` keeps one
 * copy of each list of channels (nearly every role has the same).
 */
export function checksFromLine(raw: LineChecks, lists: Map<string, readonly string[]>): RuleChecks {
  if (isRuleChecks(raw)) {
    const checks = { key: raw.key, channels: sharedList(raw.channels, lists), found: raw.found ?? NO_CHECKS.found };
    return raw.audience ? Object.assign(checks, { audience: raw.audience }) : checks;
  }
  const names = Object.keys(raw);
  const keys = new Set(names.map((n) => raw[n]!.key));
  const found: Record<string, Finding[]> = {};
  for (const n of names) if (raw[n]!.diagnostics.length) found[n] = raw[n]!.diagnostics.map(findingOf);
  // Keys that differ by channel came from code that put the channel in the key: they match nothing now.
  return { key: keys.size === 1 ? [...keys][0]! : '', channels: sharedList(names, lists), found };
}

export function sharedList(names: readonly string[], lists: Map<string, readonly string[]>): readonly string[] {
  const id = names.join(',');
  const hit = lists.get(id);
  if (hit) return hit;
  const list = Object.freeze([...names]);
  lists.set(id, list);
  return list;
}

export const sameChecks = (a: RuleChecks, b: RuleChecks): boolean =>
  a.key === b.key && (a.channels === b.channels || a.channels.join(',') === b.channels.join(',')) && sameJsonValue(a.found, b.found);
