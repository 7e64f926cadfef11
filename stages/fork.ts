/**
 * The fork point of the same-state experiment (SPEC 5.7): free training to
 * t_fork = max(minStep, first evaluated step at which every seed has memorized); the whole state
 * (parameters and Adam moments) is saved so that every arm starts from the same bits. Its seeds may run
 * as shards (support/seed-shards.ts); the merge assembles the state of every seed at t_fork.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageDefinition } from '../src/engine/stage.ts';
import { encodeState } from '../src/grok/train/state.ts';
import { single, writeJson } from './support/files.ts';
import { seedShardPhases } from './support/seed-shards.ts';
import { baseConfig, computeIdentity, readSplits, trainProperties, trainRequired, type TrainParams } from './support/training.ts';

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
  ...seedShardPhases<Params>({
    keepState: true,
    async cell(ctx, seeds) {
      const splits = await readSplits(single(ctx.inputs, 'data'), ctx.params);
      return { config: { ...baseConfig(ctx.params, seeds), stopWhenAllGrokked: false, stopAt: 'memorize' as const, stopNotBefore: ctx.params.minStep }, splits };
    },
    async write(ctx, result, state) {
      if (result.memorizedCount < result.seeds.length) {
        throw new Error(`only ${result.memorizedCount}/${result.seeds.length} seeds memorized by step ${result.finalStep}; raise the fork stage's budget`);
      }
      if (!state) throw new Error(`${ctx.instance}: the fork's merge needs every seed's state`);
      await writeFile(join(ctx.outDir, 'state.bin'), encodeState(state));
      await writeJson(ctx.outDir, 'fork.json', { tFork: state.step, norms: result.seeds.map((s) => s.finalNorm), seeds: result.config.seeds });
      await writeJson(ctx.outDir, 'cell.json', result);
    },
  }),
} satisfies StageDefinition<Params>;
