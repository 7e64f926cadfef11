/**
 * Seed-steps per second of the TypeScript kernels on the paper's MLP (40% split, p = 59 and 97), float32
 * and float64, and on the no-LayerNorm transformer at p = 59.
 *
 *   npx tsx bench/kernels-ts.ts [seconds-per-row]
 *
 * A seed-step is one full-batch forward + backward (lossAndGrad) plus one AdamW update of one seed's
 * network: what training costs per seed and step. measureKernel is exported for other benchmarks.
 */
import { pathToFileURL } from 'node:url';
import type { FloatArray, Kernel, PairBatch } from '../src/grok/kernels/contract.ts';
import { createKernel } from '../src/grok/kernels/ts/index.ts';
import { makeSplit } from '../src/grok/data.ts';
import { initializeParameters } from '../src/grok/models/init.ts';
import { AdamW } from '../src/grok/train/adamw.ts';
import { tensorSpecs } from '../src/grok/models/spec.ts';

export interface KernelSpeed {
  /** Seed-steps per second (lossAndGrad + AdamW step). */
  stepsPerSecond: number;
  /** Mean milliseconds per step. */
  msPerStep: number;
  steps: number;
}

/** The optimizer a measured step ends with: the TypeScript AdamW, or the kernel's own (wasm) where it has one. */
export type MeasuredOptimizer = 'ts' | 'own';

interface StepOptimizer {
  step(): void;
}

/**
 * Times `kernel` on `batch` for about `seconds` of wall time after `warmupSteps` untimed steps (JIT
 * warm-up), each step a lossAndGrad (CE, tau 1) followed by an AdamW update of the kernel's parameters
 * (the model's learning rate, wd 1). Uses performance.now(), for display only.
 */
export function measureKernel(
  kernel: Kernel<Record<string, FloatArray>>,
  batch: PairBatch,
  seconds: number,
  warmupSteps = 5,
  optimizer: MeasuredOptimizer = 'ts',
): KernelSpeed {
  const specs = tensorSpecs(kernel.model, kernel.p);
  const adamw = { lr: kernel.model === 'mlp' ? 1e-3 : 5e-4, weightDecay: 1 };
  const own = (kernel as { createAdamW?: (s: typeof specs, o: typeof adamw) => StepOptimizer }).createAdamW;
  if (optimizer === 'own' && !own) throw new Error(`measureKernel: the ${kernel.identity} kernel has no optimizer of its own`);
  const opt: StepOptimizer = optimizer === 'own' ? own!.call(kernel, specs, adamw) : new AdamW(kernel.params, kernel.grads, specs, adamw);
  const step = () => {
    kernel.lossAndGrad(batch, 'ce', 1);
    opt.step();
  };
  for (let i = 0; i < warmupSteps; i++) step();
  const t0 = performance.now();
  let steps = 0;
  let elapsed = 0;
  do {
    step();
    steps++;
    elapsed = performance.now() - t0;
  } while (elapsed < seconds * 1000);
  return { stepsPerSecond: (steps * 1000) / elapsed, msPerStep: elapsed / steps, steps };
}

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
