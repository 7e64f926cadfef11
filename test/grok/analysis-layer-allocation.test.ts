/** Layer allocation (SPEC 7.1): the shares at grokking, the per-layer targets, and the swings over gamma. */
import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/grok/analysis/cells.ts';
import { analyzeLayerAllocation, layerSharesAtGrok, layerTargets, THETA_RANGE } from '../../src/grok/analysis/layer-allocation.ts';
import { makeCell } from './analysis-fixtures.ts';

/** A free control whose per-layer norms follow given functions of the step, per seed. */
function freeWithLayers(tGrok: Array<number | null>, layer: (name: 'E' | 'W1' | 'W2', step: number, seed: number) => number): CellResult {
  const cell = makeCell({ seeds: tGrok.map((t) => ({ tGrok: t })), budget: 4000, logEvery: 200 });
  cell.log.forEach((log, s) => {
    const names = ['E', 'W1', 'W2'] as const;
    log.tensorNorms = Object.fromEntries(names.map((n) => [n, cell.logSteps.map((step) => layer(n, step, s))]));
    log.norm = cell.logSteps.map((step) => Math.hypot(...names.map((n) => layer(n, step, s))));
  });
  return cell;
}

describe('layerSharesAtGrok', () => {
  it('takes each grokked seed’s share at its logged step nearest T_grok, the median over seeds, renormalised', () => {
    // Seed s has layer norms (3 + s, 4, 12) at every step before 1000 and something else after: only the
    // value at T_grok (600, 800, 400; a seed that never grokked is skipped) may enter.
    const layer = (n: 'E' | 'W1' | 'W2', step: number, s: number) => (step > 1000 ? 100 : n === 'E' ? 3 + s : n === 'W1' ? 4 : 12);
    const shares = layerSharesAtGrok(freeWithLayers([600, 800, 400, null], layer));
    expect(shares.seeds).toEqual([1, 2, 3]);
    const frac = (s: number) => {
      const t = Math.hypot(3 + s, 4, 12);
      return { E: (3 + s) / t, W1: 4 / t, W2: 12 / t };
    };
    const med = { E: frac(1).E, W1: frac(1).W1, W2: frac(1).W2 }; // the middle seed of 0, 1, 2 in every layer
    const scale = Math.hypot(med.E, med.W1, med.W2);
    expect(shares.shares.E).toBeCloseTo(med.E / scale, 12);
    expect(shares.shares.W2).toBeCloseTo(med.W2 / scale, 12);
    expect(shares.shares.E ** 2 + shares.shares.W1 ** 2 + shares.shares.W2 ** 2).toBeCloseTo(1, 12);
    expect(shares.theta0).toBeCloseTo(shares.shares.W2 ** 2 / (shares.shares.E ** 2 + shares.shares.W2 ** 2), 12);
  });

  it('needs a strict majority of grokked seeds and the per-layer log', () => {
    const layer = () => 1;
    expect(() => layerSharesAtGrok(freeWithLayers([600, null], layer))).toThrow(/strict majority/);
    const bare = makeCell({ seeds: [{ tGrok: 600 }] });
    expect(() => layerSharesAtGrok(bare)).toThrow(/no per-layer norms/);
  });
});

describe('layerTargets', () => {
  const base = { shares: { E: 0.6, W1: 0.64, W2: 0.48 }, theta0: 0.48 ** 2 / (0.6 ** 2 + 0.48 ** 2), seeds: [1] };
  it('keeps W1 at its share and splits the rest of w_c^2 between E and W2 by theta', () => {
    for (const gamma of [-0.6, 0, 0.3]) {
      const t = layerTargets(base, 50, gamma);
      expect(t.norms.W1).toBeCloseTo(0.64 * 50, 12);
      expect(t.total).toBeCloseTo(50, 10);
      expect(t.theta).toBeCloseTo(base.theta0 * (1 + gamma), 12);
      expect(t.norms.W2 ** 2 / (t.norms.E ** 2 + t.norms.W2 ** 2)).toBeCloseTo(t.theta, 12);
    }
    // gamma 0 reproduces the free control's own split
    const zero = layerTargets(base, 50, 0);
    expect(zero.norms.E).toBeCloseTo(0.6 * 50, 10);
    expect(zero.norms.W2).toBeCloseTo(0.48 * 50, 10);
  });

  it('clips theta so that neither E nor W2 is emptied', () => {
    expect(layerTargets(base, 50, 5).theta).toBe(THETA_RANGE[1]);
    expect(layerTargets(base, 50, -0.999).theta).toBe(THETA_RANGE[0]);
  });
});

describe('analyzeLayerAllocation', () => {
  const base = { shares: { E: 0.6, W1: 0.64, W2: 0.48 }, theta0: 0.39, seeds: [1, 2] };
  const cellAt = (gamma: number, t: number | null, L: number) => ({
    cell: makeCell({ rho: 1, seeds: [{ tGrok: t }, { tGrok: t === null ? null : t + 50 }], L, budget: 9000 }),
    targets: layerTargets(base, 40, gamma),
  });

  it('reports the swing of T_grok and of L over the gammas that grokked, and where it is fastest and slowest', () => {
    const r = analyzeLayerAllocation({ cells: [cellAt(0.3, 2000, 21), cellAt(-0.3, 4000, 20), cellAt(0, 3000, 24), cellAt(0.6, null, 30)], shares: base, wc: 40 });
    expect(r.cells.map((c) => c.gamma)).toEqual([-0.3, 0, 0.3, 0.6]);
    // medians: 2025, 4025, 3025 (two seeds, 50 steps apart); the non-grokked cell is left out of both swings
    expect(r.tGrokSwing).toBeCloseTo(4025 / 2025, 12);
    expect(r.logitScaleSwing).toBeCloseTo(24 / 20, 12);
    expect([r.fastestGamma, r.slowestGamma]).toEqual([0.3, -0.3]);
    expect(r.grokkedCells).toBe(3);
    expect(r.cells[0].norms.W1).toBeCloseTo(0.64 * 40, 12);
  });

  it('has no swing with fewer than two grokked cells, and refuses two cells at one gamma', () => {
    expect(analyzeLayerAllocation({ cells: [cellAt(0, 3000, 24), cellAt(0.6, null, 30)], shares: base, wc: 40 }).tGrokSwing).toBeNull();
    expect(() => analyzeLayerAllocation({ cells: [cellAt(0, 3000, 24), cellAt(0, 2000, 24)], shares: base, wc: 40 })).toThrow(/two cells at gamma 0/);
  });
});
