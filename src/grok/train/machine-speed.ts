/**
 * How fast this machine trains, as a factor on the cost model's rates (cost-model.ts's SEED_STEP_RATES,
 * measured on one reference machine): `grokpipe plan` on a slower laptop or a faster node then predicts
 * that machine's time, not the reference machine's. Measured once per process, on the kernels the study
 * runs (build/kernels-fma.wasm) and on the row every rate table has (the MLP at p = 59), one factor per
 * precision: an FMA machine and one without differ most there. Timed in CPU seconds, so that other work on
 * the machine (a build already running) slows the measurement less. Used by stages/estimate/, imported by no
 * stage module: in no key.
 */
import os from 'node:os';
import { makeSplit } from '../data.ts';
import type { FloatArray, Kernel, Precision } from '../kernels/contract.ts';
import { initializeParameters } from '../models/init.ts';
import { SEED_STEP_RATES } from './cost-model.ts';
import { measureKernel } from './kernel-speed.ts';

export interface MachineSpeed {
  /** This machine's seed-steps per second over the reference machine's, per precision. */
  readonly factor: Readonly<Record<Precision, number>>;
  /** How it was measured, for the plan's output. */
  readonly basis: string;
}

/** The reference machine's speed: factors of 1 (the rates as measured). */
export const REFERENCE_MACHINE: MachineSpeed = { factor: { f32: 1, f64: 1 }, basis: 'the reference machine' };

const P = 59;
let measured: Promise<MachineSpeed> | null = null;

/** This machine's speed, measured on the first call (about a second: `seconds` per precision and warm-up). */
export function thisMachine(seconds = 0.4): Promise<MachineSpeed> {
  measured ??= measure(seconds);
  return measured;
}

async function measure(seconds: number): Promise<MachineSpeed> {
  const { createWasmKernel } = await import('../kernels/wasm/fma.ts');
  const split = makeSplit(P, 0, 0.4);
  const factor = { f32: 1, f64: 1 };
  const rates: string[] = [];
  for (const precision of ['f32', 'f64'] as const) {
    const kernel = createWasmKernel({ model: 'mlp', p: P, precision });
    initializeParameters(kernel.params as unknown as Record<string, FloatArray>, 'mlp', P, 0);
    const rate = measureKernel(kernel as unknown as Kernel<Record<string, FloatArray>>, split.train, seconds, 5, 'own').stepsPerCpuSecond;
    const reference = SEED_STEP_RATES.find((r) => r.model === 'mlp' && r.p === P && r.precision === precision)!.seedStepsPerSecond;
    factor[precision] = rate / reference;
    rates.push(`${rate.toFixed(1)} ${precision}`);
  }
  const load = os.loadavg()[0]!.toFixed(2);
  return { factor, basis: `this machine, measured now: mlp p=${P} ${rates.join(', ')} seed-steps per CPU-second, load average ${load}` };
}
