/**
 * One arm of the same-state experiment (SPEC 5.7), started from the fork stage's saved state: free, or the
 * norm held per seed at N0 (same), rho * N0 (raised) or N0 / rho (lowered) from the fork on. Its seeds may
 * run as shards (support/seed-shards.ts), each from its own seed's state at the fork.
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { armTargets, type ForkArmName } from '../src/grok/analysis/same-state-forks.ts';
import { seedState } from '../src/grok/train/cell-seeds.ts';
import { decodeState } from '../src/grok/train/state.ts';
import { single, writeJson } from './support/files.ts';
import { seedShardPhases } from './support/seed-shards.ts';
import { baseConfig, computeIdentity, readSplits, trainProperties, trainRequired, type TrainParams } from './support/training.ts';

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
  ...seedShardPhases<Params>({
    async cell(ctx, seeds) {
      const fork = single(ctx.inputs, 'fork');
      const state = decodeState(new Uint8Array(await fork.read('state.bin')), `${fork.instance}/state.bin`);
      const { tFork, norms, seeds: forkSeeds } = await fork.json<{ tFork: number; norms: number[]; seeds: number[] }>('fork.json');
      const at = seeds.map((s) => {
        const i = forkSeeds.indexOf(s);
        if (i < 0) throw new Error(`${fork.instance} forked seeds [${forkSeeds.join(', ')}], not seed ${s}; give the fork at least as many seeds as its arms`);
        return i;
      });
      const all = armTargets(ctx.params.arm, norms, ctx.params.rho);
      const targets = all === null ? null : at.map((i) => all[i]);
      const splits = await readSplits(single(ctx.inputs, 'data'), ctx.params);
      const config = { ...baseConfig(ctx.params, seeds), rho: ctx.params.rho, clamp: targets === null ? null : { tInt: tFork + 1, targets } };
      ctx.log(`arm ${ctx.params.arm} from step ${tFork}` + (targets ? `, norms held at ${targets.map((t) => t.toFixed(2)).join(', ')}` : ', free'));
      const initialState = seeds.length === state.seeds.length ? state : { ...state, seeds: seeds.map((s) => seedState(state, s).seeds[0]) };
      return { config, splits, options: { initialState } };
    },
    async write(ctx, result) {
      await writeJson(ctx.outDir, 'cell.json', result);
    },
  }),
} satisfies StageDefinition<Params>;
