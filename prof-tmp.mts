import { runCell } from './src/grok/train/cell.ts';
const model = process.argv[2] as any;
const steps = Number(process.argv[3]);
const t0 = performance.now();
const run = await runCell({ model, p: 59, trainFraction: 0.4, seeds: [0], loss: 'ce', tau: 1, precision: 'f32', engine: 'wasm', budget: steps, stopWhenAllGrokked: false });
const s = (performance.now() - t0) / 1000;
console.log(model, steps, 'steps', s.toFixed(1), 's', (steps / s).toFixed(1), 'steps/s');
