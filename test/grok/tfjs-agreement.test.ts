/**
 * Engine agreement (issue 3, item 4): from the same initial weights, the shared trainer (runCell) driving
 * the tfjs engine follows the same curves as it does driving the TypeScript kernels, within float32
 * tolerance, over the first 50 steps of a small cell. Both engines run in float32; they differ only in
 * summation order and in exp/log/erf implementations.
 */
import { describe, expect, it } from 'vitest';
import type { ModelKind } from '../../src/grok/kernels/contract.ts';
import { tfjsIdentity } from '../../src/grok/kernels/tfjs/index.ts';
import { type CellConfig, type CellResult, runCell } from '../../src/grok/train/cell.ts';

function cell(model: ModelKind, p: number, loss: 'ce' | 'mse', tau: number, engine: 'ts' | 'tfjs'): CellConfig {
  return {
    model,
    p,
    trainFraction: 0.4,
    seeds: [1, 2],
    loss,
    tau,
    precision: 'f32',
    engine,
    budget: 50,
    evalEvery: 25,
    logEvery: 1, // every step: the whole 50-step curve of every measurement
    stopWhenAllGrokked: false,
  };
}

function worstRelativeGap(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-12));
  return worst;
}

function expectSameCurves(tfjs: CellResult, ts: CellResult, tolerance: number): void {
  expect(tfjs.logSteps).toEqual(Array.from({ length: 51 }, (_, i) => i));
  expect(tfjs.logSteps).toEqual(ts.logSteps);
  for (let s = 0; s < ts.log.length; s++) {
    for (const series of ['trainLoss', 'testLoss', 'norm', 'L'] as const) {
      expect(worstRelativeGap(tfjs.log[s][series], ts.log[s][series]), `seed ${ts.seeds[s].seed} ${series}`).toBeLessThan(tolerance);
    }
    // The training loss must actually move, or agreement would prove little.
    const curve = ts.log[s].trainLoss;
    expect(curve[50]).toBeLessThan(curve[0] * 0.95);
    // Accuracies count argmax hits; allow one pair to sit on the other side of a near-tie.
    const pairs = ts.config.p * ts.config.p;
    for (const which of ['trainAcc', 'testAcc'] as const) {
      tfjs.eval[s][which].forEach((acc, i) => expect(Math.abs(acc - ts.eval[s][which][i])).toBeLessThanOrEqual(1 / (0.4 * pairs) + 1e-12));
    }
  }
}

describe('the tfjs engine and the TypeScript kernels follow the same curves under runCell', () => {
  // Measured: relative gaps in train/test loss, ||W|| and L over these 50 steps (the trainer computes
  // them in double from each engine's float32 logits) of at most 5e-8 for the MLP and 4.5e-7 for the
  // transformer, whose loss falls from 2.1 to 0.55 in 50 steps, so the float32 differences grow more.
  const TOLERANCE = 1e-6;
  const TRANSFORMER_TOLERANCE = 2e-6;

  it('MLP, p = 23, CE, tau = 1: 50 steps of two seeds', async () => {
    const ts = (await runCell(cell('mlp', 23, 'ce', 1, 'ts'))).result;
    const tfjs = (await runCell(cell('mlp', 23, 'ce', 1, 'tfjs'))).result;
    expect(tfjs.engine).toEqual({ name: 'tfjs', identity: await tfjsIdentity() });
    expect(ts.engine.name).toBe('ts');
    expectSameCurves(tfjs, ts, TOLERANCE);
  });

  it('MLP, p = 13, MSE, tau = 1.5', async () => {
    const ts = (await runCell(cell('mlp', 13, 'mse', 1.5, 'ts'))).result;
    const tfjs = (await runCell(cell('mlp', 13, 'mse', 1.5, 'tfjs'))).result;
    expectSameCurves(tfjs, ts, TOLERANCE);
  });

  it('transformer, p = 7, CE, tau = 1.3', async () => {
    const ts = (await runCell(cell('transformer', 7, 'ce', 1.3, 'ts'))).result;
    const tfjs = (await runCell(cell('transformer', 7, 'ce', 1.3, 'tfjs'))).result;
    expectSameCurves(tfjs, ts, TRANSFORMER_TOLERANCE);
  });
});
