/**
 * Seed-steps per second of a kernel: what training costs per seed and step, timed on this machine. The
 * benchmarks (bench/) report it; `grokpipe plan`'s cost model (./machine-speed.ts) scales its rates by it.
 * Not imported by any stage module, so in no key.
 */
import type { FloatArray, Kernel, PairBatch } from '../kernels/contract.ts';
import { tensorSpecs } from '../models/spec.ts';
import { AdamW } from './adamw.ts';

export interface KernelSpeed {
  /** Seed-steps per second (lossAndGrad + AdamW step). */
  stepsPerSecond: number;
  /** Mean milliseconds per step. */
  msPerStep: number;
  /**
   * Seed-steps per second of this process's CPU time: what a core of its own would do, much less moved by
   * other processes sharing the machine than the wall-time rate.
   */
  stepsPerCpuSecond: number;
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
 * (the model's learning rate, wd 1). Uses performance.now() and process.cpuUsage(), for display and estimates only.
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
  const cpu0 = process.cpuUsage();
  let steps = 0;
  let elapsed = 0;
  do {
    step();
    steps++;
    elapsed = performance.now() - t0;
  } while (elapsed < seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { stepsPerSecond: (steps * 1000) / elapsed, msPerStep: elapsed / steps, stepsPerCpuSecond: steps / cpuSeconds, steps };
}
