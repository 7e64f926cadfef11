/** Dose response (SPEC 5.2): ln T_grok against the absolute held norm, cut where the softmax collapses. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeDoseResponse } from '../src/grok/analysis/dose-response.ts';
import { requireCriticalNorm, type FreeControlResult } from '../src/grok/analysis/free-control.ts';
import { many, single, writeJson } from './support/files.ts';
import { cellsOf, readCells } from './support/cells.ts';

interface Params {
  rhos: number[];
  rhoMax: number;
  jumpFactor: number;
}

export default {
  description: 'exponential dose law of T_grok in the held norm',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['rhos'],
    properties: {
      rhos: { type: 'array', items: { type: 'number' }, minItems: 3 },
      rhoMax: { type: 'number', default: 1.15 },
      jumpFactor: { type: 'number', default: 2.5 },
    },
  },
  async run(ctx) {
    const { rhos, rhoMax, jumpFactor } = ctx.params;
    const wc = requireCriticalNorm(await single(ctx.inputs, 'free').json<FreeControlResult>('control.json'));
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const result = analyzeDoseResponse(cellsOf(cells, rhos, [1], ctx.instance), wc, { rhoMax, jumpFactor });
    await writeJson(ctx.outDir, 'dose.json', result);
  },
} satisfies StageDefinition<Params>;
