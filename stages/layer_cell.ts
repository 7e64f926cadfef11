/**
 * A layer-allocation cell (SPEC 7.1): the total norm held at w_c from tInt, split between E, W1 and W2 by
 * the allocation gamma around the free control's own split at grokking. Writes the trained cell and the
 * targets it held (allocation.json), which the analysis reads beside it. Its seeds may run as shards
 * (support/seed-shards.ts).
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import type { CellResult } from '../src/grok/analysis/cells.ts';
import { requireCriticalNorm, type FreeControlResult } from '../src/grok/analysis/free-control.ts';
import { layerSharesAtGrok, layerTargets } from '../src/grok/analysis/layer-allocation.ts';
import { defaultClampStart } from '../src/grok/train/clamp-start.ts';
import { single, writeJson } from './support/files.ts';
import { seedShardPhases } from './support/seed-shards.ts';
import { baseConfig, computeIdentity, readSplits, trainProperties, trainRequired, type TrainParams } from './support/training.ts';

interface Params extends TrainParams {
  gamma: number;
  tInt?: number;
}

export default {
  description: 'training with each layer held at its own norm (total w_c), split by the allocation gamma',
  params: {
    type: 'object',
    additionalProperties: false,
    required: [...trainRequired, 'gamma'],
    properties: {
      ...trainProperties,
      gamma: { type: 'number', exclusiveMinimum: -1, description: 'W2 takes theta0 * (1 + gamma) of the power E and W2 share (clipped to [0.02, 0.98])' },
      tInt: { type: 'integer', minimum: 1, description: 'first step after which the layers are clamped; default 500 (CE)' },
    },
  },
  compute: computeIdentity,
  // The total is held at w_c, so the baseline's published T_grok (rho 1) is the cost model's best guess.
  ...seedShardPhases<Params>({
    async cell(ctx, seeds) {
      if (ctx.params.model === 'transformer') throw new Error(`${ctx.instance}: layer allocation splits the MLP's E, W1 and W2; expected model mlp`);
      const tInt = ctx.params.tInt ?? defaultClampStart(ctx.params.model, ctx.params.loss);
      const free = single(ctx.inputs, 'free');
      const wc = requireCriticalNorm(await free.json<FreeControlResult>('control.json'));
      const shares = layerSharesAtGrok(await free.json<CellResult>('cell.json'));
      const targets = layerTargets(shares, wc, ctx.params.gamma);
      const splits = await readSplits(single(ctx.inputs, 'data'), ctx.params);
      const config = {
        ...baseConfig(ctx.params, seeds),
        rho: 1,
        clamp: { tInt, targets: Array(seeds.length).fill(targets.total), perTensor: targets.norms },
      };
      const n = targets.norms;
      ctx.log(`gamma ${ctx.params.gamma}: theta ${targets.theta.toFixed(4)}, holding ||E|| ${n.E.toFixed(3)}, ||W1|| ${n.W1.toFixed(3)}, ||W2|| ${n.W2.toFixed(3)} (total ${targets.total.toFixed(3)} = w_c) from step ${tInt}`);
      return { config, splits };
    },
    async write(ctx, result) {
      const free = single(ctx.inputs, 'free');
      const shares = layerSharesAtGrok(await free.json<CellResult>('cell.json'));
      const targets = layerTargets(shares, requireCriticalNorm(await free.json<FreeControlResult>('control.json')), ctx.params.gamma);
      await writeJson(ctx.outDir, 'cell.json', result);
      await writeJson(ctx.outDir, 'allocation.json', { shares, targets });
    },
  }),
} satisfies StageDefinition<Params>;
