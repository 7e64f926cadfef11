import { describe, expect, it } from 'vitest';
import { analyzeCollapseGrid } from '../../src/grok/analysis/collapse-grid.ts';
import { analyzeDoseResponse } from '../../src/grok/analysis/dose-response.ts';
import { analyzeFreeControl, requireCriticalNorm } from '../../src/grok/analysis/free-control.ts';
import { logitScaleAtGrok, medianGrokStep, requireSameSeeds, seriesAtGrokOrEnd } from '../../src/grok/analysis/cells.ts';
import { jsonRoundTrip, makeCell, scaledSeeds, SEED_FACTORS } from './analysis-fixtures.ts';

const sortedMedian = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('cell readings', () => {
  it('reads L at the logged step nearest the median T_grok, the earlier one on a tie', () => {
    const L = (step: number) => step / 100;
    // Median of 2310, 2310, 2310 is 2310: nearest logged step is 2400 (90 away) not 2200 (110 away).
    expect(logitScaleAtGrok(makeCell({ seeds: [{ tGrok: 2310 }, { tGrok: 2310 }, { tGrok: 2310 }], L, finalStep: 4000 }))).toBe(24);
    // Median 2300 is equidistant from 2200 and 2400: the earlier is taken.
    expect(logitScaleAtGrok(makeCell({ seeds: [{ tGrok: 2300 }, { tGrok: 2300 }, { tGrok: 2300 }], L, finalStep: 4000 }))).toBe(22);
  });
  it('averages L over seeds, including seeds that did not grok', () => {
    const cell = makeCell({ seeds: [{ tGrok: 1000 }, { tGrok: 1000 }, { tGrok: null }], L: (_s, i) => 10 + i, budget: 3000 });
    expect(logitScaleAtGrok(cell)).toBeCloseTo((10 + 11 + 12) / 3, 14);
  });
  it('reads a series at the end when the cell did not grok', () => {
    const cell = makeCell({ seeds: [{ tGrok: null }, { tGrok: null }, { tGrok: 900 }], collapse: (s) => s / 1e5, budget: 3100 });
    expect(medianGrokStep(cell)).toBeNull();
    expect(logitScaleAtGrok(cell)).toBeNull();
    expect(seriesAtGrokOrEnd(cell, 'collapse')).toEqual({ value: 3100 / 1e5, step: 3100, at: 'end' });
  });
  it('refuses cells whose seeds differ, because pairing would be meaningless', () => {
    const a = makeCell({ seeds: scaledSeeds(1000).slice(0, 3) });
    const b = makeCell({ seeds: scaledSeeds(1000).slice(0, 3), seedIds: [1, 3, 2] });
    expect(() => requireSameSeeds([a, b], 'test')).toThrow(/same seeds in the same order/);
  });
});

describe('experiment 1: free control', () => {
  it('w_c is the median norm at grokking over the seeds that grokked', () => {
    const norms = [61, 55, 58, 70];
    const cell = makeCell({ seeds: norms.map((n, i) => ({ tGrok: 3000 + 100 * i, tMem: 1000, normAtGrok: n })) });
    const r = analyzeFreeControl(cell);
    expect(r.wc).toBe(sortedMedian(norms));
    expect(r.medianTGrok).toBe(sortedMedian([3000, 3100, 3200, 3300]));
    expect(r.medianDelay).toBe(sortedMedian([2000, 2100, 2200, 2300]));
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });
  it('ignores a non-grokked seed for w_c but counts it as +Infinity in T_grok', () => {
    const cell = makeCell({
      seeds: [
        { tGrok: 3000, normAtGrok: 61 },
        { tGrok: 3400, normAtGrok: 55 },
        { tGrok: null },
        { tGrok: 3200, normAtGrok: 70 },
        { tGrok: 3100, normAtGrok: 58 },
      ],
    });
    const r = analyzeFreeControl(cell);
    expect(r.wc).toBe(sortedMedian([61, 55, 70, 58]));
    expect(r.medianTGrok).toBe(3200); // [3000, 3100, 3200, 3400, inf]
    expect(r.cell.grokkedCount).toBe(4);
  });
  it('has no w_c when most seeds did not grok, and says so', () => {
    const r = analyzeFreeControl(makeCell({ seeds: [{ tGrok: 3000, normAtGrok: 60 }, { tGrok: null }, { tGrok: null }] }));
    expect(r.wc).toBeNull();
    expect(() => requireCriticalNorm(r)).toThrow(/only 1 of 3 free seeds grokked/);
  });
  it('refuses a clamped cell', () => {
    expect(() => analyzeFreeControl(makeCell({ rho: 1, seeds: scaledSeeds(1000) }))).toThrow(/expected a free/);
  });
});

