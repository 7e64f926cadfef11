/**
 * One process of bench/scaling.ts's machine ceiling: trains the given grid cells one after another with
 * no engine around them (the same runCell call as the grid's stage), so that N of these side by side show
 * how far N cores of this machine scale on this work by themselves.
 *
 *   npx tsx bench/scaling-worker.ts <steps> <seeds> <cell> [<cell> ...]
 */
import { runCell } from '../src/grok/train/cell.ts';

const [steps, seeds, ...cells] = process.argv.slice(2).map(Number);
for (const first of cells) {
  const ids = Array.from({ length: seeds }, (_, i) => first + i);
  await runCell({ model: 'mlp', p: 59, trainFraction: 0.4, seeds: ids, loss: 'ce', tau: 1, precision: 'f32', engine: 'wasm', budget: steps, stopWhenAllGrokked: false });
}
