import { describe, expect, it } from 'vitest';
import type { FloatArray, LossKind, ModelKind } from '../../src/grok/kernels/contract.ts';
import { createKernel } from '../../src/grok/kernels/ts/index.ts';
import { initializeParameters, initialParameters } from '../../src/grok/models/init.ts';
import { tensorSpecs } from '../../src/grok/models/spec.ts';
import { allPairs, makeSplit, pairsFromIndices } from '../../src/grok/data.ts';
import { MetricScratch, logitMetrics } from '../../src/grok/train/metrics.ts';
import { Rng } from '../../src/grok/random.ts';

type AnyKernel = ReturnType<typeof createKernel>;

function kernelWithNonzeroBiases(model: ModelKind, p: number, seed: number): AnyKernel {
  const kernel = createKernel({ model, p, precision: 'f64' });
  initializeParameters(kernel.params, model, p, seed);
  // Biases start at zero; give every tensor nonzero values so that each gradient path is exercised.
  const rng = Rng.derive(seed, 'test-biases');
  for (const spec of tensorSpecs(model, p)) {
    if (spec.initScale === 0) {
      const t = kernel.params[spec.name];
      for (let i = 0; i < t.length; i++) t[i] = 0.2 * rng.normal();
    }
  }
  return kernel;
}

/**
 * Worst relative error between the analytic gradient and a fourth-order central difference, over a
 * sample of entries per tensor: the 4 largest-gradient entries and 6 random entries among those whose
 * gradient is at least 1e-2 of the tensor's largest. Step h = 0.01: the fourth-order stencil's truncation
 * error is then ~1e-10 relative, and its rounding noise (~1e-16 * loss / h) stays far below 1e-6 of
 * every sampled gradient, even for the attention query's small gradients.
 */
function gradientErrors(kernel: AnyKernel, model: ModelKind, p: number, loss: LossKind, tau: number): Record<string, number> {
  const batch = makeSplit(p, 1, 0.4).train;
  kernel.lossAndGrad(batch, loss, tau);
  const analytic: Record<string, Float64Array> = {};
  for (const spec of tensorSpecs(model, p)) analytic[spec.name] = Float64Array.from(kernel.grads[spec.name]);
  const rng = Rng.derive(7, 'gradient-sample');
  const errors: Record<string, number> = {};
  for (const spec of tensorSpecs(model, p)) {
    const g = analytic[spec.name];
    const param = kernel.params[spec.name];
    const order = Array.from(g.keys()).sort((i, j) => Math.abs(g[j]) - Math.abs(g[i]));
    const largest = Math.abs(g[order[0]]);
    const eligible = order.filter((i) => Math.abs(g[i]) >= 1e-2 * largest);
    const picks = new Set(order.slice(0, 4));
    for (let k = 0; k < 6; k++) picks.add(eligible[rng.int(eligible.length)]);
    let worst = 0;
    for (const idx of picks) {
      const x = param[idx];
      const h = 1e-2 * Math.max(1, Math.abs(x));
      const at = (v: number) => {
        param[idx] = v;
        return kernel.lossAndGrad(batch, loss, tau);
      };
      const fd = (8 * (at(x + h) - at(x - h)) - (at(x + 2 * h) - at(x - 2 * h))) / (12 * h);
      param[idx] = x;
      const rel = Math.abs(fd - g[idx]) / Math.max(Math.abs(fd), Math.abs(g[idx]));
      if (rel > worst) worst = rel;
    }
    errors[spec.name] = worst;
  }
  return errors;
}

describe('TypeScript kernels: float64 gradients match finite differences', () => {
  for (const model of ['mlp', 'transformer'] as const) {
    for (const loss of ['ce', 'mse'] as const) {
      it(`${model} ${loss}, tau = 1.7: every tensor below 1e-6 relative error`, () => {
        const p = 5;
        const kernel = kernelWithNonzeroBiases(model, p, 3);
        const errors = gradientErrors(kernel, model, p, loss, 1.7);
        expect(Object.keys(errors)).toEqual(tensorSpecs(model, p).map((s) => s.name));
        for (const [name, err] of Object.entries(errors)) expect(err, `${model} ${loss} ${name}`).toBeLessThan(1e-6);
      });
    }
  }
});

