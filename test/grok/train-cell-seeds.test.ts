/**
 * A cell's seeds trained as separate units (cell-seeds.ts: each seed alone to its own stop, continued to the
 * cell's stopping step, assembled) give the lockstep cell's result to the bit: T_mem, T_grok, norms, L,
 * collapse and saturation series, medians. Each piece goes through JSON and the state file on the way,
 * as it does between the pipeline's shard instances.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { type CellConfig, type CellResult, type CellRun, runCell } from '../../src/grok/train/cell.ts';
import { assembleCell, cellStopStep, continueSeed, seedConfig, seedState } from '../../src/grok/train/cell-seeds.ts';
import { decodeState, encodeState, type TrainState } from '../../src/grok/train/state.ts';

/** Through the bytes the stages write: canonical JSON for the result, the state file for the state. */
const viaFiles = (run: CellRun): CellRun => ({
  result: JSON.parse(canonicalJson(run.result)) as CellResult,
  state: decodeState(encodeState(run.state)),
});

async function bySeeds(config: CellConfig, initialState?: TrainState): Promise<{ result: CellResult; continued: number; stop: number }> {
  const alone = await Promise.all(
    config.seeds.map(async (seed, i) => viaFiles(await runCell(seedConfig(config, i), initialState ? { initialState: seedState(initialState, seed) } : {}))),
  );
  const stop = cellStopStep(alone.map((a) => a.result.finalStep));
  const pieces = await Promise.all(alone.map(async (a, i) => viaFiles(await continueSeed(seedConfig(config, i), a, stop)).result));
  return { result: assembleCell(pieces), continued: alone.filter((a) => a.result.finalStep < stop).length, stop };
}

// The smoke profile's sizes: p = 23 groks within a few hundred steps with 80% of the pairs as training data.
const smoke: CellConfig = { model: 'mlp', p: 23, trainFraction: 0.8, seeds: [0, 1, 2], loss: 'ce', tau: 1, precision: 'f32', engine: 'wasm', lr: 0.003, budget: 1500, logEvery: 70 };

describe('a cell trained seed by seed', () => {
  it('equals the lockstep cell when seeds grok at different steps (free, stopping when all have grokked)', async () => {
    const lockstep = (await runCell(smoke)).result;
    const split = await bySeeds(smoke);
    expect(lockstep.grokkedCount).toBe(3);
    expect(new Set(lockstep.seeds.map((s) => s.tGrok)).size).toBeGreaterThan(1); // so some seed was continued
    expect(split.continued).toBeGreaterThan(0);
    expect(split.stop).toBe(lockstep.finalStep);
    expect(canonicalJson(split.result)).toBe(canonicalJson(lockstep));
  }, 120_000);

  it('equals the lockstep cell under a clamp with a per-seed target, stopped at the budget off the grids', async () => {
    const config: CellConfig = { ...smoke, seeds: [0, 1], loss: 'mse', tau: 1.5, rho: 1.15, budget: 333, clamp: { tInt: 50, targets: [9, 11] } };
    const lockstep = (await runCell(config)).result;
    const split = await bySeeds(config);
    expect(canonicalJson(split.result)).toBe(canonicalJson(lockstep));
  }, 120_000);

  it('equals the lockstep cell from a saved state, stopping when every seed has memorised (the fork)', async () => {
    const start = await runCell({ ...smoke, seeds: [0, 1], budget: 40, stopWhenAllGrokked: false });
    const config: CellConfig = { ...smoke, seeds: [0, 1], stopWhenAllGrokked: false, stopAt: 'memorize', stopNotBefore: 60, evalEvery: 10 };
    const lockstep = await runCell(config, { initialState: start.state });
    const split = await bySeeds(config, start.state);
    expect(canonicalJson(split.result)).toBe(canonicalJson(lockstep.result));
  }, 120_000);

  it('reports a continuation\'s progress against the steps it runs, not the steps to the budget', async () => {
    const tiny: CellConfig = { model: 'mlp', p: 11, trainFraction: 0.4, seeds: [0], loss: 'ce', tau: 1, precision: 'f32', engine: 'ts', budget: 1000, evalEvery: 25, logEvery: 50, stopWhenAllGrokked: false };
    // the seed alone stopped at step 40 (off the evaluation grid), the cell stops at 110 (also off it)
    const alone = viaFiles(await runCell({ ...tiny, stopAt: 40 }));
    const reports: [number, number][] = [];
    const run = await continueSeed(tiny, alone, 110, { progress: (done, total) => reports.push([done, total]) });
    expect(run.result.finalStep).toBe(110);
    // after each evaluation (50, 75, 100) and at the stopping step: the bar ends at 70 of 70
    expect(reports).toEqual([[10, 70], [35, 70], [60, 70], [70, 70]]);
  });
});
