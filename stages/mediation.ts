/**
 * Temperature mediation (SPEC 5.3, and 5.5 under MSE): T0 at the baseline, T1 with the norm raised, and the
 * tau sweep at the raised norm interpolated at the baseline logit scale -> T2 and the recovery fraction.
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeTemperatureMediation } from '../src/grok/analysis/temperature-mediation.ts';
import { many, writeJson } from './support/files.ts';
import { mediationInput, readCells, sweepParamsSchema, type SweepParams } from './support/cells.ts';

export default {
  description: 'recovery fraction of the norm effect by temperature, with a paired bootstrap CI',
  params: sweepParamsSchema,
  async run(ctx) {
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const result = analyzeTemperatureMediation(mediationInput(cells, ctx.params, ctx.instance));
    ctx.log(`T1/T0 ${fmt(result.normUpRatio)}, recovery fraction ${fmt(result.recoveryFraction)}`);
    await writeJson(ctx.outDir, 'mediation.json', result);
  },
} satisfies StageDefinition<SweepParams>;

function fmt(x: number | null): string {
  return x === null ? 'undefined' : x.toFixed(3);
}