describe('TypeScript kernels: float32 and float64 agree where they should', () => {
  it('start from the same initial values (drawn in double, rounded once for float32)', () => {
    const p = 7;
    const k32 = createKernel({ model: 'mlp', p, precision: 'f32' });
    const k64 = createKernel({ model: 'mlp', p, precision: 'f64' });
    initializeParameters(k32.params, 'mlp', p, 5);
    initializeParameters(k64.params, 'mlp', p, 5);
    const ref = initialParameters('mlp', p, 5);
    for (const name of Object.keys(ref)) {
      expect(Array.from(k64.params[name])).toEqual(Array.from(ref[name]));
      expect(Array.from(k32.params[name])).toEqual(Array.from(ref[name], Math.fround));
    }
  });

  for (const model of ['mlp', 'transformer'] as const) {
    it(`${model}: the same loss and gradients up to float32 rounding`, () => {
      const p = 11;
      const k32 = createKernel({ model, p, precision: 'f32' });
      const k64 = createKernel({ model, p, precision: 'f64' });
      initializeParameters(k32.params, model, p, 2);
      for (const name of Object.keys(k32.params)) k64.params[name].set(k32.params[name]);
      const batch = makeSplit(p, 2, 0.4).train;
      const l32 = k32.lossAndGrad(batch, 'ce', 1.3);
      const l64 = k64.lossAndGrad(batch, 'ce', 1.3);
      expect(Math.abs(l32 - l64) / l64).toBeLessThan(1e-6);
      for (const name of Object.keys(k32.grads)) {
        const a = k32.grads[name];
        const b = k64.grads[name];
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < a.length; i++) {
          diff = Math.max(diff, Math.abs(a[i] - b[i]));
          scale = Math.max(scale, Math.abs(b[i]));
        }
        expect(diff / scale, name).toBeLessThan(1e-4);
        expect(diff, `${name}: float32 must actually round`).toBeGreaterThan(0);
      }
    });
  }
});

describe('float32 softmax collapse', () => {
  // Logits z = b2 for every example (W2 = 0): the target's logit leads every other by `margin`.
  function collapseSetup(precision: 'f32' | 'f64', margin: number) {
    const p = 5;
    const kernel = createKernel({ model: 'mlp', p, precision });
    initializeParameters(kernel.params, 'mlp', p, 1);
    kernel.params.W2.fill(0);
    const target = 3;
    kernel.params.b2.fill(0);
    kernel.params.b2[target] = margin;
    // the one pair (1, 2) -> 3
    const batch = pairsFromIndices(p, [1 * p + 2]);
    return { kernel, batch, target, p };
  }

  it('in float32 a margin of 20 makes p_y exactly 1: zero gradient on the target logit; float64 keeps a gradient', () => {
    const margin = 20; // exp(-20) = 2e-9 < 2^-25: lost when added to 1 in float32, kept in float64
    const f32 = collapseSetup('f32', margin);
    f32.kernel.lossAndGrad(f32.batch, 'ce', 1);
    expect(f32.kernel.grads.b2[f32.target]).toBe(0);
    for (let k = 0; k < f32.p; k++) expect(f32.kernel.grads.W2[0 * f32.p + f32.target]).toBe(0);
    // the other classes still get their (tiny) positive probability
    expect(f32.kernel.grads.b2[0]).toBeGreaterThan(0);

    const f64 = collapseSetup('f64', margin);
    f64.kernel.lossAndGrad(f64.batch, 'ce', 1);
    expect(f64.kernel.grads.b2[f64.target]).toBeLessThan(0);
    const expected = -(4 * Math.exp(-margin)) / (1 + 4 * Math.exp(-margin)); // p_y - 1 for one example
    expect(Math.abs(f64.kernel.grads.b2[f64.target] / expected - 1)).toBeLessThan(1e-6);
  });

  it('the collapse fraction counts such pairs in float32 only; temperature undoes it', () => {
    const measure = (precision: 'f32' | 'f64', margin: number, tau: number) => {
      const { kernel, p } = collapseSetup(precision, margin);
      const all = allPairs(p);
      const isTrain = new Uint8Array(p * p).fill(1);
      const logits = precision === 'f32' ? new Float32Array(p * p * p) : new Float64Array(p * p * p);
      kernel.logits(all, logits);
      return logitMetrics(logits as FloatArray, p, all, isTrain, 'ce', tau, precision, new MetricScratch(p));
    };
    // every pair sees the same logits, and the pairs whose target is 3 are one fifth of them
    expect(measure('f32', 20, 1).collapse).toBeCloseTo(0.2, 12);
    expect(measure('f64', 20, 1).collapse).toBe(0);
    expect(measure('f32', 20, 2).collapse).toBe(0); // margin 10 after tau: exp(-10) survives in float32
    // saturation looks at the largest probability, right or wrong: every pair is saturated
    expect(measure('f32', 20, 1).saturation).toBe(1);
    expect(measure('f64', 20, 1).saturation).toBe(1);
    expect(measure('f64', 5, 1).saturation).toBe(0);
    expect(measure('f32', 20, 1).L).toBeCloseTo(20, 5);
  });
});
