/**
 * Link ops travel to the link worker as lines of one string (packOps): whatever the paths hold
 * besides tab and newline, and whatever the sizes, the worker reads back the ops that were sent.
 */
import fc from 'fast-check';
import { packOps, unpackOps, type LinkOp } from '../src/pipeline/link-files';

const pathText = fc
  .string({ unit: fc.oneof(fc.constantFrom('/', ' ', '.', 'é', '😀', ';', '\\'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1 })
  .filter((p) => !/[\t\n]/.test(p));
const op: fc.Arbitrary<LinkOp> = fc.record({
  from: pathText,
  to: pathText,
  size: fc.nat(),
  held: fc.constantFrom('same', 'other', 'none'),
  recycled: fc.boolean(),
});

describe('link ops packed for the worker', () => {
  it('read back as the ops of the batch, in order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), fc.nat(25), fc.nat(25), (ops, a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect(unpackOps(packOps(ops, from, to))).toEqual(ops.slice(from, to));
      }),
    );
  });
});
