import { describe, expect, it } from 'vitest';
import { cos, erf, exp, gelu, geluDerivative, log, sin } from '../../src/grok/math.ts';
import { Rng } from '../../src/grok/random.ts';

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** Distance in units in the last place between two doubles of the same sign (0 when identical). */
function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b) || a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  f64[0] = a;
  const x = i64[0];
  f64[0] = b;
  const y = i64[0];
  const d = x > y ? x - y : y - x;
  return Number(d);
}

function worstUlp(f: (x: number) => number, ref: (x: number) => number, xs: number[]): { worst: number; at: number } {
  let worst = 0;
  let at = NaN;
  for (const x of xs) {
    const d = ulpDistance(f(x), ref(x));
    if (d > worst) {
      worst = d;
      at = x;
    }
  }
  return { worst, at };
}

function samples(seed: number, n: number, lo: number, hi: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

describe('exp', () => {
  it('is within 1 ulp of Math.exp over the whole range', () => {
    const xs = [...samples(1, 20000, -745, 709.7), ...samples(2, 20000, -3, 3), ...samples(3, 2000, -1e-6, 1e-6)];
    expect(worstUlp(exp, Math.exp, xs).worst).toBeLessThanOrEqual(1);
  });
  it('handles the edges: overflow, underflow, subnormal results, infinities, NaN, zero', () => {
    expect(exp(710)).toBe(Infinity);
    expect(exp(-746)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(NaN)).toBeNaN();
    expect(exp(0)).toBe(1);
    for (const x of [-740, -720, -708.5, 708.5, 709.7]) expect(ulpDistance(exp(x), Math.exp(x))).toBeLessThanOrEqual(1);
  });
});

describe('log', () => {
  it('is within 1 ulp of Math.log (normal and subnormal inputs)', () => {
    const xs = [
      ...samples(4, 20000, 0, 1).map((u) => Math.pow(2, (u - 0.5) * 2000)),
      ...samples(5, 20000, 0.5, 2),
      5e-324,
      1e-310,
      Number.MAX_VALUE,
    ];
    expect(worstUlp(log, Math.log, xs).worst).toBeLessThanOrEqual(1);
  });
  it('handles 0, negatives, infinity and NaN', () => {
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
    expect(log(NaN)).toBeNaN();
    expect(log(1)).toBe(0);
  });
});

describe('sin and cos', () => {
  it('are within 1 ulp of Math.sin / Math.cos for |x| < 1e5', () => {
    const xs = [...samples(6, 20000, 0, 2 * Math.PI), ...samples(7, 20000, -1e5, 1e5), ...samples(8, 2000, -1e-9, 1e-9)];
    expect(worstUlp(sin, Math.sin, xs).worst).toBeLessThanOrEqual(1);
    expect(worstUlp(cos, Math.cos, xs).worst).toBeLessThanOrEqual(1);
  });
  it('refuses arguments beyond the exact reduction range instead of returning garbage', () => {
    expect(() => sin(1e7)).toThrow(/2\^19/);
    expect(cos(NaN)).toBeNaN();
  });
});

// A reference erf in exact fixed-point arithmetic (BigInt, 256 fractional bits): the Taylor series
// erf x = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), with pi from Machin's formula.
const F = 256n;
const ONE = 1n << F;

function atanInverse(k: bigint): bigint {
  // atan(1/k) = sum (-1)^n / ((2n+1) k^(2n+1))
  let power = ONE / k;
  let sum = 0n;
  const k2 = k * k;
  for (let n = 0n; power !== 0n; n++) {
    const term = power / (2n * n + 1n);
    sum += n % 2n === 0n ? term : -term;
    power /= k2;
  }
  return sum;
}

function isqrt(v: bigint): bigint {
  let x = 1n << (BigInt(v.toString(2).length) / 2n + 1n);
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const PI = 16n * atanInverse(5n) - 4n * atanInverse(239n);
const SQRT_PI = isqrt(PI << F); // sqrt(pi) * 2^F

function exactFixed(x: number): bigint {
  // x = m * 2^e exactly, m an integer of at most 53 bits
  let e = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  const big = BigInt(m);
  const shift = F + BigInt(e);
  return shift >= 0n ? big << shift : big >> -shift;
}

function erfReference(x: number): number {
  const X = exactFixed(x);
  const X2 = (X * X) >> F;
  let term = X; // (-1)^n x^(2n+1) / n!
  let sum = 0n;
  for (let n = 0n; term !== 0n; n++) {
    sum += term / (2n * n + 1n);
    term = -((term * X2) >> F) / (n + 1n);
  }
  const value = (2n * sum * ONE) / SQRT_PI; // 2/sqrt(pi) * sum, still scaled by 2^F
  return Number(value) / 2 ** 256;
}

describe('erf', () => {
  it('is within 1 ulp of an exact-arithmetic reference on [-6, 6]', () => {
    const xs = [...samples(9, 300, -6, 6), ...samples(10, 100, -1.3, 1.3), 0.84375, 1.25, 2.857, 1e-5, -3.2e-9];
    const { worst, at } = worstUlp(erf, erfReference, xs);
    expect(worst, `worst at x = ${at}`).toBeLessThanOrEqual(1);
  });
  it('is odd, saturates at +-1 and passes NaN through', () => {
    for (const x of samples(11, 200, 0, 7)) expect(erf(-x)).toBe(-erf(x));
    expect(erf(6.5)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

describe('GELU', () => {
  it('has the derivative geluDerivative (central differences)', () => {
    for (const x of [...samples(12, 200, -6, 6), 0]) {
      const h = 1e-5;
      const fd = (gelu(x + h) - gelu(x - h)) / (2 * h);
      expect(Math.abs(fd - geluDerivative(x))).toBeLessThan(1e-9);
    }
  });
});

describe('Rng.normal', () => {
  it('draws standard normals: mean 0, variance 1, tails of the right weight', () => {
    const rng = Rng.derive(42, 'test');
    const n = 40000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02); // 4 standard errors
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.005);
  });
  it('is the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const r = Rng.derive(seed, 'init');
      return Array.from({ length: 9 }, () => r.normal());
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });
});
