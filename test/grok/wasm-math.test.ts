/**
 * The elementary functions inside the WebAssembly kernels (exp, log, GELU and its derivative), probed
 * through the very code the kernels inline, against src/grok/math.ts and reference values.
 */
import { describe, expect, it } from 'vitest';
import { exp, gelu, geluDerivative, log } from '../../src/grok/math.ts';
import { Rng } from '../../src/grok/random.ts';
import { WASM_BUILDS } from './kernel-compare.ts';

/** Distance in units in the last place between two doubles of the same sign. */
function ulps64(a: number, b: number): number {
  const v = new Float64Array([a, b]);
  const i = new BigInt64Array(v.buffer);
  return Math.abs(Number(i[0] - i[1]));
}
function ulps32(a: number, b: number): number {
  const v = new Float32Array([a, b]);
  const i = new Int32Array(v.buffer);
  return Math.abs(i[0] - i[1]);
}
function grid(from: number, to: number, count: number, round: (x: number) => number = (x) => x): number[] {
  return Array.from({ length: count }, (_, i) => round(from + ((to - from) * i) / (count - 1)));
}

// Both builds: build/kernels-fma.wasm evaluates the same polynomials with one rounding per multiply-add.
describe.each(WASM_BUILDS)('$name', (build) => {
  const f64 = build.wasmMathProbe('f64');
  const f32 = build.wasmMathProbe('f32');

  describe('wasm exp', () => {
    it('float64: within 2 ulps of math.ts exp (each within 1 ulp of e^x) from underflow to overflow', () => {
      const xs = grid(-745, 709.7, 100_001);
      const ours = f64.exp(xs);
      let worst = 0;
      for (let i = 0; i < xs.length; i++) {
        const ref = exp(xs[i]);
        if (ref < 2.2250738585072014e-308) continue; // subnormal results: compared below by value
        worst = Math.max(worst, ulps64(ours[i], ref));
      }
      expect(worst).toBeLessThanOrEqual(2);
    });

    it('float64: limits and special values', () => {
      const [big, tiny, zero, one, negInf, posInf, nan] = f64.exp([710, -746, -1000, 0, -Infinity, Infinity, NaN]);
      expect(big).toBe(Infinity);
      expect(tiny).toBe(0);
      expect(zero).toBe(0);
      expect(one).toBe(1);
      expect(negInf).toBe(0);
      expect(posInf).toBe(Infinity);
      expect(nan).toBeNaN();
      const [sub] = f64.exp([-740]);
      expect(Math.abs(sub - exp(-740)) / exp(-740)).toBeLessThan(1e-3); // subnormal: few significant bits
    });

    it('float32: within 1 ulp of e^x rounded to float32, in float32 arithmetic', () => {
      const xs = grid(-87, 88.7, 100_001, Math.fround);
      const ours = f32.exp(xs);
      let worst = 0;
      for (let i = 0; i < xs.length; i++) worst = Math.max(worst, ulps32(ours[i], Math.fround(exp(xs[i]))));
      expect(worst).toBeLessThanOrEqual(1);
      const [over, under, negInf] = f32.exp([89, -104, -Infinity]);
      expect(over).toBe(Infinity);
      expect(under).toBe(0);
      expect(negInf).toBe(0);
    });
  });

  describe('wasm log', () => {
    it('is bit-identical to math.ts log (the same fdlibm algorithm)', () => {
      const rng = new Rng(7);
      const xs = [1, 2, 0.5, Math.E, 1e-310, 5e-324, 1.7976931348623157e308, 1 + 2 ** -30, 1 - 2 ** -30];
      for (let i = 0; i < 2000; i++) xs.push(rng.uniform() * 10 ** (rng.int(40) - 20));
      for (const x of xs) expect(f64.log(x)).toBe(log(x));
      expect(f64.log(0)).toBe(-Infinity);
      expect(f64.log(-1)).toBeNaN();
    });
  });

  describe('wasm GELU', () => {
    it('float64: agrees with math.ts gelu and its derivative to ~1 ulp of max(1, |x|)', () => {
      const xs = grid(-10, 10, 40_001);
      const { gelu: g, derivative: d } = f64.gelu(xs);
      let worstValue = 0;
      let worstDerivative = 0;
      let worstRelativeNearZero = 0;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        worstValue = Math.max(worstValue, Math.abs(g[i] - gelu(x)) / Math.max(1, Math.abs(x)));
        worstDerivative = Math.max(worstDerivative, Math.abs(d[i] - geluDerivative(x)) / Math.max(1, Math.abs(x)));
        if (Math.abs(x) <= 1 && x !== 0) worstRelativeNearZero = Math.max(worstRelativeNearZero, Math.abs(g[i] - gelu(x)) / Math.abs(gelu(x)));
      }
      expect(worstValue).toBeLessThan(5e-16);
      expect(worstDerivative).toBeLessThan(5e-16);
      expect(worstRelativeNearZero).toBeLessThan(1e-15);
    });

    it('float64: keeps relative accuracy in the negative tail, where 1 + erf(x / sqrt 2) cancels', () => {
      // x Phi(x) with Phi from mpmath (ncdf at 50 digits): Phi(-5) = 2.866515718791939e-7,
      // Phi(-8) = 6.220960574271784e-16, Phi(-20) = 2.7536241186062336e-89.
      const [g5, g8, g20] = f64.gelu([-5, -8, -20]).gelu;
      expect(Math.abs(g5 / (-5 * 2.866515718791939e-7) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(g8 / (-8 * 6.220960574271784e-16) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(g20 / (-20 * 2.7536241186062336e-89) - 1)).toBeLessThan(1e-14);
      const [gBig, gHuge] = f64.gelu([50, -50]).gelu;
      expect(gBig).toBe(50);
      expect(gHuge === 0).toBe(true); // -0 or 0: Phi(-50) underflows
    });

    it('float32: within a few float32 ulps of the double-precision GELU', () => {
      const xs = grid(-10, 10, 40_001, Math.fround);
      const { gelu: g, derivative: d } = f32.gelu(xs);
      let worstValue = 0;
      let worstDerivative = 0;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        worstValue = Math.max(worstValue, Math.abs(g[i] - gelu(x)) / Math.max(1, Math.abs(x)));
        worstDerivative = Math.max(worstDerivative, Math.abs(d[i] - geluDerivative(x)) / Math.max(1, Math.abs(x)));
      }
      expect(worstValue).toBeLessThan(4 * 2 ** -24);
      expect(worstDerivative).toBeLessThan(4 * 2 ** -24);
      const [g5] = f32.gelu([-5]).gelu;
      expect(Math.abs(g5 / (-5 * 2.866515718791939e-7) - 1)).toBeLessThan(2e-6);
    });

    it('is exactly x or -0 (and GELU\' 1 or 0) beyond the cut-off of phi, and continuous across it', () => {
      // phi is 0 beyond |x| = 13 (float32) and 37 (float64): see gelu.ts
      for (const [probe, cut, round] of [[f32, 13, Math.fround], [f64, 37, (x: number) => x]] as const) {
        const beyond = [cut + 0.5, -(cut + 0.5), 1e6, -1e6].map(round);
        const { gelu: g, derivative: d } = probe.gelu(beyond);
        expect(g[0]).toBe(beyond[0]);
        expect(Object.is(g[1], -0)).toBe(true);
        expect(g[2]).toBe(beyond[2]);
        expect(Object.is(g[3], -0)).toBe(true);
        expect([d[0], d[1], d[2], d[3]]).toEqual([1, 0, 1, 0]);
        // just inside, GELU and GELU' are already within a rounding of those values
        const inside = [cut, -cut, cut - 0.25, -(cut - 0.25)].map(round);
        const near = probe.gelu(inside);
        expect(near.gelu[0]).toBe(inside[0]);
        expect(Math.abs(near.gelu[1])).toBeLessThan(1e-36);
        expect(near.derivative[0]).toBe(1);
        expect(Math.abs(near.derivative[1])).toBeLessThan(1e-35);
      }
    });

    it('gives each lane its own result, whatever its neighbours in the SIMD vector', () => {
      for (const probe of [f32, f64]) {
        const alone = probe.gelu([0.3, 0.1, 0.2, 0.4]);
        const mixed = probe.gelu([0.3, 3, -2, 7]);
        expect(mixed.gelu[0]).toBe(alone.gelu[0]);
        expect(mixed.derivative[0]).toBe(alone.derivative[0]);
      }
    });
  });
});
