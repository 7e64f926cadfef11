/** Same-state forks (SPEC 5.7): delay from the fork per arm, raised/same with a paired bootstrap CI. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeSameStateForks, FORK_ARMS, type ForkArmName } from '../src/grok/analysis/same-state-forks.ts';
import type { CellResult } from '../src/grok/train/cell.ts';
import { many, single, writeJson } from './support/files.ts';
import { bootstrapProperties, readCell } from './support/cells.ts';

interface Params {
  rho: number;
  resamples: number;
  bootstrapSeed: number;
}

export default {
  description: 'the four arms from one saved state',
  params: { type: 'object', additionalProperties: false, properties: { rho: { type: 'number', default: 1.15 }, ...bootstrapProperties } },
  async run(ctx) {
    const { tFork } = await single(ctx.inputs, 'fork').json<{ tFork: number }>('fork.json');
    const arms = {} as Record<ForkArmName, CellResult>;
    for (const ref of many(ctx.inputs, 'arms')) arms[ref.matrix.arm as ForkArmName] = await readCell(ref);
    const missing = FORK_ARMS.filter((a) => !arms[a]);
    if (missing.length > 0) throw new Error(`${ctx.instance}: the arms fan-in lacks ${missing.join(', ')}; the fork_arm matrix needs arm: [free, same, raised, lowered]`);
    const result = analyzeSameStateForks({ tFork, rho: ctx.params.rho, arms, bootstrap: { resamples: ctx.params.resamples, seed: ctx.params.bootstrapSeed } });
    await writeJson(ctx.outDir, 'forks.json', result);
  },
} satisfies StageDefinition<Params>;
