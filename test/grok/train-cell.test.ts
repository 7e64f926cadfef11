import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { makeSplit, splitFromFile, splitsFile, trainSize } from '../../src/grok/data.ts';
import { tensorSpecs } from '../../src/grok/models/spec.ts';
import { type CellConfig, type CellResult, runCell } from '../../src/grok/train/cell.ts';
import { weightNorm } from '../../src/grok/train/norms.ts';
import { type TrainState, decodeState, encodeState, loadState, saveState } from '../../src/grok/train/state.ts';

function stateHash(state: TrainState): string {
  return createHash('sha256').update(encodeState(state)).digest('hex');
}

function resultHash(result: CellResult): string {
  return createHash('sha256').update(canonicalJson(result, { nonFinite: 'null' })).digest('hex');
}

const base: CellConfig = {
  model: 'mlp',
  p: 11,
  trainFraction: 0.4,
  seeds: [0, 1],
  loss: 'ce',
  tau: 1,
  precision: 'f32',
  engine: 'ts',
  budget: 120,
  evalEvery: 25,
  logEvery: 50,
  stopWhenAllGrokked: false,
};

describe('data split', () => {
  it('trains on the first floor(0.4 p^2) pairs of a seeded permutation; train and test partition all pairs', () => {
    for (const p of [7, 11, 59]) {
      const split = makeSplit(p, 3, 0.4);
      expect(split.train.n).toBe(Math.floor(0.4 * p * p));
      expect(split.train.n + split.test.n).toBe(p * p);
      const seen = new Set<number>();
      for (const set of [split.train, split.test]) {
        for (let i = 0; i < set.n; i++) {
          expect(set.y[i]).toBe((set.a[i] + set.b[i]) % p);
          seen.add(set.a[i] * p + set.b[i]);
        }
      }
      expect(seen.size).toBe(p * p);
    }
    expect(trainSize(10, 0.3)).toBe(30); // 0.3 * 100 is 30.000000000000004 in floating point
  });
  it('survives the splits artifact: JSON round trip gives the same pairs, and bad files are refused', () => {
    const file = JSON.parse(JSON.stringify(splitsFile(11, [0, 3], 0.4)));
    expect(file.nTrain).toBe(48);
    for (const seed of [0, 3]) {
      const direct = makeSplit(11, seed, 0.4);
      const back = splitFromFile(file, seed);
      expect(Array.from(back.train.a)).toEqual(Array.from(direct.train.a));
      expect(Array.from(back.test.b)).toEqual(Array.from(direct.test.b));
    }
    expect(() => splitFromFile(file, 1)).toThrow(/seed 1/);
    file.seeds[0].train[5] = file.seeds[0].train[4];
    expect(() => splitFromFile(file, 0)).toThrow(/strictly increasing/);
  });
  it('differs between seeds and is reproducible for one seed', () => {
    const a = makeSplit(11, 1, 0.4).train;
    expect(Array.from(makeSplit(11, 1, 0.4).train.a)).toEqual(Array.from(a.a));
    expect(Array.from(makeSplit(11, 2, 0.4).train.b)).not.toEqual(Array.from(a.b));
  });
});

