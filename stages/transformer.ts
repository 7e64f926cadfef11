/** No-LayerNorm transformer control (SPEC 5.9): does temperature undo the norm effect in another model? */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeTransformerControl } from '../src/grok/analysis/transformer.ts';
import { many, single, writeJson } from './support/files.ts';
import { bootstrapProperties, cellAt, cellsOf, readCell, readCells } from './support/cells.ts';

interface Params {
  raisedRho: number;
  taus: number[];
  tauHi?: number;
  normRhos: number[];
  loweredRho: number;
  horizon: number;
  resamples: number;
  bootstrapSeed: number;
}

export default {
  description: 'T_grok(rho 1.15, tau 1) / T_grok(rho 1.15, tau hi) for the transformer',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['taus'],
    properties: {
      raisedRho: { type: 'number', default: 1.15 },
      taus: {
        type: 'array',
        items: { type: 'number' },
        description: 'the tau sweep at the raised norm (tau 1 included); empty when the profile runs no raised-norm cells',
      },
      tauHi: { type: 'number', description: 'the hot end of the ratio; default the largest tau of the sweep (1.7 in the paper)' },
      normRhos: { type: 'array', items: { type: 'number' }, default: [], description: 'rho of the tau 1 cells read as the norm series (the companion paper\'s cross-check)' },
      loweredRho: { type: 'number', default: 0.85 },
      horizon: { type: 'integer', minimum: 1, default: 30000, description: 'the companion paper\'s budget: does a cell grok within it?' },
      ...bootstrapProperties,
    },
  },
  async run(ctx) {
    const { raisedRho, taus, tauHi, normRhos, loweredRho, horizon, resamples, bootstrapSeed } = ctx.params;
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const held = await readCells(many(ctx.inputs, 'held'));
    const hi = tauHi ?? (taus.length > 0 ? Math.max(...taus) : 1.7);
    const result = analyzeTransformerControl({
      free: await readCell(single(ctx.inputs, 'free')),
      baseline: cellAt(cells, 1, 1, ctx.instance),
      sweep: cellsOf(cells, [raisedRho], taus, ctx.instance),
      tauHi: hi,
      bootstrap: { resamples, seed: bootstrapSeed },
      normCells: cellsOf(cells, normRhos, [1], ctx.instance),
      loweredRho,
      raisedRho,
      horizon,
      held,
    });
    await writeJson(ctx.outDir, 'transformer.json', result);
  },
} satisfies StageDefinition<Params>;
