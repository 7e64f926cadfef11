/**
 * Seed-steps per second of the TypeScript kernels on the paper's MLP (40% split, p = 59 and 97), float32
 * and float64, and on the no-LayerNorm transformer at p = 59.
 *
 *   npx tsx bench/kernels-ts.ts [seconds-per-row]
 *
 * A seed-step is one full-batch forward + backward (lossAndGrad) plus one AdamW update of one seed's
 * network: what training costs per seed and step (measureKernel, src/grok/train/kernel-speed.ts).
 */
import { pathToFileURL } from 'node:url';
import { createKernel } from '../src/grok/kernels/ts/index.ts';
import { makeSplit } from '../src/grok/data.ts';
import { initializeParameters } from '../src/grok/models/init.ts';
import { measureKernel } from '../src/grok/train/kernel-speed.ts';

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  console.log(`TypeScript kernels, 40% split, CE, ${seconds}s per row (one core; other processes may share the CPU)`);
  console.log('model        p    precision  train pairs  seed-steps/s  ms/step');
  const rows: Array<['mlp' | 'transformer', number, 'f32' | 'f64']> = [
    ['mlp', 59, 'f32'],
    ['mlp', 59, 'f64'],
    ['mlp', 97, 'f32'],
    ['mlp', 97, 'f64'],
    ['transformer', 59, 'f32'],
    ['transformer', 59, 'f64'],
  ];
  for (const [model, p, precision] of rows) {
    const kernel = createKernel({ model, p, precision });
    initializeParameters(kernel.params, model, p, 0);
    const split = makeSplit(p, 0, 0.4);
    const r = measureKernel(kernel, split.train, seconds);
    console.log(
      `${model.padEnd(13)}${String(p).padEnd(5)}${precision.padEnd(11)}${String(split.train.n).padEnd(13)}` +
        `${r.stepsPerSecond.toFixed(1).padEnd(14)}${r.msPerStep.toFixed(2)}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
