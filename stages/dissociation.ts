/** MSE dissociation (SPEC 5.5): the mediation experiment under MSE, compared with CE at the same modulus. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeMseDissociation } from '../src/grok/analysis/mse-dissociation.ts';
import type { TemperatureMediationResult } from '../src/grok/analysis/temperature-mediation.ts';
import { many, single, writeJson } from './support/files.ts';
import { bootstrapProperties, cellAt, cellsOf, readCells } from './support/cells.ts';

interface Params {
  baselineRho: number;
  raisedRho: number;
  taus: number[];
  resamples: number;
  bootstrapSeed: number;
}

export default {
  description: 'the norm effect and the logit scale under MSE beside CE',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['taus'],
    properties: {
      baselineRho: { type: 'number', default: 1 },
      raisedRho: { type: 'number', default: 1.15 },
      taus: { type: 'array', items: { type: 'number' }, minItems: 2 },
      ...bootstrapProperties,
    },
  },
  async run(ctx) {
    const { baselineRho, raisedRho, taus, resamples, bootstrapSeed } = ctx.params;
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const ce = await single(ctx.inputs, 'ce').json<TemperatureMediationResult>('mediation.json');
    const result = analyzeMseDissociation(
      { baseline: cellAt(cells, baselineRho, 1, ctx.instance), sweep: cellsOf(cells, [raisedRho], taus, ctx.instance), bootstrap: { resamples, seed: bootstrapSeed } },
      ce,
    );
    await writeJson(ctx.outDir, 'dissociation.json', result);
  },
} satisfies StageDefinition<Params>;
