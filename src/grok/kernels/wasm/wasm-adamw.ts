/**
 * The kernels' in-module AdamW: the surface of src/grok/train/adamw.ts's AdamW (names, moments m and v in
 * spec order, step counter, step(), setStep()), with the update done by the kernel's module on moments
 * that live in the module's memory. The bias corrections are the trainer's own (../adamw-settings.ts),
 * so each step's factors are the very same doubles.
 */
import { adamWSettings, BiasCorrection, type AdamWStep } from '../adamw-settings.ts';
import type { AdamWOptions, FloatArray } from '../contract.ts';

/** Updates every tensor with one step's settings (the kernel binds its tensors' pointers). */
export type UpdateAll = (beta1: number, beta2: number, eps: number, step: AdamWStep, decay: number) => void;

export class WasmAdamW {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  t = 0;
  private readonly bias: BiasCorrection;

  constructor(
    readonly names: string[],
    readonly m: FloatArray[],
    readonly v: FloatArray[],
    opts: AdamWOptions,
    private readonly updateAll: UpdateAll,
  ) {
    const settings = adamWSettings(opts);
    ({ lr: this.lr, weightDecay: this.weightDecay, beta1: this.beta1, beta2: this.beta2, eps: this.eps } = settings);
    this.bias = new BiasCorrection(settings);
  }

  /** One update from the gradients currently in the kernel's grads views. */
  step(): void {
    this.t += 1;
    this.updateAll(this.beta1, this.beta2, this.eps, this.bias.next(), this.lr * this.weightDecay);
  }

  /** Restores the step counter (and the bias-correction products) after loading moments from a state. */
  setStep(t: number): void {
    if (!Number.isInteger(t) || t < 0) throw new Error(`WasmAdamW.setStep: expected a step count >= 0, found ${t}`);
    this.t = t;
    this.bias.restart(t);
  }
}
