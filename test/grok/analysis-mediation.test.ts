import { describe, expect, it } from 'vitest';
import { analyzeTemperatureMediation } from '../../src/grok/analysis/temperature-mediation.ts';
import { analyzeMseDissociation } from '../../src/grok/analysis/mse-dissociation.ts';
import { analyzeMemorizationControl } from '../../src/grok/analysis/memorization-control.ts';
import { analyzeTransformerControl } from '../../src/grok/analysis/transformer.ts';
import { jsonRoundTrip, makeCell, SEED_FACTORS } from './analysis-fixtures.ts';

const TAUS = [1, 1.15, 1.3, 1.5, 1.7];
const medianOf = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A study where T_grok is linear in L on the sweep (T = t0 + k L), the baseline sits at L0 with time tBase,
 * and every seed i of every cell is the cell's time times factor f_i (perfectly paired seeds).
 */
function linearStudy(opts: { loss?: 'ce' | 'mse'; model?: 'mlp' | 'transformer'; L0?: number; factors?: number[]; shuffleCell?: number; p?: number } = {}) {
  const loss = opts.loss ?? 'ce';
  const model = opts.model ?? 'mlp';
  const p = opts.p ?? 59;
  const factors = opts.factors ?? SEED_FACTORS;
  const L0 = opts.L0 ?? 13;
  const t0 = 500;
  const k = 300;
  const tBase = 2000;
  const Lof = (tau: number) => 18 / tau;
  const Tof = (L: number) => t0 + k * L;
  const seedsFor = (T: number, shuffle = false) => {
    const f = shuffle ? [...factors].reverse() : factors;
    return f.map((x) => ({ tGrok: T * x, tMem: 400 }));
  };
  const baseline = makeCell({ model, loss, p, rho: 1, tau: 1, L: L0, seeds: seedsFor(tBase), budget: 1e5 });
  const sweep = TAUS.map((tau, j) =>
    makeCell({ model, loss, p, rho: 1.15, tau, L: Lof(tau), seeds: seedsFor(Tof(Lof(tau)), opts.shuffleCell === j), budget: 1e5 }),
  );
  const m = medianOf(factors);
  return { baseline, sweep, L0, Lof, Tof, m, T0: tBase * m, T1: Tof(Lof(1)) * m, T2: Tof(L0) * m };
}

describe('experiment 3: temperature mediation', () => {
  it('interpolates T2 on a linear L curve and gives the recovery fraction of its definition', () => {
    const s = linearStudy();
    const r = analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep });
    expect(r.t0).toBeCloseTo(s.T0, 9);
    expect(r.t1).toBeCloseTo(s.T1, 9);
    expect(r.l0).toBe(s.L0);
    expect(r.t2Status).toBe('interpolated');
    expect(r.t2).toBeCloseTo(s.T2, 9);
    expect(r.recoveryFraction).toBeCloseTo((s.T1 - s.T2) / (s.T1 - s.T0), 12);
    expect(r.normUpRatio).toBeCloseTo(s.T1 / s.T0, 12);
    // L0 = 13 lies between the tau 1.3 (13.85) and tau 1.5 (12) cells.
    expect(r.t2Bracket!.lower.tau).toBe(1.5);
    expect(r.t2Bracket!.upper.tau).toBe(1.3);
    expect(r.curve.map((q) => q.tau)).toEqual([1.7, 1.5, 1.3, 1.15, 1]);
    expect(r.logitScaleSwing!.ratio).toBeCloseTo(s.Lof(1) / s.Lof(1.7), 12);
    expect(r.bootstrap.settings).toEqual({ resamples: 4000, seed: 1, level: 0.95 });
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('gives a zero-width interval when seeds are perfectly paired across cells', () => {
    const s = linearStudy();
    const r = analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep, bootstrap: { seed: 42 } });
    const rf = r.bootstrap.recoveryFraction;
    expect(rf.undefinedResamples).toBe(0);
    expect(rf.lower).toBeCloseTo(r.recoveryFraction!, 12);
    expect(rf.upper).toBeCloseTo(r.recoveryFraction!, 12);
    expect(r.bootstrap.normUpRatio.upper! - r.bootstrap.normUpRatio.lower!).toBeLessThan(1e-12);
    // T2 itself moves with the resampled seeds (its scale is the median factor of the resample).
    expect(r.bootstrap.t2.upper! - r.bootstrap.t2.lower!).toBeGreaterThan(100);
  });

  it('gives a wide interval once one cell breaks the pairing, and the same interval for the same seed', () => {
    const s = linearStudy({ shuffleCell: 0 });
    const a = analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep, bootstrap: { seed: 3 } });
    const b = analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep, bootstrap: { seed: 3 } });
    expect(a.bootstrap.recoveryFraction.upper! - a.bootstrap.recoveryFraction.lower!).toBeGreaterThan(0.01);
    expect(a.bootstrap).toEqual(b.bootstrap);
  });

  it('gives a zero-width interval for identical seeds', () => {
    const s = linearStudy({ factors: [1, 1, 1, 1, 1, 1] });
    const r = analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep });
    expect(r.bootstrap.recoveryFraction.lower).toBe(r.bootstrap.recoveryFraction.upper);
    expect(r.bootstrap.t2.lower).toBe(r.bootstrap.t2.upper);
    expect(r.bootstrap.t2.lower).toBeCloseTo(s.T2, 9);
  });

  it('does not extrapolate when L0 lies outside the sweep', () => {
    const s = linearStudy({ L0: 25 });
    const r = analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep });
    expect(r.t2).toBeNull();
    expect(r.t2Status).toBe('above-range');
    expect(r.recoveryFraction).toBeNull();
    expect(r.bootstrap.recoveryFraction).toMatchObject({ lower: null, upper: null, undefinedResamples: 4000 });
    expect(r.normUpRatio).toBeCloseTo(s.T1 / s.T0, 12);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('refuses a sweep without its tau 1 cell and cells with different seeds', () => {
    const s = linearStudy();
    expect(() => analyzeTemperatureMediation({ baseline: s.baseline, sweep: s.sweep.slice(1) })).toThrow(/no tau = 1 cell/);
    const other = makeCell({ rho: 1.15, tau: 1.3, seeds: SEED_FACTORS.map((f) => ({ tGrok: 1000 * f })), seedIds: SEED_FACTORS.map((_, i) => 100 + i) });
    expect(() => analyzeTemperatureMediation({ baseline: s.baseline, sweep: [s.sweep[0], other] })).toThrow(/same seeds/);
  });
});

