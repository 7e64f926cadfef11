import { describe, expect, it } from 'vitest';
import { analyzeSameStateForks, type ForkArmName } from '../../src/grok/analysis/same-state-forks.ts';
import { analyzeFloat64Audit } from '../../src/grok/analysis/float64-audit.ts';
import { jsonRoundTrip, makeCell, SEED_FACTORS } from './analysis-fixtures.ts';

const medianOf = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('experiment 7: same-state forks', () => {
  const tFork = 1000;
  const rho = 1.15;
  const base = SEED_FACTORS.map((f) => 3000 * f); // per-seed delay of the "same" arm
  const n0 = SEED_FACTORS.map((f) => 40 + 10 * f);
  const scale: Record<ForkArmName, number> = { free: 1.5, same: 1, raised: 3, lowered: 0.5 };
  const targets: Record<ForkArmName, number[] | undefined> = {
    free: undefined,
    same: n0,
    raised: n0.map((n) => n * rho),
    lowered: n0.map((n) => n / rho),
  };
  const arms = (edit?: (arm: ForkArmName, seed: number, delay: number) => number | null, curves = false) => {
    const out = {} as Record<ForkArmName, ReturnType<typeof makeCell>>;
    for (const arm of ['free', 'same', 'raised', 'lowered'] as ForkArmName[]) {
      const seeds = base.map((d, i) => {
        const delay = edit ? edit(arm, i, d * scale[arm]) : d * scale[arm];
        return { tGrok: delay === null ? null : tFork + delay, tMem: 700 };
      });
      out[arm] = makeCell({
        clampTargets: targets[arm],
        seeds,
        budget: 50000,
        ...(curves ? { testAcc: (step: number, i: number) => (seeds[i].tGrok !== null && step >= seeds[i].tGrok! ? 1 : 0) } : {}),
      });
    }
    return out;
  };

  it('measures delays from the fork, their medians and the raised/same ratio with a zero-width paired interval', () => {
    const r = analyzeSameStateForks({ tFork, rho, arms: arms() });
    expect(r.arms.same.medianDelayFromFork).toBeCloseTo(medianOf(base), 9);
    expect(r.arms.lowered.medianDelayFromFork).toBeCloseTo(0.5 * medianOf(base), 9);
    expect(r.ratioRaisedOverSame).toBeCloseTo(3, 12);
    expect(r.bootstrap.ratioRaisedOverSame.lower).toBeCloseTo(3, 12);
    expect(r.bootstrap.ratioRaisedOverSame.upper).toBeCloseTo(3, 12);
    expect(r.orderingHoldsForEverySeed).toBe(true);
    expect(r.orderedSeedCount).toBe(SEED_FACTORS.length);
    expect(r.heldNormsConsistent).toBe(true);
    expect(r.perSeed[1].forkNorm).toBe(n0[1]);
    expect(r.grokkedAtOrBeforeFork).toBe(0);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('carries each arm\'s test-accuracy curves and their median for the figure', () => {
    const a = arms(undefined, true);
    const r = analyzeSameStateForks({ tFork, rho, arms: a });
    const curves = r.arms.raised.testAccuracy!;
    expect(curves.perSeed.length).toBe(SEED_FACTORS.length);
    expect(curves.steps[1] - curves.steps[0]).toBe(25);
    const grokSteps = a.raised.seeds.map((s) => s.tGrok!);
    curves.steps.forEach((step, k) => {
      // Accuracy is 0 before and 1 from each seed's T_grok: the median is 0, 1/2 or 1 by the count grokked.
      const grokked = grokSteps.filter((t) => step >= t).length;
      expect(curves.median[k]).toBe(medianOf([...grokSteps.map((t) => (step >= t ? 1 : 0))]));
      if (grokked > SEED_FACTORS.length / 2) expect(curves.median[k]).toBe(1);
    });
    expect(analyzeSameStateForks({ tFork, rho, arms: arms() }).arms.same.testAccuracy).toBeNull();
  });

  it('reports the ordering as violated when one seed breaks it', () => {
    const r = analyzeSameStateForks({ tFork, rho, arms: arms((arm, seed, d) => (arm === 'raised' && seed === 3 ? base[3] * 0.9 : d)) });
    expect(r.orderingHoldsForEverySeed).toBe(false);
    expect(r.orderedSeedCount).toBe(SEED_FACTORS.length - 1);
    expect(r.perSeed.filter((s) => !s.ordered).map((s) => s.seed)).toEqual([4]);
  });

  it('checks the lowered arm too: lowered must be faster than same', () => {
    const r = analyzeSameStateForks({ tFork, rho, arms: arms((arm, seed, d) => (arm === 'lowered' && seed === 5 ? base[5] * 1.01 : d)) });
    expect(r.perSeed.filter((s) => !s.ordered).map((s) => s.seed)).toEqual([6]);
    expect(r.orderingHoldsForEverySeed).toBe(false);
  });

  it('counts a raised arm that never grokked as slower than the same arm', () => {
    const r = analyzeSameStateForks({ tFork, rho, arms: arms((arm, seed, d) => (arm === 'raised' && seed === 0 ? null : d)) });
    expect(r.perSeed[0].delayFromFork.raised).toBeNull();
    expect(r.orderingHoldsForEverySeed).toBe(true);
  });

  it('flags clamp targets that are not rho N0 and N0 / rho', () => {
    const a = arms();
    a.raised.config.clamp!.targets = n0.map((n) => n * 1.2);
    expect(analyzeSameStateForks({ tFork, rho, arms: a }).heldNormsConsistent).toBe(false);
  });
});

describe('experiment 8: float64 audit', () => {
  const seeds = (T: number | null) => SEED_FACTORS.map((f) => ({ tGrok: T === null ? null : T * f }));
  const m = medianOf(SEED_FACTORS);

  it('finds rho 1.15 precision-robust and rho 1.25 confounded, as in the paper\'s pattern', () => {
    const r = analyzeFloat64Audit([
      {
        f32: makeCell({ rho: 1.25, precision: 'f32', seeds: seeds(25000), collapse: 0.31, budget: 60000 }),
        f64: makeCell({ rho: 1.25, precision: 'f64', seeds: seeds(null), collapse: 0, budget: 60000 }),
      },
      {
        f32: makeCell({ rho: 1.15, precision: 'f32', seeds: seeds(10000), collapse: 0.01, budget: 60000 }),
        f64: makeCell({ rho: 1.15, precision: 'f64', seeds: seeds(11000), collapse: 0, budget: 60000 }),
      },
    ]);
    expect(r.cells.map((c) => c.rho)).toEqual([1.15, 1.25]);
    const [low, high] = r.cells;
    expect(low.verdict).toBe('precision-robust');
    expect(low.t64OverT32).toBeCloseTo(1.1, 12);
    expect(high.verdict).toBe('float32 softmax-collapse confounded');
    expect(high.f32.collapse).toMatchObject({ value: 0.31, at: 'grok' });
    expect(high.f64.collapse.at).toBe('end');
    expect(high.checks).toEqual({ float32CollapseBelowThreshold: false, float32Grokked: true, float64Grokked: false, timesWithinTolerance: false });
    expect(high.t64OverT32AtLeast).toBeCloseTo(60000 / (25000 * m), 12);
    expect(jsonRoundTrip(r)).toStrictEqual(r);
  });

  it('calls a cell confounded when float64 is more than 1.3x slower even without collapse', () => {
    const r = analyzeFloat64Audit([
      {
        f32: makeCell({ rho: 1.15, precision: 'f32', seeds: seeds(10000), collapse: 0.01 }),
        f64: makeCell({ rho: 1.15, precision: 'f64', seeds: seeds(13100) }),
      },
    ]);
    expect(r.cells[0].checks.timesWithinTolerance).toBe(false);
    expect(r.cells[0].verdict).toBe('float32 softmax-collapse confounded');
  });

  it('calls a cell confounded when float64 is more than 1.3x faster', () => {
    const r = analyzeFloat64Audit([
      {
        f32: makeCell({ rho: 1.15, precision: 'f32', seeds: seeds(14000), collapse: 0.01 }),
        f64: makeCell({ rho: 1.15, precision: 'f64', seeds: seeds(10000) }),
      },
    ]);
    expect(r.cells[0].t64OverT32).toBeCloseTo(1 / 1.4, 12);
    expect(r.cells[0].verdict).toBe('float32 softmax-collapse confounded');
  });

  it('reads the collapse fraction at the logged step nearest the median T_grok', () => {
    const collapse = (step: number) => step / 1e5;
    const r = analyzeFloat64Audit([
      {
        f32: makeCell({ rho: 1.15, precision: 'f32', seeds: [{ tGrok: 4310 }, { tGrok: 4310 }, { tGrok: 9000 }], collapse }),
        f64: makeCell({ rho: 1.15, precision: 'f64', seeds: [{ tGrok: 4310 }, { tGrok: 4310 }, { tGrok: 9000 }] }),
      },
    ]);
    expect(r.cells[0].f32.collapse).toMatchObject({ step: 4400, at: 'grok' });
    expect(r.cells[0].f32.collapse.value).toBeCloseTo(4400 / 1e5, 15);
  });

  it('refuses a pair in the wrong precision order', () => {
    const c = makeCell({ rho: 1.15, precision: 'f64', seeds: seeds(1000) });
    expect(() => analyzeFloat64Audit([{ f32: c, f64: c }])).toThrow(/expected a f32 cell/);
  });
});
