/**
 * JSON with object keys sorted, so equal data always hashes the same. Written out here rather than
 * through JSON.stringify with a replacer that rebuilt every object sorted (publish digests 10,000
 * subjects a run): the text is the same (tests/stable-json.test.ts checks it against that), and so
 * are the digests the ledger keeps.
 */
export function stableStringify(value: unknown): string {
  return write(value) as string;
}

/** An array index as a property key: JavaScript lists those first, in numeric order, in any object. */
const isIndex = (k: string): boolean => {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;
};

/**
 * The keys sorted, as an object rebuilt from sorted entries lists them: index keys still come first
 * (in numeric order, where Object.keys already has them), then the rest sorted.
 */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  let i = 0;
  while (i < keys.length && isIndex(keys[i]!)) i++;
  if (i === 0) return keys.length > 1 ? keys.sort() : keys;
  return keys.slice(0, i).concat(keys.slice(i).sort());
}

function write(value: unknown): string | undefined {
  const v =
    value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
      ? (value as { toJSON(): unknown }).toJSON()
      : value;
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (write(v[i]) ?? 'null');
        return `${out}]`;
      }
      const o = v as Record<string, unknown>;
      let out = '';
      for (const k of sortedKeys(o)) {
        const text = write(o[k]);
        if (text !== undefined) out += `${out ? ',' : ''}${JSON.stringify(k)}:${text}`;
      }
      return `{${out}}`;
    }
    case 'bigint':
      // As JSON.stringify: a bigint has no JSON form.
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return undefined;
  }
}

/**
 * Whether two JSON-shaped values would give equal stableStringify text, without writing either: key
 * order does not count, and a key whose value is undefined is absent (as JSON drops it).
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJsonValue(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  return keys.length === Object.keys(y).filter((k) => y[k] !== undefined).length && keys.every((k) => sameJsonValue(x[k], y[k]));
}
