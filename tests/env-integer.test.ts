/** Tuning knobs from the environment (src/util/env-integer.ts): a bad value keeps the default. */
import fc from 'fast-check';
import { envInteger } from '../src/util/env-integer';

const read = (raw: string | undefined, min = 0) => envInteger('KNOB', 30_000, min, raw === undefined ? {} : { KNOB: raw });

it('reads whole numbers at or above the minimum, with spaces around them', () => {
  expect(read('0')).toBe(0);
  expect(read(' 250 ')).toBe(250);
  expect(read('200', 200)).toBe(200);
});

it('keeps the default when unset, empty, not a whole number, or below the minimum', () => {
  for (const raw of [undefined, '', '  ', 'abc', '1.5', '-1', 'NaN', 'Infinity', '1e400']) expect(read(raw)).toBe(30_000);
  expect(read('199', 200)).toBe(30_000);
});

it('is the default or the number the string spells, for any string', () => {
  fc.assert(
    fc.property(fc.string(), fc.nat(1000), (raw, min) => {
      const v = read(raw, min);
      const n = Number(raw.trim());
      expect(v === 30_000 || (raw.trim() !== '' && Number.isInteger(n) && n >= min && v === n)).toBe(true);
    }),
  );
});
