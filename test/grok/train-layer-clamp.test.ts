/** The per-tensor clamp of the layer-allocation experiment (SPEC 7.1): each layer held at its own norm. */
import { describe, expect, it } from 'vitest';
import { tensorSpecs } from '../../src/grok/models/spec.ts';
import { initializeParameters } from '../../src/grok/models/init.ts';
import { type CellConfig, resolveCellConfig, runCell } from '../../src/grok/train/cell.ts';
import { clampTensorNorms, tensorNorms, weightNorm } from '../../src/grok/train/norms.ts';

const base: CellConfig = {
  model: 'mlp',
  p: 11,
  trainFraction: 0.4,
  seeds: [0, 1],
  loss: 'ce',
  tau: 1,
  precision: 'f32',
  engine: 'ts',
  budget: 30,
  evalEvery: 25,
  logEvery: 10,
  stopWhenAllGrokked: false,
};

const targets = { E: 9, W1: 20, W2: 12 };
const total = Math.sqrt(9 ** 2 + 20 ** 2 + 12 ** 2);

describe('clampTensorNorms', () => {
  it('rescales each clamped tensor to its own norm and leaves the biases alone', () => {
    const specs = tensorSpecs('mlp', 11);
    const params = Object.fromEntries(specs.map((s) => [s.name, new Float64Array(s.rows * s.cols)]));
    initializeParameters(params, 'mlp', 11, 3);
    params.b1.fill(0.5);
    clampTensorNorms(params, specs, targets);
    const norms = tensorNorms(params, specs);
    for (const [name, t] of Object.entries(targets)) expect(norms[name]).toBeCloseTo(t, 10);
    expect(weightNorm(params, specs)).toBeCloseTo(total, 10);
    expect(params.b1.every((x) => x === 0.5)).toBe(true);
  });

  it('refuses targets that leave a clamped tensor out or name a bias', () => {
    const specs = tensorSpecs('mlp', 11);
    const params = Object.fromEntries(specs.map((s) => [s.name, new Float64Array(s.rows * s.cols).fill(1)]));
    expect(() => clampTensorNorms(params, specs, { E: 1, W1: 1 })).toThrow(/missing W2/);
    expect(() => clampTensorNorms(params, specs, { ...targets, b1: 1 })).toThrow(/not clamped tensors: b1/);
  });
});

describe('runCell with a per-tensor clamp', () => {
  it('holds every layer at its own target from tInt on, in every seed', async () => {
    const { result } = await runCell({ ...base, clamp: { tInt: 10, targets: [total, total], perTensor: targets } });
    const after = result.logSteps.map((s, k) => [s, k]).filter(([s]) => s >= 10);
    expect(after.length).toBeGreaterThan(1);
    for (let seed = 0; seed < 2; seed++) {
      for (const [, k] of after) {
        for (const [name, t] of Object.entries(targets)) expect(Math.abs(result.log[seed].tensorNorms[name][k] / t - 1)).toBeLessThan(1e-5);
        expect(Math.abs(result.log[seed].norm[k] / total - 1)).toBeLessThan(1e-5);
      }
    }
    // before the clamp the split is the init's, not the targets'
    expect(Math.abs(result.log[0].tensorNorms.E[0] - targets.E)).toBeGreaterThan(0.1);
  });

  it('differs from the total-norm clamp at the same total (the split matters)', async () => {
    const split = await runCell({ ...base, clamp: { tInt: 10, targets: [total, total], perTensor: targets } });
    const common = await runCell({ ...base, clamp: { tInt: 10, targets: [total, total] } });
    const last = split.result.logSteps.length - 1;
    expect(split.result.log[0].tensorNorms.E[last]).not.toBeCloseTo(common.result.log[0].tensorNorms.E[last], 3);
  });

  it('requires each seed target to be the total the per-tensor norms imply', () => {
    expect(() => resolveCellConfig({ ...base, clamp: { tInt: 10, targets: [total, total + 1], perTensor: targets } })).toThrow(/add up to/);
  });
});
