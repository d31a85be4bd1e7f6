/**
 * sameJsonValue stands for comparing stableStringify texts (the no-op check compares 10,000 cache
 * records with it): a property over random JSON, their reordered copies and near-copies.
 */
import fc from 'fast-check';
import { sameJsonValue, stableStringify } from '../src/util/stable-json';

/** The value with every object's keys in reverse order: equal JSON, other key order. */
const reordered = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(reordered);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reordered(x)]),
    );
  return v;
};

/** The value with one leaf replaced, when it has one. */
const touched = (v: unknown, by: unknown): unknown => {
  if (Array.isArray(v)) return v.length ? [touched(v[0], by), ...v.slice(1)] : [by];
  if (v && typeof v === 'object') {
    const [first] = Object.keys(v);
    return first === undefined ? { x: by } : { ...v, [first]: touched((v as Record<string, unknown>)[first], by) };
  }
  return by;
};

const json = fc.jsonValue({ maxDepth: 3 });

/** How stableStringify was first written: JSON.stringify with a replacer that sorts every object's keys. */
const replacerStringify = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });

describe('stableStringify', () => {
  // Its text is hashed into digests the ledger keeps: a different text would be a new version of every subject.
  it('writes the text the replacer version wrote, for any data', () => {
    const leaf = fc.oneof(
      fc.jsonValue({ maxDepth: 0 }),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
      fc.constantFrom(NaN, -0, Infinity, 1e21, 5e-7),
      fc.func(fc.nat()),
    );
    const data = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(
      fc.property(data, (v) => expect(stableStringify(v)).toBe(replacerStringify(v))),
      { numRuns: 1000 },
    );
  });
});

describe('sameJsonValue', () => {
  it('agrees with comparing stableStringify texts', () => {
    fc.assert(
      fc.property(json, json, fc.jsonValue({ maxDepth: 0 }), (a, b, leaf) => {
        for (const other of [b, reordered(a), touched(a, leaf)]) expect(sameJsonValue(a, other)).toBe(stableStringify(a) === stableStringify(other));
      }),
    );
  });

  it('treats a key holding undefined as absent, as JSON does', () => {
    expect(sameJsonValue({ a: 1, fix: undefined }, { a: 1 })).toBe(true);
    expect(sameJsonValue({ a: 1 }, { a: 1, b: undefined, c: 2 })).toBe(false);
    expect(sameJsonValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
