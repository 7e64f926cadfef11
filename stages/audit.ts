/**
 * Float64 audit (SPEC 5.8): the same cells in float32 and float64; is a slowdown softmax collapse? The cells
 * come from every dependency (each a fan-in of cells), so a float64 re-run can be paired with float32 cells
 * another stage trained (pipeline.yaml: floor_audit pairs floor_cell with dose_cell).
 */
import type { StageDefinition } from '../src/engine/stage.ts';
import { analyzeFloat64Audit } from '../src/grok/analysis/float64-audit.ts';
import type { CellResult } from '../src/grok/train/cell.ts';
import { many, writeJson } from './support/files.ts';
import { readCell, same } from './support/cells.ts';

interface Params {
  rhos: number[];
  collapseThreshold: number;
  timeTolerance: number;
}

export default {
  description: 'float32 against float64: precision-robust or softmax-collapse confounded',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['rhos'],
    properties: {
      rhos: { type: 'array', items: { type: 'number' }, minItems: 1 },
      collapseThreshold: { type: 'number', default: 0.05 },
      timeTolerance: { type: 'number', default: 1.3 },
    },
  },
  async run(ctx) {
    const cells: CellResult[] = [];
    for (const dep of Object.keys(ctx.inputs).sort()) for (const ref of many(ctx.inputs, dep)) cells.push(await readCell(ref));
    const pick = (rho: number, precision: string) => {
      const found = cells.find((c) => same(c.config.rho, rho) && c.config.precision === precision);
      if (!found) throw new Error(`${ctx.instance}: no ${precision} cell at rho ${rho} among the audit cells`);
      return found;
    };
    const pairs = ctx.params.rhos.map((rho) => ({ f32: pick(rho, 'f32'), f64: pick(rho, 'f64') }));
    const result = analyzeFloat64Audit(pairs, { collapseThreshold: ctx.params.collapseThreshold, timeTolerance: ctx.params.timeTolerance });
    await writeJson(ctx.outDir, 'audit.json', result);
  },
} satisfies StageDefinition<Params>;
