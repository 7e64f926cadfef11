/**
 * The weight norm's sum of squares: a fixed order (four interleaved sums) whatever the tensor's length,
 * so the clamp's factor is the same double on every machine.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/grok/random.ts';
import { sumOfSquares } from '../../src/grok/train/norms.ts';

/** The documented order, written out: element i into sum i mod 4, then (s0 + s1) + (s2 + s3). */
function interleaved(x: ArrayLike<number>): number {
  const sums = [0, 0, 0, 0];
  for (let i = 0; i < x.length; i++) sums[i % 4] += x[i] * x[i];
  return sums[0] + sums[1] + (sums[2] + sums[3]);
}

describe('sumOfSquares', () => {
  it('adds in the documented order, for every length remainder, float32 and float64 tensors', () => {
    const rng = new Rng(7);
    for (let n = 0; n <= 13; n++) {
      const values = Array.from({ length: n }, () => rng.normal() * 10 ** Math.floor(rng.uniform() * 8 - 4));
      for (const x of [Float64Array.from(values), Float32Array.from(values)]) {
        expect(sumOfSquares(x)).toBe(interleaved(x));
      }
    }
  });

  it('is the sum of squares to within double rounding', () => {
    const rng = new Rng(8);
    const x = Float64Array.from({ length: 100_003 }, () => rng.normal());
    let kahan = 0;
    let carry = 0;
    for (const v of x) {
      const y = v * v - carry;
      const t = kahan + y;
      carry = t - kahan - y;
      kahan = t;
    }
    expect(Math.abs(sumOfSquares(x) / kahan - 1)).toBeLessThan(1e-12);
  });
});
