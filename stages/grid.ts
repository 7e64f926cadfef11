/** Collapse grid (SPEC 5.4): OLS of ln T_grok on L, on rho and on both over the rho x tau cell medians. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeCollapseGrid } from '../src/grok/analysis/collapse-grid.ts';
import { many, writeJson } from './support/files.ts';
import { cellsOf, readCells } from './support/cells.ts';

interface Params {
  rhos: number[];
  taus: number[];
}

export default {
  description: 'does L or the norm explain T_grok over the rho x tau grid?',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['rhos', 'taus'],
    properties: { rhos: { type: 'array', items: { type: 'number' }, minItems: 2 }, taus: { type: 'array', items: { type: 'number' }, minItems: 2 } },
  },
  async run(ctx) {
    const cells = await readCells(many(ctx.inputs, 'cells'));
    const result = analyzeCollapseGrid(cellsOf(cells, ctx.params.rhos, ctx.params.taus, ctx.instance));
    ctx.log(`R2(L) ${result.rSquaredL?.toFixed(3)}, R2(rho) ${result.rSquaredRho?.toFixed(3)}, dR2 ${result.deltaRSquaredRhoGivenL?.toFixed(3)}`);
    await writeJson(ctx.outDir, 'grid.json', result);
  },
} satisfies StageDefinition<Params>;
