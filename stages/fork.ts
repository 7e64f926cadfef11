/**
 * The fork point of the same-state experiment (SPEC 5.7): free training to
 * t_fork = max(minStep, first evaluated step at which every seed has memorized); the whole state
 * (parameters and Adam moments) is saved so that every arm starts from the same bits.
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { encodeState } from '../src/grok/train/state.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { single, writeJson } from './support/files.ts';
import { baseConfig, computeIdentity, estimateTraining, readSplits, trainProperties, trainRequired, trainWithProgress, type TrainParams } from './support/training.ts';

interface Params extends TrainParams {
  minStep: number;
}

export default {
  description: 'free training to the fork step; saves the full training state',
  params: {
    type: 'object',
    additionalProperties: false,
    required: [...trainRequired],
    properties: { ...trainProperties, minStep: { type: 'integer', minimum: 0, default: 800 } },
  },
  compute: computeIdentity,
  // It stops once every seed has memorized (SPEC 7.2: T_mem 175-975 steps) and not before minStep.
  estimate: (params) => estimateTraining(params, Math.min(params.budget, Math.max(params.minStep, 1000))),
  async run(ctx) {
    const splits = await readSplits(single(ctx.inputs, 'data'), ctx.params);
    const config = { ...baseConfig(ctx.params), stopWhenAllGrokked: false, stopAt: 'memorize' as const, stopNotBefore: ctx.params.minStep };
    const { result, state } = await trainWithProgress(ctx, config, splits);
    if (result.memorizedCount < result.seeds.length) {
      throw new Error(`only ${result.memorizedCount}/${result.seeds.length} seeds memorized by step ${result.finalStep}; raise the fork stage's budget`);
    }
    await writeFile(join(ctx.outDir, 'state.bin'), encodeState(state));
    await writeJson(ctx.outDir, 'fork.json', { tFork: state.step, norms: result.seeds.map((s) => s.finalNorm), seeds: config.seeds });
    await writeJson(ctx.outDir, 'cell.json', result);
  },
} satisfies StageDefinition<Params>;
