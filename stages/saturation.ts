/**
 * An extension of the study (README, "Add a stage"): across the tau sweep at the raised norm, does the
 * softmax saturation at grokking follow the logit scale L? One row per cell, and the least-squares line
 * of the saturation fraction on L.
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { seriesAtGrokOrEnd, summarizeCell } from '../src/grok/analysis/cells.ts';
import { simpleLinearRegression } from '../src/grok/stats/ols.ts';
import { many, writeJson } from './support/files.ts';
import { cellsOf, readCells } from './support/cells.ts';

interface Params {
  rho: number;
  taus: number[];
}

export default {
  description: 'softmax saturation at grokking against L across the tau sweep',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['taus'],
    properties: { rho: { type: 'number', default: 1.15 }, taus: { type: 'array', items: { type: 'number' }, minItems: 2 } },
  },
  async run(ctx) {
    const cells = cellsOf(await readCells(many(ctx.inputs, 'cells')), [ctx.params.rho], ctx.params.taus, ctx.instance);
    const rows = cells.map((c) => ({
      tau: c.config.tau,
      medianTGrok: summarizeCell(c).medianTGrok,
      L: seriesAtGrokOrEnd(c, 'L').value,
      saturation: seriesAtGrokOrEnd(c, 'saturation').value,
      collapse: seriesAtGrokOrEnd(c, 'collapse').value,
    }));
    const fit = simpleLinearRegression(rows.map((r) => r.L), rows.map((r) => r.saturation));
    await writeJson(ctx.outDir, 'saturation.json', { cells: rows, slopePerUnitL: fit.slope, rSquared: fit.rSquared });
  },
} satisfies StageDefinition<Params>;
