/** Layer allocation (SPEC 7.1, the paper's Table 9): T_grok and L across the allocations gamma. */
import type { StageDefinition } from '../src/engine/stage.ts';
import type { CellResult } from '../src/grok/analysis/cells.ts';
import { requireCriticalNorm, type FreeControlResult } from '../src/grok/analysis/free-control.ts';
import { analyzeLayerAllocation, type LayerShares, type LayerTargets } from '../src/grok/analysis/layer-allocation.ts';
import { many, single, writeJson } from './support/files.ts';

export default {
  description: 'swing of T_grok and of the logit scale across the layer allocations',
  params: { type: 'object', additionalProperties: false, properties: {} },
  async run(ctx) {
    const wc = requireCriticalNorm(await single(ctx.inputs, 'free').json<FreeControlResult>('control.json'));
    const refs = many(ctx.inputs, 'cells');
    const cells = await Promise.all(
      refs.map(async (ref) => {
        const allocation = await ref.json<{ shares: LayerShares; targets: LayerTargets }>('allocation.json');
        return { cell: await ref.json<CellResult>('cell.json'), targets: allocation.targets, shares: allocation.shares };
      }),
    );
    if (cells.length === 0) throw new Error(`${ctx.instance}: expected the layer-allocation cells as 'cells', found none`);
    const result = analyzeLayerAllocation({ cells, shares: cells[0].shares, wc });
    await writeJson(ctx.outDir, 'layers.json', result);
  },
} satisfies StageDefinition<Record<string, never>>;