describe('experiment 5: MSE dissociation', () => {
  it('reuses the mediation analysis under MSE and compares the norm effect with CE', () => {
    const ce = analyzeTemperatureMediation(linearStudy());
    const s = linearStudy({ loss: 'mse', L0: 12.5 });
    const r = analyzeMseDissociation({ baseline: s.baseline, sweep: s.sweep }, ce);
    expect(r.mse.loss).toBe('mse');
    expect(r.logitScaleAtGrok).toBe(12.5);
    expect(r.mse.t2).toBeCloseTo(s.T2, 9);
    expect(r.comparedWithCe!.logEffectShare).toBeCloseTo(Math.log(r.mse.normUpRatio!) / Math.log(ce.normUpRatio!), 12);
    expect(r.logitScaleSwing).toBeCloseTo(1.7, 12);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });
  it('refuses CE cells', () => {
    const s = linearStudy();
    expect(() => analyzeMseDissociation({ baseline: s.baseline, sweep: s.sweep })).toThrow(/expected MSE cells/);
  });
});

describe('experiment 6: memorization control', () => {
  const delays = [6000, 4800, 3900, 3100, 2600]; // by tau, decreasing
  const sweep = (tMemOf: (tauIndex: number, seed: number) => number) =>
    TAUS.map((tau, j) =>
      makeCell({
        rho: 1.15,
        tau,
        seeds: SEED_FACTORS.map((f, i) => ({ tMem: tMemOf(j, i), tGrok: tMemOf(j, i) + delays[j] * f })),
        budget: 1e5,
      }),
    );

  it('gives a share of exactly 1 when T_mem does not move', () => {
    const r = analyzeMemorizationControl(sweep(() => 800));
    expect(r.tauLo).toBe(1);
    expect(r.tauHi).toBe(1.7);
    expect(r.delayShare).toBeCloseTo(1, 12);
    expect(r.delayShareOfMeans).toBeCloseTo(1, 12);
    expect(r.delayOnTGrok!.slope).toBeCloseTo(1, 12);
    expect(r.tMemChange).toBe(0);
    expect(r.bootstrap.delayShare.lower).toBeCloseTo(1, 12);
    expect(r.bootstrap.delayShare.upper).toBeCloseTo(1, 12);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('gives the share of its definition when T_mem moves with tau', () => {
    const tMem = [900, 870, 840, 820, 800];
    const r = analyzeMemorizationControl(sweep((j) => tMem[j]));
    const m = medianOf(SEED_FACTORS);
    const dDelay = m * (delays[0] - delays[4]);
    expect(r.delayShare).toBeCloseTo(dDelay / (tMem[0] - tMem[4] + dDelay), 12);
    expect(r.delayShare!).toBeLessThan(1);
  });

  it('keeps the mean-based share additive when T_mem differs between seeds but not across tau', () => {
    const r = analyzeMemorizationControl(sweep((_j, i) => 700 + 37 * i));
    expect(r.delayShareOfMeans).toBeCloseTo(1, 12);
    expect(r.perSeed[2].delay[0]).toBeCloseTo(delays[0] * SEED_FACTORS[2], 9);
  });
});

describe('experiment 9: transformer control', () => {
  it('reports T(rho 1.15, tau 1) / T(rho 1.15, tau 1.7), w_c and the mediation', () => {
    const s = linearStudy({ model: 'transformer' });
    const free = makeCell({ model: 'transformer', seeds: [61, 64, 59].map((n) => ({ tGrok: 1500, normAtGrok: n })) });
    const r = analyzeTransformerControl({ free, baseline: s.baseline, sweep: s.sweep });
    expect(r.wc).toBe(61);
    expect(r.ratioTau1OverTauHi).toBeCloseTo(s.Tof(s.Lof(1)) / s.Tof(s.Lof(1.7)), 12);
    expect(r.mediation?.recoveryFraction).toBeCloseTo((s.T1 - s.T2) / (s.T1 - s.T0), 12);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });
  it('without the raised-norm sweep, still reports w_c and the baseline, with the ratio and mediation null', () => {
    const s = linearStudy({ model: 'transformer' });
    const free = makeCell({ model: 'transformer', seeds: [61, 64, 59].map((n) => ({ tGrok: 1500, normAtGrok: n })) });
    const r = analyzeTransformerControl({ free, baseline: s.baseline, sweep: [] });
    expect(r.wc).toBe(61);
    expect(r.baseline.medianTGrok).toBe(s.T0);
    expect(r.mediation).toBeNull();
    expect(r.ratioTau1OverTauHi).toBeNull();
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });
  it('refuses MLP cells', () => {
    const s = linearStudy();
    expect(() => analyzeTransformerControl({ free: makeCell({ seeds: [{ tGrok: 1 }] }), baseline: s.baseline, sweep: s.sweep })).toThrow(/expected transformer cells/);
  });
});
