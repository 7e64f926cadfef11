/**
 * The tfjs engine's gradients are right: against the float64 TypeScript kernels (same float32 weights
 * copied in), and against central finite differences of tfjs's own float32 loss for both models.
 */
import { describe, expect, it } from 'vitest';
import type { FloatArray, Kernel, LossKind, ModelKind } from '../../src/grok/kernels/contract.ts';
import { createTfjsKernel } from '../../src/grok/kernels/tfjs/index.ts';
import { createKernel } from '../../src/grok/kernels/ts/index.ts';
import { initializeParameters } from '../../src/grok/models/init.ts';
import { makeSplit } from '../../src/grok/data.ts';
import { Rng } from '../../src/grok/random.ts';

type AnyKernel = Kernel<Record<string, FloatArray>>;

async function tfjsKernelAt(model: ModelKind, p: number, seed: number): Promise<AnyKernel> {
  const kernel = (await createTfjsKernel({ model, p, precision: 'f32' })) as unknown as AnyKernel;
  initializeParameters(kernel.params, model, p, seed);
  return kernel;
}

/** ||x - y|| / ||y|| and max |x - y| / max |y| over one tensor. */
function relativeErrors(x: FloatArray, y: FloatArray): { norm: number; max: number } {
  let diff2 = 0, ref2 = 0, diffMax = 0, refMax = 0;
  for (let i = 0; i < y.length; i++) {
    const d = x[i] - y[i];
    diff2 += d * d;
    ref2 += y[i] * y[i];
    diffMax = Math.max(diffMax, Math.abs(d));
    refMax = Math.max(refMax, Math.abs(y[i]));
  }
  return { norm: Math.sqrt(diff2 / ref2), max: diffMax / refMax };
}

describe('tfjs gradients agree with the float64 TypeScript kernels (same float32 weights)', () => {
  // Measured: 1e-8 to 1.3e-6 in the loss and every tensor (float32 rounding of sums over up to 1392
  // examples); the bound leaves a 10x margin.
  const TOLERANCE = 1.5e-5;
  const cases: Array<{ model: ModelKind; p: number; loss: LossKind; tau: number; sharpen: string[] }> = [
    { model: 'mlp', p: 7, loss: 'ce', tau: 1.3, sharpen: [] },
    { model: 'mlp', p: 7, loss: 'mse', tau: 0.8, sharpen: [] },
    { model: 'mlp', p: 23, loss: 'ce', tau: 1, sharpen: [] },
    { model: 'mlp', p: 23, loss: 'mse', tau: 1.7, sharpen: [] },
    // Readout scaled up: large logits and a nearly saturated softmax, where float32 errors are largest.
    { model: 'mlp', p: 23, loss: 'ce', tau: 1.15, sharpen: ['W2'] },
    { model: 'transformer', p: 7, loss: 'ce', tau: 1.3, sharpen: [] },
    { model: 'transformer', p: 7, loss: 'mse', tau: 0.8, sharpen: [] },
    // Sharper attention (query/key scaled) and larger logits.
    { model: 'transformer', p: 23, loss: 'ce', tau: 1, sharpen: ['Wq', 'Wk', 'U'] },
  ];
  for (const { model, p, loss, tau, sharpen } of cases) {
    const extra = sharpen.length > 0 ? `, ${sharpen.join(', ')} x4` : '';
    it(`${model}, p = ${p}, ${loss}, tau = ${tau}${extra}`, async () => {
      const tfjs = await tfjsKernelAt(model, p, 3);
      for (const name of sharpen) for (let i = 0; i < tfjs.params[name].length; i++) tfjs.params[name][i] *= 4;
      const ts = createKernel({ model, p, precision: 'f64' });
      for (const name of Object.keys(tfjs.params)) ts.params[name].set(tfjs.params[name]);
      const batch = makeSplit(p, 3, 0.4).train;

      const lossTfjs = tfjs.lossAndGrad(batch, loss, tau);
      const lossTs = ts.lossAndGrad(batch, loss, tau);
      expect(Math.abs(lossTfjs - lossTs) / Math.abs(lossTs)).toBeLessThan(TOLERANCE);
      expect(Object.keys(tfjs.grads)).toEqual(Object.keys(ts.grads));
      for (const name of Object.keys(ts.grads)) {
        const error = relativeErrors(tfjs.grads[name], ts.grads[name]);
        expect(error.norm, `${name} (norm-relative)`).toBeLessThan(TOLERANCE);
        expect(error.max, `${name} (max-relative)`).toBeLessThan(TOLERANCE);
      }
    });
  }
});

