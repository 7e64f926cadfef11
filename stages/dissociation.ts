/** MSE dissociation (SPEC 5.5): the mediation experiment under MSE, compared with CE at the same modulus. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeMseDissociation } from '../src/grok/analysis/mse-dissociation.ts';
import type { TemperatureMediationResult } from '../src/grok/analysis/temperature-mediation.ts';
import { many, single, writeJson } from './support/files.ts';
import { mediationInput, readCells, sweepParamsSchema, type SweepParams } from './support/cells.ts';

export default {
  description: 'the norm effect and the logit scale under MSE beside CE',
  params: sweepParamsSchema,
  async run(ctx) {
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const ce = await single(ctx.inputs, 'ce').json<TemperatureMediationResult>('mediation.json');
    await writeJson(ctx.outDir, 'dissociation.json', analyzeMseDissociation(mediationInput(cells, ctx.params, ctx.instance), ce));
  },
} satisfies StageDefinition<SweepParams>;
