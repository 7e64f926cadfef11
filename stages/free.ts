/**
 * Free control (SPEC 5.1): unclamped training; its median norm at grokking is w_c for every clamp
 * downstream. Its seeds may run as shards (support/seed-shards.ts).
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeFreeControl } from '../src/grok/analysis/free-control.ts';
import { single, writeJson } from './support/files.ts';
import { seedShardPhases } from './support/seed-shards.ts';
import { baseConfig, computeIdentity, readSplits, trainProperties, trainRequired, type TrainParams } from './support/training.ts';

export default {
  description: 'unclamped control run: free T_grok and w_c',
  params: { type: 'object', additionalProperties: false, required: [...trainRequired], properties: { ...trainProperties } },
  compute: computeIdentity,
  ...seedShardPhases<TrainParams>({
    async cell(ctx, seeds) {
      return { config: baseConfig(ctx.params, seeds), splits: await readSplits(single(ctx.inputs, 'data'), ctx.params) };
    },
    async write(ctx, result) {
      await writeJson(ctx.outDir, 'cell.json', result);
      await writeJson(ctx.outDir, 'control.json', analyzeFreeControl(result));
    },
  }),
} satisfies StageDefinition<TrainParams>;