describe('experiment 2: dose response', () => {
  const wc = 60;
  const c = 2;
  const alpha = 0.09;
  const rhos = Array.from({ length: 9 }, (_, i) => 0.85 + 0.05 * i); // 0.85 .. 1.25, with rounding as in a real grid
  const doseCells = (L: (rho: number) => number, grokked: (rho: number) => boolean = () => true) =>
    rhos.map((rho) =>
      makeCell({
        rho,
        seeds: grokked(rho) ? scaledSeeds(Math.exp(c + alpha * rho * wc)) : SEED_FACTORS.map(() => ({ tGrok: null })),
        L: L(rho),
        budget: 40000,
      }),
    );

  it('recovers alpha of an exactly exponential law in the held norm, keeping rho <= 1.15', () => {
    const r = analyzeDoseResponse(doseCells(() => 10), wc);
    expect(r.collapseCutRho).toBeNull();
    expect(r.cells.map((x) => x.status)).toEqual(['used', 'used', 'used', 'used', 'used', 'used', 'used', 'above-rho-max', 'above-rho-max']);
    expect(r.usedCount).toBe(7);
    expect(r.fit!.alpha).toBeCloseTo(alpha, 10);
    // Every seed is the law times a fixed factor, so the median is the law times the median factor.
    expect(r.fit!.c).toBeCloseTo(c + Math.log(sortedMedian(SEED_FACTORS)), 9);
    expect(r.fit!.rSquared).toBeCloseTo(1, 12);
    expect(r.alphaPerRho).toBeCloseTo(alpha * wc, 9);
    expect(r.cells[3].heldNorm).toBeCloseTo(1.0 * wc, 12);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('cuts at the first rho where L jumps more than 2.5x, and everything above it', () => {
    const r = analyzeDoseResponse(doseCells((rho) => (rho < 1.025 ? 10 : 26)), wc);
    expect(r.collapseCutRho).toBeCloseTo(1.05, 12);
    expect(r.cells.filter((x) => x.status === 'used').map((x) => x.rho)).toEqual(rhos.slice(0, 4));
    expect(r.cells.slice(4).every((x) => x.status === 'collapse-cut')).toBe(true);
    expect(r.cells[4].logitScaleRatioToPrevious).toBeCloseTo(2.6, 12);
    expect(r.fit!.alpha).toBeCloseTo(alpha, 9);
  });

  it('does not cut on a jump of 2.4x', () => {
    const r = analyzeDoseResponse(doseCells((rho) => (rho < 1.025 ? 10 : 24)), wc);
    expect(r.collapseCutRho).toBeNull();
    expect(r.usedCount).toBe(7);
  });

  it('leaves a non-grokked cell out of the fit and out of the jump test', () => {
    const r = analyzeDoseResponse(doseCells(() => 10, (rho) => Math.abs(rho - 0.95) > 1e-9), wc);
    expect(r.cells[2].status).toBe('not-grokked');
    expect(r.cells[3].logitScaleRatioToPrevious).toBe(1); // compared with 0.90, skipping 0.95
    expect(r.usedCount).toBe(6);
    expect(r.fit!.alpha).toBeCloseTo(alpha, 9);
  });
});

describe('experiment 4: collapse grid', () => {
  const a = 5;
  const bL = 0.12;
  const bRho = 0.4;
  const grid = (lawRho: number) => {
    const cells = [];
    for (const rho of [1.0, 1.05, 1.1, 1.15]) {
      for (const tau of [1.0, 1.3, 1.7]) {
        const L = (8 * rho * rho) / tau;
        const T = Math.exp(a + bL * L + lawRho * rho);
        cells.push({ rho, tau, L, lnT: Math.log(T), cell: makeCell({ rho, tau, L, seeds: [{ tGrok: T }, { tGrok: T }, { tGrok: T }], budget: 1e6 }) });
      }
    }
    return cells;
  };
  const r2ByHand = (x: number[], y: number[]) => {
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = y.reduce((s, v) => s + v, 0) / y.length;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) ** 2;
      syy += (y[i] - my) ** 2;
    }
    return (sxy * sxy) / (sxx * syy);
  };

  it('recovers ln T = a + b L + c rho, and each R^2 equals the squared correlation computed by hand', () => {
    const g = grid(bRho);
    const r = analyzeCollapseGrid(g.map((x) => x.cell));
    expect(r.usedCount).toBe(12);
    expect(r.fitBoth!.slopes[0]).toBeCloseTo(bL, 8);
    expect(r.fitBoth!.slopes[1]).toBeCloseTo(bRho, 7);
    expect(r.rSquaredBoth).toBeCloseTo(1, 12);
    const r2L = r2ByHand(g.map((x) => x.L), g.map((x) => x.lnT));
    const r2Rho = r2ByHand(g.map((x) => x.rho), g.map((x) => x.lnT));
    expect(r.rSquaredL).toBeCloseTo(r2L, 12);
    expect(r.rSquaredRho).toBeCloseTo(r2Rho, 12);
    expect(r.deltaRSquaredRhoGivenL).toBeCloseTo(1 - r2L, 12);
    expect(r.deltaRSquaredRhoGivenL!).toBeGreaterThan(1e-4); // rho carries information beyond L here
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('finds no extra information in rho when T depends on L alone', () => {
    const r = analyzeCollapseGrid(grid(0).map((x) => x.cell));
    expect(r.rSquaredL).toBeCloseTo(1, 12);
    expect(r.deltaRSquaredRhoGivenL).toBeCloseTo(0, 12);
  });

  it('leaves out a cell that did not grok', () => {
    const g = grid(bRho).map((x) => x.cell);
    g[5] = makeCell({ rho: 1.05, tau: 1.7, seeds: [{ tGrok: null }, { tGrok: null }, { tGrok: 900 }] });
    const r = analyzeCollapseGrid(g);
    expect(r.usedCount).toBe(11);
    expect(r.cells.filter((x) => !x.used).map((x) => [x.rho, x.tau])).toEqual([[1.05, 1.7]]);
    expect(r.rSquaredBoth).toBeCloseTo(1, 12);
  });
});
