import { describe, expect, it } from 'vitest';
import { mean } from '../../src/grok/stats/mean.ts';
import { countReached, median, medianOfTimes } from '../../src/grok/stats/median.ts';
import { percentile, percentileOfSorted } from '../../src/grok/stats/percentile.ts';
import { ordinaryLeastSquares, simpleLinearRegression } from '../../src/grok/stats/ols.ts';
import { interpolateLinear } from '../../src/grok/stats/interpolate.ts';
import { fitLogLinear } from '../../src/grok/stats/loglinear.ts';
import { drawPairedResamples, pairedBootstrap } from '../../src/grok/stats/bootstrap.ts';

describe('median', () => {
  it('takes the middle value for odd n and the mean of the middle pair for even n', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    median(v);
    expect(v).toEqual([3, 1, 2]);
  });
  it('refuses an empty list and NaN with a message saying what was expected', () => {
    expect(() => median([])).toThrow(/expected at least one value/);
    expect(() => median([1, NaN])).toThrow(/NaN at position 1/);
  });
});

describe('medianOfTimes (never = +Infinity; counts only with a strict majority)', () => {
  it('treats a missing time as later than every finite time', () => {
    expect(medianOfTimes([100, null, 300])).toBe(300);
    expect(medianOfTimes([100, 200, 300, null])).toBe(250);
  });
  it('returns null exactly when at most half of the seeds reached the event', () => {
    expect(medianOfTimes([100, null, null])).toBeNull();
    expect(medianOfTimes([100, 200, null, null])).toBeNull(); // 2 of 4 is not "most"
    expect(medianOfTimes([100, 200, 300, null, null])).toBe(300); // 3 of 5 is
    expect(countReached([100, null, 5])).toBe(2);
  });
});

describe('mean and percentile (type 7)', () => {
  it('mean', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
  });
  it('interpolates between order statistics as R quantile(type = 7) does', () => {
    const x = [4, 1, 3, 2];
    // h = (n - 1) q: q = 0.25 gives h = 0.75, between 1 and 2.
    expect(percentile(x, 0.25)).toBeCloseTo(1 + 0.75 * (2 - 1), 15);
    expect(percentile(x, 0.5)).toBe(median(x));
    expect(percentile(x, 0)).toBe(1);
    expect(percentile(x, 1)).toBe(4);
    // For 0..100 the type-7 percentile of q is 100 q exactly.
    const hundred = Array.from({ length: 101 }, (_, i) => 100 - i);
    for (const q of [0.025, 0.1, 0.5, 0.975]) expect(percentile(hundred, q)).toBeCloseTo(100 * q, 12);
  });
  it('keeps equal neighbours equal (zero-width intervals stay exactly zero)', () => {
    expect(percentileOfSorted([0.3, 0.3, 0.3], 0.025)).toBe(0.3);
  });
  it('refuses q outside [0, 1]', () => {
    expect(() => percentile([1, 2], 2.5)).toThrow(/expected q in \[0, 1\]/);
  });
});

