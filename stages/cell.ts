/**
 * A clamped cell (SPEC 3): from step tInt the weight norm is held at rho * w_c, where w_c comes from the
 * free control of the same model, loss and modulus, or at a published absolute norm (heldNorm); the loss
 * sees the logits divided by tau. Its seeds may run as shards (support/seed-shards.ts).
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import type { FreeControlResult } from '../src/grok/analysis/free-control.ts';
import { defaultClampStart } from '../src/grok/train/clamp-start.ts';
import { heldNormOf } from '../src/grok/train/held-norm.ts';
import { single, writeJson } from './support/files.ts';
import { seedShardPhases } from './support/seed-shards.ts';
import { baseConfig, computeIdentity, readSplits, trainProperties, trainRequired, type TrainParams } from './support/training.ts';

interface Params extends TrainParams {
  rho?: number;
  heldNorm?: number;
  tInt?: number;
}

export default {
  description: 'training with the weight norm clamped at rho * w_c and temperature tau',
  params: {
    type: 'object',
    additionalProperties: false,
    required: [...trainRequired],
    oneOf: [{ required: ['rho'] }, { required: ['heldNorm'] }],
    properties: {
      ...trainProperties,
      rho: { type: 'number', exclusiveMinimum: 0, description: 'held norm relative to the free control w_c' },
      heldNorm: { type: 'number', exclusiveMinimum: 0, description: 'an absolute held norm instead of rho x w_c (a published parameter, e.g. the paper\'s 37.37)' },
      tInt: { type: 'integer', minimum: 1, description: 'first step after which the norm is clamped; default 500 (CE), 50 (MSE), 600 (transformer)' },
    },
  },
  compute: computeIdentity,
  ...seedShardPhases<Params>({
    async cell(ctx, seeds) {
      const tInt = ctx.params.tInt ?? defaultClampStart(ctx.params.model, ctx.params.loss);
      const free = single(ctx.inputs, 'free');
      const control = await free.json<FreeControlResult>('control.json');
      if (control.wc === null) {
        throw new Error(`${free.instance} has no w_c (most of its seeds did not grok within its budget); raise the free control's budget`);
      }
      const splits = await readSplits(single(ctx.inputs, 'data'), ctx.params);
      const held = heldNormOf(ctx.params, control.wc);
      const config = { ...baseConfig(ctx.params, seeds), rho: held.rho, clamp: { tInt, targets: Array(seeds.length).fill(held.norm) } };
      ctx.log(`holding ||W|| at ${held.norm.toPrecision(6)} (${held.source}; ${held.rho.toPrecision(4)} x w_c ${control.wc.toPrecision(6)}) from step ${tInt}`);
      return { config, splits };
    },
    async write(ctx, result) {
      await writeJson(ctx.outDir, 'cell.json', result);
    },
  }),
} satisfies StageDefinition<Params>;