describe('runCell', () => {
  it('is deterministic: two runs give bit-identical weights, moments and metrics', async () => {
    const one = await runCell(base);
    const two = await runCell(base);
    expect(stateHash(two.state)).toBe(stateHash(one.state));
    expect(resultHash(two.result)).toBe(resultHash(one.result));
    // and a different seed list really changes the bits
    const other = await runCell({ ...base, seeds: [0, 2] });
    expect(stateHash(other.state)).not.toBe(stateHash(one.state));
  });

  it('trains on a given splits file exactly as on the derived splits; an aborted signal stops it', async () => {
    const short = { ...base, budget: 30 };
    const derived = await runCell(short);
    const fromFile = await runCell(short, { splits: splitsFile(11, [0, 1], 0.4) });
    expect(stateHash(fromFile.state)).toBe(stateHash(derived.state));
    await expect(runCell(short, { splits: splitsFile(13, [0, 1], 0.4) })).rejects.toThrow(/p = 13/);
    const controller = new AbortController();
    controller.abort('test');
    await expect(runCell(short, { signal: controller.signal })).rejects.toThrow(/aborted at step 25/);
  });

  it('logs on the grid: start, every logEvery steps, the final step; evaluates every evalEvery steps', async () => {
    const reports: string[] = [];
    const { result } = await runCell(base, { progress: (done, total, phase, detail) => reports.push(`${phase} ${done}/${total} ${detail}`) });
    // progress after every evaluation but step 0's, and at the final step (120, off the 25-step grid),
    // with each seed's latest test accuracy as the detail
    const inLoopEvaluations = result.evalSteps.filter((t) => t > 0).length;
    expect(reports).toHaveLength(inLoopEvaluations + (result.finalStep % 25 === 0 ? 0 : 1));
    const accuracies = result.eval.map((e) => e.testAcc[e.testAcc.length - 1].toFixed(2)).join(' ');
    expect(reports.at(-1)).toBe(`train ${result.finalStep}/${base.budget} test acc ${accuracies}, grokked ${result.grokkedCount}/${result.seeds.length}`);
    expect(result.logSteps).toEqual([0, 50, 100, 120]);
    expect(result.evalSteps).toEqual([0, 25, 50, 75, 100]);
    expect(result.log[0].L).toHaveLength(4);
    expect(result.eval[1].testAcc).toHaveLength(5);
    expect(Object.keys(result.log[0].tensorNorms)).toEqual(['E', 'W1', 'W2']);
    expect(result.engine).toEqual({ name: 'ts', identity: 'kernels-ts/1' });
    // measurements are consistent with each other: ||W||^2 is the sum of the per-tensor squares
    const n = result.log[0].tensorNorms;
    const k = 2;
    expect(result.log[0].norm[k] ** 2).toBeCloseTo(n.E[k] ** 2 + n.W1[k] ** 2 + n.W2[k] ** 2, 8);
  });

  it('reports progress against the step it stops at: a stopAt step, held back to stopNotBefore, never past the budget', async () => {
    const totals = async (config: CellConfig) => {
      const reports: [number, number][] = [];
      const { result } = await runCell(config, { progress: (done, total) => reports.push([done, total]) });
      return { final: result.finalStep, last: reports.at(-1), totals: new Set(reports.map((r) => r[1])) };
    };
    expect(await totals({ ...base, stopAt: 60 })).toEqual({ final: 60, last: [60, 60], totals: new Set([60]) });
    expect(await totals({ ...base, stopAt: 30, stopNotBefore: 60 })).toEqual({ final: 60, last: [60, 60], totals: new Set([60]) });
    expect(await totals({ ...base, stopAt: 500 })).toEqual({ final: 120, last: [120, 120], totals: new Set([120]) });
  });

  it('resumes bit-identically: N steps, save, M more equals N + M straight (with a clamp crossing the cut)', async () => {
    const config: CellConfig = { ...base, budget: 110, clamp: { tInt: 40, targets: [30, 33] } };
    const straight = await runCell(config);
    const first = await runCell({ ...config, budget: 60 });
    const dir = mkdtempSync(join(tmpdir(), 'grok-state-'));
    try {
      const path = join(dir, 'state.bin');
      await saveState(first.state, path);
      const loaded = await loadState(path);
      expect(stateHash(loaded)).toBe(stateHash(first.state));
      const resumed = await runCell(config, { initialState: loaded });
      expect(resumed.result.startStep).toBe(60);
      expect(stateHash(resumed.state)).toBe(stateHash(straight.state));
      const at = (r: CellResult, step: number) => r.logSteps.indexOf(step);
      for (let s = 0; s < 2; s++) {
        for (const key of ['trainLoss', 'testAcc', 'L', 'norm'] as const) {
          expect(resumed.result.log[s][key][at(resumed.result, 110)]).toBe(straight.result.log[s][key][at(straight.result, 110)]);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // the clamp held each seed's norm at its own target
    const specs = tensorSpecs('mlp', 11);
    straight.state.seeds.forEach((seed, s) => {
      expect(Math.abs(weightNorm(seed.params, specs) / [30, 33][s] - 1)).toBeLessThan(1e-6);
    });
  });

  it('round-trips a float64 state exactly and rejects a state of another cell family', async () => {
    const { state } = await runCell({ ...base, precision: 'f64', budget: 30 });
    const back = decodeState(encodeState(state));
    expect(stateHash(back)).toBe(stateHash(state));
    expect(back.seeds[1].params.W1).toBeInstanceOf(Float64Array);
    await expect(runCell({ ...base, precision: 'f32' }, { initialState: back })).rejects.toThrow(/precision/);
    await expect(runCell({ ...base, precision: 'f64', seeds: [1, 0] }, { initialState: back })).rejects.toThrow(/seeds/);
  });
});