describe('ordinary least squares', () => {
  it('recovers an exact line with R^2 = 1 and zero residuals', () => {
    const x = [0, 1, 2, 3, 4, 5];
    const y = x.map((v) => -1.5 + 0.25 * v);
    const f = simpleLinearRegression(x, y);
    expect(f.intercept).toBeCloseTo(-1.5, 13);
    expect(f.slope).toBeCloseTo(0.25, 13);
    expect(f.rSquared).toBeCloseTo(1, 13);
    for (const r of f.residuals) expect(Math.abs(r)).toBeLessThan(1e-13);
  });

  it('matches R^2 computed by hand from sums of squares', () => {
    const x = [1, 2, 3, 4];
    const y = [1, 3, 2, 4];
    // By hand: Sxx = 5, Sxy = 4, Syy = 5: slope = 4/5, intercept = 2.5 - 0.8 * 2.5, R^2 = Sxy^2/(Sxx Syy).
    const f = simpleLinearRegression(x, y);
    expect(f.slope).toBeCloseTo(4 / 5, 14);
    expect(f.intercept).toBeCloseTo(2.5 - 0.8 * 2.5, 14);
    expect(f.rSquared).toBeCloseTo(16 / 25, 14);
    // Residual standard error sqrt(SSR/(n-2)), SSR = Syy - Sxy^2/Sxx; SE(slope) = s / sqrt(Sxx).
    const s = Math.sqrt((5 - 16 / 5) / 2);
    expect(f.slopeStandardError).toBeCloseTo(s / Math.sqrt(5), 13);
  });

  it('solves a balanced two-regressor design by hand', () => {
    // 2x2 factorial: x1 and x2 orthogonal after centring, so each slope is a difference of group means.
    const x1 = [0, 1, 0, 1];
    const x2 = [0, 0, 1, 1];
    const y = [1, 2, 4, 3];
    const f = ordinaryLeastSquares([x1, x2], y, ['x1', 'x2']);
    const b1 = (2 + 3) / 2 - (1 + 4) / 2;
    const b2 = (4 + 3) / 2 - (1 + 2) / 2;
    expect(f.slopes[0]).toBeCloseTo(b1, 14);
    expect(f.slopes[1]).toBeCloseTo(b2, 14);
    expect(f.intercept).toBeCloseTo(2.5 - 0.5 * b1 - 0.5 * b2, 14);
    // Fitted [1.5, 1.5, 3.5, 3.5], SSR = 4 * 0.25 = 1, SST = 5.
    expect(f.residualSumOfSquares).toBeCloseTo(1, 14);
    expect(f.rSquared).toBeCloseTo(1 - 1 / 5, 14);
    expect(f.regressors).toEqual(['x1', 'x2']);
  });

  it('agrees with the normal equations solved by Cramer\'s rule on a correlated design', () => {
    const x1 = [0, 1, 2, 3, 4, 5, 6];
    const x2 = [1, 0, 2, 1, 3, 5, 4];
    const y = [2.1, 1.4, 3.3, 2.2, 4.9, 7.5, 5.8];
    const f = ordinaryLeastSquares([x1, x2], y);
    // X^T X b = X^T y with X = [1, x1, x2], solved independently.
    const cols = [x1.map(() => 1), x1, x2];
    const A = cols.map((a) => cols.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
    const r = cols.map((a) => a.reduce((s, v, i) => s + v * y[i], 0));
    const det3 = (m: number[][]) =>
      m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    const d = det3(A);
    const solve = (j: number) => det3(A.map((row, i) => row.map((v, c) => (c === j ? r[i] : v)))) / d;
    expect(f.intercept).toBeCloseTo(solve(0), 10);
    expect(f.slopes[0]).toBeCloseTo(solve(1), 10);
    expect(f.slopes[1]).toBeCloseTo(solve(2), 10);
    // Residuals are orthogonal to every column of the design.
    for (const c of cols) expect(Math.abs(c.reduce((s, v, i) => s + v * f.residuals[i], 0))).toBeLessThan(1e-10);
  });

  it('stays exact with a huge common offset where naive normal equations lose every digit', () => {
    const x = Array.from({ length: 10 }, (_, i) => 1e8 + i);
    const y = x.map((v) => 3 + 2 * (v - 1e8));
    const f = simpleLinearRegression(x, y);
    expect(f.slope).toBeCloseTo(2, 9);
    expect(f.rSquared).toBeCloseTo(1, 12);
    for (const r of f.residuals) expect(Math.abs(r)).toBeLessThan(1e-6);
  });

  it('reports R^2 as null for a constant response, and refuses constant or collinear regressors', () => {
    expect(simpleLinearRegression([1, 2, 3], [5, 5, 5]).rSquared).toBeNull();
    expect(() => simpleLinearRegression([2, 2, 2], [1, 2, 3])).toThrow(/"x" is constant/);
    expect(() => ordinaryLeastSquares([[1, 2, 3, 4], [2, 4, 6, 8]], [1, 3, 2, 5], ['L', 'rho'])).toThrow(/"rho" is a linear combination of L/);
    expect(() => ordinaryLeastSquares([[1, 2]], [1, 2, 3])).toThrow(/has 2 values, expected 3/);
    expect(() => ordinaryLeastSquares([[1, 2], [3, 5]], [1, 2])).toThrow(/at least 3 observations/);
  });
});

describe('linear interpolation without extrapolation', () => {
  const line = (x: number) => 1000 - 300 * x;
  const pts = [1.9, 1.2, 1.5, 2.4].map((x) => ({ x, y: line(x) }));

  it('recovers a linear function anywhere inside the range, whatever the input order', () => {
    for (const x0 of [1.2, 1.33, 1.5, 2.0, 2.4]) {
      const r = interpolateLinear(pts, x0);
      expect(r.status).toBe('interpolated');
      expect(r.value).toBeCloseTo(line(x0), 10);
    }
    expect(interpolateLinear(pts, 1.7).lower?.x).toBe(1.5);
    expect(interpolateLinear(pts, 1.7).upper?.x).toBe(1.9);
  });
  it('returns null with a status outside the range', () => {
    expect(interpolateLinear(pts, 1.1)).toMatchObject({ value: null, status: 'below-range', range: [1.2, 2.4] });
    expect(interpolateLinear(pts, 2.5)).toMatchObject({ value: null, status: 'above-range' });
  });
  it('returns null when a bracketing y is undefined, but not for a point away from x0', () => {
    const withHole = [...pts, { x: 3, y: null }];
    expect(interpolateLinear(withHole, 2.7)).toMatchObject({ value: null, status: 'undefined-neighbour' });
    expect(interpolateLinear(withHole, 1.3).value).toBeCloseTo(line(1.3), 10);
  });
  it('merges points with equal x into their mean', () => {
    const r = interpolateLinear([{ x: 1, y: 10 }, { x: 1, y: 20 }, { x: 2, y: 40 }], 1.5);
    expect(r.value).toBeCloseTo((15 + 40) / 2, 12);
  });
});

describe('log-linear fit', () => {
  it('recovers alpha and c of T = exp(c + alpha x) with R^2 = 1', () => {
    const c = 2.3;
    const alpha = 0.071;
    const x = [50, 53, 56, 59, 62, 65];
    const f = fitLogLinear(x, x.map((v) => Math.exp(c + alpha * v)));
    expect(f.alpha).toBeCloseTo(alpha, 12);
    expect(f.c).toBeCloseTo(c, 10);
    expect(f.factorPerUnit).toBeCloseTo(Math.exp(alpha), 12);
    expect(f.rSquared).toBeCloseTo(1, 12);
  });
  it('refuses a non-positive time', () => {
    expect(() => fitLogLinear([1, 2], [1, 0])).toThrow(/T\[1\] = 0/);
  });
});

describe('paired seeded bootstrap', () => {
  const sample = [310, 420, 385, 505, 290, 460, 350, 415, 370, 440, 330, 480];
  const meanOn = (v: number[]) => (idx: ArrayLike<number>) => Array.from(idx, (i) => v[i]).reduce((a, b) => a + b, 0) / idx.length;

  it('is deterministic given the seed and changes with the seed', () => {
    const a = pairedBootstrap(sample.length, { m: meanOn(sample) }, { seed: 7, resamples: 500 });
    const b = pairedBootstrap(sample.length, { m: meanOn(sample) }, { seed: 7, resamples: 500 });
    const c = pairedBootstrap(sample.length, { m: meanOn(sample) }, { seed: 8, resamples: 500 });
    expect(a).toEqual(b);
    expect(c.m.lower).not.toBe(a.m.lower);
  });

  it('draws every index uniformly in 0..n-1', () => {
    const n = 12;
    const draws = drawPairedResamples(n, 4000, 3);
    const counts = new Array(n).fill(0);
    for (let b = 0; b < 4000; b++) for (const i of draws.resample(b)) counts[i]++;
    const expected = 4000;
    // Each count is Binomial(48000, 1/12): sd about 61; 5 sd is a bound that a correct sampler never fails.
    for (const k of counts) expect(Math.abs(k - expected)).toBeLessThan(5 * Math.sqrt(48000 * (1 / 12) * (11 / 12)));
  });

  it('gives a zero-width interval for identical seeds', () => {
    const same = new Array(12).fill(400);
    const ci = pairedBootstrap(12, { m: meanOn(same) }, { seed: 1 });
    expect(ci.m).toMatchObject({ estimate: 400, lower: 400, upper: 400, resamples: 4000, undefinedResamples: 0 });
  });

  it('uses the same indices for every statistic: a ratio of perfectly paired cells has zero width', () => {
    const doubled = sample.map((v) => 2 * v);
    const ci = pairedBootstrap(sample.length, { ratio: (idx) => meanOn(doubled)(idx) / meanOn(sample)(idx), m: meanOn(sample) }, { seed: 5 });
    expect(ci.ratio.lower).toBeCloseTo(2, 14);
    expect(ci.ratio.upper).toBeCloseTo(2, 14);
    expect(ci.m.upper! - ci.m.lower!).toBeGreaterThan(0);
  });

  it('hands every statistic the same indices in every resample', () => {
    const seen: Record<'a' | 'b', string[]> = { a: [], b: [] };
    const record = (k: 'a' | 'b') => (idx: ArrayLike<number>) => {
      seen[k].push(Array.from(idx).join(','));
      return 0;
    };
    pairedBootstrap(5, { a: record('a'), b: record('b') }, { seed: 9, resamples: 50 });
    expect(seen.a.length).toBe(51); // 50 resamples + the full-sample estimate
    expect(seen.b).toEqual(seen.a);
    expect(new Set(seen.a).size).toBeGreaterThan(40);
  });

  it('brackets the mean roughly like the normal approximation and reports its percentiles exactly', () => {
    const ci = pairedBootstrap(sample.length, { m: meanOn(sample) }, { seed: 11 }).m;
    const m = mean(sample);
    const sd = Math.sqrt(sample.reduce((s, v) => s + (v - m) ** 2, 0) / sample.length);
    const half = 1.96 * sd / Math.sqrt(sample.length);
    expect(ci.estimate).toBeCloseTo(m, 12);
    expect(ci.lower!).toBeGreaterThan(m - 1.3 * half);
    expect(ci.lower!).toBeLessThan(m - 0.7 * half);
    expect(ci.upper!).toBeGreaterThan(m + 0.7 * half);
    expect(ci.upper!).toBeLessThan(m + 1.3 * half);
    // The bounds are the type-7 2.5th/97.5th percentiles of the statistic over the drawn resamples.
    const draws = drawPairedResamples(sample.length, 4000, 11);
    const stats = Array.from({ length: 4000 }, (_, b) => meanOn(sample)(draws.resample(b)));
    expect(ci.lower).toBe(percentile(stats, (1 - 0.95) / 2));
    expect(ci.upper).toBe(percentile(stats, 1 - (1 - 0.95) / 2));
  });

  it('leaves undefined resamples out and counts them', () => {
    // Undefined whenever resample contains index 0 at its first position: probability 1/n.
    const ci = pairedBootstrap(4, { s: (idx) => (idx[0] === 0 ? null : 1) }, { seed: 2, resamples: 1000 }).s;
    expect(ci.undefinedResamples).toBeGreaterThan(150);
    expect(ci.undefinedResamples).toBeLessThan(350);
    expect(ci.lower).toBe(1);
  });
});
