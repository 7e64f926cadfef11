/**
 * What the two AdamWs share (the trainer's, src/grok/train/adamw.ts, and the kernels' in-module one,
 * kernels/wasm/wasm-adamw.ts), so that they give the very same doubles: the settings with SPEC section 3's
 * defaults, and the bias corrections c1 = 1 - beta1^t and c2 = 1 - beta2^t as running products (exactly
 * reproducible), never Math.pow, whose last bit may differ between JavaScript engines.
 */
import type { AdamWOptions } from './contract.ts';

/** AdamW's settings with the defaults filled in (beta1 0.9, beta2 0.999, eps 1e-8). */
export interface AdamWSettings {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export function adamWSettings(opts: AdamWOptions): AdamWSettings {
  return { lr: opts.lr, weightDecay: opts.weightDecay, beta1: opts.beta1 ?? 0.9, beta2: opts.beta2 ?? 0.999, eps: opts.eps ?? 1e-8 };
}

/** The running products beta1^t and beta2^t, advanced one step at a time or restarted after t steps. */
export class BiasCorrection {
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(
    private readonly beta1: number,
    private readonly beta2: number,
  ) {}

  /** Advances one step; returns that step's c1 and c2. */
  next(): { c1: number; c2: number } {
    this.beta1Power *= this.beta1;
    this.beta2Power *= this.beta2;
    return { c1: 1 - this.beta1Power, c2: 1 - this.beta2Power };
  }

  /** The products after `t` steps, by the same multiplications `next` makes (restoring from a state). */
  restart(t: number): void {
    this.beta1Power = 1;
    this.beta2Power = 1;
    for (let i = 0; i < t; i++) {
      this.beta1Power *= this.beta1;
      this.beta2Power *= this.beta2;
    }
  }
}
