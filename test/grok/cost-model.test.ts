/**
 * The training cost model behind `grokpipe plan`: its laws checked against published figures they were
 * not fitted to, and its pieces against each other.
 */
import { describe, expect, test } from 'vitest';
import { doseLaw, expectedSteps, medianTGrok, seedShardSteps, SEED_STEP_RATES, seedStepsPerSecond, tail, trainingSeconds } from '../../src/grok/train/cost-model.ts';

describe('cost model', () => {
  test('the dose law from the baseline predicts the published raised-norm cell and the float32 audit at rho 1.25', () => {
    // Published (SPEC 7.2): rho 1.15 tau 1 at p = 59 groks at a median 12600; the model uses only the
    // baseline (3675), alpha and w_c. SPEC 6: float32 at rho 1.25 groks near 25k.
    const law = (rho: number) => doseLaw(59, rho).steps;
    expect(law(1.15) / 12600).toBeGreaterThan(0.85);
    expect(law(1.15) / 12600).toBeLessThan(1.15);
    const audit = medianTGrok({ p: 59, rho: 1.25, precision: 'f32', seeds: 8, budget: 60000 })!.steps;
    expect(audit / 25000).toBeGreaterThan(0.85);
    expect(audit / 25000).toBeLessThan(1.15);
    // float64 at 1.25 is not grokked by 60k in the paper: the model does not pretend to know, it takes the budget.
    expect(expectedSteps({ p: 59, rho: 1.25, precision: 'f64', seeds: 8, budget: 60000 })).toMatchObject({ steps: 60000 });
  });

  test("a cell held at an absolute norm is read against the paper's w_c: 37.37 on the transformer is the paper's rho 1.15", () => {
    const held = medianTGrok({ model: 'transformer', p: 59, heldNorm: 37.37, tau: 1.3, seeds: 12, budget: 60000 });
    expect(held).toEqual(medianTGrok({ model: 'transformer', p: 59, rho: 1.15, tau: 1.3, seeds: 12, budget: 60000 }));
  });

  test('the slowest of more seeds is later, and a table cell never exceeds its budget', () => {
    expect(tail(1)).toBe(1);
    expect(tail(2)).toBeGreaterThan(1.2);
    expect(tail(12)).toBeGreaterThan(tail(2));
    expect(expectedSteps({ model: 'transformer', p: 59, rho: 1.15, tau: 1, seeds: 12, budget: 20000 }).steps).toBe(20000);
  });

  test("a seed shard's run and finish add up to the unsharded cell's steps for one seed", () => {
    const cell = { p: 97, rho: 1.15, tau: 1.3, seeds: 12, budget: 60000 };
    const run = seedShardSteps(cell, 'run').steps;
    const finish = seedShardSteps(cell, 'finish').steps;
    expect(run).toBeGreaterThan(0);
    expect(finish).toBeGreaterThan(0);
    expect(run + finish).toBe(expectedSteps(cell).steps);
  });

  test('rates: measured where measured, slower for larger moduli and float64, seconds = steps x seeds / rate', () => {
    const measured = (p: number, precision: 'f32' | 'f64' = 'f32') => SEED_STEP_RATES.find((r) => r.model === 'mlp' && r.p === p && r.precision === precision)!.seedStepsPerSecond;
    expect(seedStepsPerSecond('mlp', 59, 'f32').rate).toBe(measured(59));
    expect(seedStepsPerSecond('mlp', 113, 'f32').rate).toBeLessThan(measured(97));
    expect(seedStepsPerSecond('mlp', 67, 'f32').rate).toBeLessThan(measured(59));
    expect(seedStepsPerSecond('mlp', 67, 'f32').rate).toBeGreaterThan(measured(97));
    expect(seedStepsPerSecond('mlp', 67, 'f64').rate).toBeLessThan(seedStepsPerSecond('mlp', 67, 'f32').rate);
    expect(trainingSeconds({ p: 59, seeds: 2, steps: 1000 }).seconds).toBeCloseTo(2000 / measured(59), 9);
  });
});