/**
 * Central differences of the float32 loss along directions built from the gradient itself: for a random
 * half S of a tensor's entries, step along v = g restricted to S (unit length), by +-h and +-2h, and
 * combine the four losses with the five-point stencil (error O(h^4)). The prediction applies the same
 * stencil to g . d for the displacements d actually stored (float32 rounds theta + h v). A gradient
 * with wrong entries predicts |g_S|^2 where the loss moves by g_true . g_S. h = 0.1 is a unit-norm step
 * spread over the whole tensor, so each entry moves little and truncation stays below float32 noise.
 */
function finiteDifferenceErrors(kernel: AnyKernel, batch: ReturnType<typeof makeSplit>['train'], loss: LossKind, tau: number) {
  kernel.lossAndGrad(batch, loss, tau);
  const grads = Object.fromEntries(Object.entries(kernel.grads).map(([k, v]) => [k, Float64Array.from(v)]));
  const errors: Record<string, number> = {};
  const h = 0.1;
  for (const name of Object.keys(grads)) {
    const g = grads[name];
    const theta = kernel.params[name];
    const original = Float32Array.from(theta);
    const rng = Rng.derive(11, 'fd-subset', name);
    const inS = Array.from(g, () => rng.uniform() < 0.5);
    let worst = 0;
    for (const half of [true, false]) {
      const v = g.map((x, i) => (inS[i] === half ? x : 0));
      const length = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
      const lossAt = (sign: number) => {
        const d = new Float64Array(g.length);
        for (let i = 0; i < g.length; i++) {
          theta[i] = original[i] + (sign * h * v[i]) / length;
          d[i] = theta[i] - original[i];
        }
        const value = kernel.lossAndGrad(batch, loss, tau);
        theta.set(original);
        return { value, d };
      };
      const moves = [1, -1, 2, -2].map(lossAt);
      const along = (m: { d: Float64Array }) => g.reduce((sum, gi, i) => sum + gi * m.d[i], 0);
      const finite = (8 * (moves[0].value - moves[1].value) - (moves[2].value - moves[3].value)) / 12;
      const predicted = (8 * (along(moves[0]) - along(moves[1])) - (along(moves[2]) - along(moves[3]))) / 12;
      worst = Math.max(worst, Math.abs(finite - predicted) / Math.abs(predicted));
    }
    errors[name] = worst;
  }
  return errors;
}

describe('tfjs gradients match central finite differences of the float32 loss', () => {
  // Measured (wasm backend): at most 7e-5, and 1e-3 for Wq and Wk, whose gradients are small so that the
  // float32 rounding of the loss weighs more. Checked by breaking the code on purpose: a GELU derivative
  // missing its 2/sqrt(pi) factor gives 9e-4 to 2e-3 on E, W1, b1 and Win; gradients scattered into the
  // wrong rows, a dropped softmax-gradient term or a doubled broadcast gradient give more than 2e-2.
  const TOLERANCE = 3e-4;
  const ATTENTION_TOLERANCE = 3e-3;
  for (const model of ['mlp', 'transformer'] as const) {
    for (const [loss, tau] of [['ce', 1.3], ['mse', 0.8]] as const) {
      it(`${model}, ${loss}, tau = ${tau}`, async () => {
        const p = 7;
        const kernel = await tfjsKernelAt(model, p, 5);
        if (model === 'transformer') {
          // At init the attention is nearly uniform and the query/key gradients tiny; sharpen it.
          for (const name of ['Wq', 'Wk']) for (let i = 0; i < kernel.params[name].length; i++) kernel.params[name][i] *= 5;
        }
        const errors = finiteDifferenceErrors(kernel, makeSplit(p, 5, 0.4).train, loss, tau);
        expect(Object.keys(errors)).toEqual(Object.keys(kernel.params));
        for (const [name, error] of Object.entries(errors)) {
          expect(error, name).toBeLessThan(name === 'Wq' || name === 'Wk' ? ATTENTION_TOLERANCE : TOLERANCE);
        }
      });
    }
  }
});
