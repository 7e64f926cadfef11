/**
 * Temperature mediation (SPEC 5.3, and 5.5 under MSE): T0 at the baseline, T1 with the norm raised, and the
 * tau sweep at the raised norm interpolated at the baseline logit scale -> T2 and the recovery fraction.
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeTemperatureMediation } from '../src/grok/analysis/temperature-mediation.ts';
import { many, writeJson } from './support/files.ts';
import { bootstrapProperties, cellAt, cellsOf, readCells } from './support/cells.ts';

interface Params {
  baselineRho: number;
  raisedRho: number;
  taus: number[];
  resamples: number;
  bootstrapSeed: number;
}

export default {
  description: 'recovery fraction of the norm effect by temperature, with a paired bootstrap CI',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['taus'],
    properties: {
      baselineRho: { type: 'number', default: 1 },
      raisedRho: { type: 'number', default: 1.15 },
      taus: { type: 'array', items: { type: 'number' }, minItems: 2, description: 'the sweep at the raised norm, tau 1 included' },
      ...bootstrapProperties,
    },
  },
  async run(ctx) {
    const { baselineRho, raisedRho, taus, resamples, bootstrapSeed } = ctx.params;
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const result = analyzeTemperatureMediation({
      baseline: cellAt(cells, baselineRho, 1, ctx.instance),
      sweep: cellsOf(cells, [raisedRho], taus, ctx.instance),
      bootstrap: { resamples, seed: bootstrapSeed },
    });
    ctx.log(`T1/T0 ${fmt(result.normUpRatio)}, recovery fraction ${fmt(result.recoveryFraction)}`);
    await writeJson(ctx.outDir, 'mediation.json', result);
  },
} satisfies StageDefinition<Params>;

function fmt(x: number | null): string {
  return x === null ? 'undefined' : x.toFixed(3);
}
