/** Memorization control (SPEC 5.6): how much of the tau effect on T_grok the post-memorization delay carries. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeMemorizationControl } from '../src/grok/analysis/memorization-control.ts';
import { many, writeJson } from './support/files.ts';
import { bootstrapProperties, cellsOf, readCells } from './support/cells.ts';

interface Params {
  rho: number;
  taus: number[];
  resamples: number;
  bootstrapSeed: number;
}

export default {
  description: 'split of each seed T_grok into T_mem and delay across the tau sweep',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['taus'],
    properties: { rho: { type: 'number', default: 1.15 }, taus: { type: 'array', items: { type: 'number' }, minItems: 2 }, ...bootstrapProperties },
  },
  async run(ctx) {
    const { rho, taus, resamples, bootstrapSeed } = ctx.params;
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const result = analyzeMemorizationControl(cellsOf(cells, [rho], taus, ctx.instance), { bootstrap: { resamples, seed: bootstrapSeed } });
    await writeJson(ctx.outDir, 'memorization.json', result);
  },
} satisfies StageDefinition<Params>;
