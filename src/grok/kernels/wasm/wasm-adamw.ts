/**
 * The kernels' in-module AdamW: the surface of src/grok/train/adamw.ts's AdamW (names, moments m and v in
 * spec order, step counter, step(), setStep()), with the update done by the kernel's module on moments
 * that live in the module's memory. Its steps are the trainer's own (../adamw-settings.ts), so each step's
 * factors are the very same doubles.
 */
import { AdamWSteps, type AdamWStep } from '../adamw-settings.ts';
import type { AdamWOptions, FloatArray } from '../contract.ts';

/** Updates every tensor with one step's settings (the kernel binds its tensors' pointers). */
export type UpdateAll = (step: AdamWStep) => void;

export class WasmAdamW {
  t = 0;
  private readonly steps: AdamWSteps;

  constructor(
    readonly names: string[],
    readonly m: FloatArray[],
    readonly v: FloatArray[],
    opts: AdamWOptions,
    private readonly updateAll: UpdateAll,
  ) {
    this.steps = new AdamWSteps(opts);
  }

  /** One update from the gradients currently in the kernel's grads views. */
  step(): void {
    this.t += 1;
    this.updateAll(this.steps.next());
  }

  /** Restores the step counter (and the bias-correction products) after loading moments from a state. */
  setStep(t: number): void {
    if (!Number.isInteger(t) || t < 0) throw new Error(`WasmAdamW.setStep: expected a step count >= 0, found ${t}`);
    this.t = t;
    this.steps.restart(t);
  }
}
