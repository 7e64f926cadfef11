import { describe, expect, it } from 'vitest';
import { runCell } from '../../src/grok/train/cell.ts';

describe('the paper model and optimizer grok', () => {
  // The paper's MLP and AdamW (betas 0.9/0.999, eps 1e-8, decay after the update on E, W1, W2), full batch,
  // float32, cross-entropy, tau 1, at a small modulus so that the test runs in seconds: p = 31 with 60% of
  // the pairs for training and lr 2e-3, weight decay 2 (at 40% and the paper's lr 1e-3, wd 1, p = 31 had
  // not grokked after 6000 steps; the paper-size run is bench/free_p59.ts). Training is bit-deterministic,
  // so this trajectory is the same on every machine.
  it('memorises first, generalises much later: T_mem < T_grok, test accuracy >= 0.9 at the end', async () => {
    const { result } = await runCell({
      model: 'mlp',
      p: 31,
      trainFraction: 0.6,
      seeds: [0],
      loss: 'ce',
      tau: 1,
      precision: 'f32',
      engine: 'ts',
      lr: 2e-3,
      weightDecay: 2,
      budget: 2000,
    });
    const seed = result.seeds[0];
    expect(seed.tMem).not.toBeNull();
    expect(seed.tGrok).not.toBeNull();
    const tMem = seed.tMem!;
    const tGrok = seed.tGrok!;
    expect(tMem).toBeLessThan(tGrok);
    // grokking, not learning both at once: generalisation comes several times later than memorisation,
    // and at memorisation the test accuracy is still near chance
    expect(tGrok).toBeGreaterThan(3 * tMem);
    const atMem = result.evalSteps.indexOf(tMem);
    expect(result.eval[0].testAcc[atMem]).toBeLessThan(0.2);
    expect(result.eval[0].testAcc.at(-1)).toBeGreaterThanOrEqual(0.9);
    expect(result.eval[0].trainAcc.at(-1)).toBeGreaterThanOrEqual(0.99);
    // the cell stopped as soon as its only seed grokked
    expect(result.finalStep).toBe(tGrok);
    expect(result.medianTGrok).toBe(tGrok);
  });
});
