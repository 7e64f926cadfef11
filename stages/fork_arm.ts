/**
 * One arm of the same-state experiment (SPEC 5.7), started from the fork stage's saved state: free, or the
 * norm held per seed at N0 (same), rho * N0 (raised) or N0 / rho (lowered) from the fork on.
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { armTargets, type ForkArmName } from '../src/grok/analysis/same-state-forks.ts';
import { decodeState } from '../src/grok/train/state.ts';
import { single, writeJson } from './support/files.ts';
import { baseConfig, computeIdentity, estimateTraining, readSplits, trainProperties, trainRequired, trainWithProgress, type TrainParams } from './support/training.ts';

interface Params extends TrainParams {
  arm: ForkArmName;
  rho: number;
}

export default {
  description: 'one arm of the same-state fork',
  params: {
    type: 'object',
    additionalProperties: false,
    required: [...trainRequired, 'arm', 'rho'],
    properties: { ...trainProperties, arm: { enum: ['free', 'same', 'raised', 'lowered'] }, rho: { type: 'number', exclusiveMinimum: 0 } },
  },
  compute: computeIdentity,
  estimate: (params, shard) => estimateTraining(params, undefined, shard),
  async run(ctx) {
    const fork = single(ctx.inputs, 'fork');
    const state = decodeState(new Uint8Array(await fork.read('state.bin')), `${fork.instance}/state.bin`);
    const { tFork, norms } = await fork.json<{ tFork: number; norms: number[] }>('fork.json');
    const targets = armTargets(ctx.params.arm, norms, ctx.params.rho);
    const splits = await readSplits(single(ctx.inputs, 'data'), ctx.params);
    const config = {
      ...baseConfig(ctx.params),
      rho: ctx.params.rho,
      clamp: targets === null ? null : { tInt: tFork + 1, targets },
    };
    ctx.log(`arm ${ctx.params.arm} from step ${tFork}` + (targets ? `, norms held at ${targets.map((t) => t.toFixed(2)).join(', ')}` : ', free'));
    const { result } = await trainWithProgress(ctx, config, splits, { initialState: state });
    await writeJson(ctx.outDir, 'cell.json', result);
  },
} satisfies StageDefinition<Params>;
