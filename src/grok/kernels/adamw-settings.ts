/**
 * What the two AdamWs share (the trainer's, src/grok/train/adamw.ts, and the kernels' in-module one,
 * kernels/wasm/wasm-adamw.ts), so that they give the very same doubles: the settings with SPEC section 3's
 * defaults, and the bias corrections c1 = 1 - beta1^t and c2 = 1 - beta2^t as running products (exactly
 * reproducible), never Math.pow, whose last bit may differ between JavaScript engines, folded into each
 * step's two factors; and each step as one value holding everything an update needs.
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

function adamWSettings(opts: AdamWOptions): AdamWSettings {
  return { lr: opts.lr, weightDecay: opts.weightDecay, beta1: opts.beta1 ?? 0.9, beta2: opts.beta2 ?? 0.999, eps: opts.eps ?? 1e-8 };
}

/**
 * Everything one update needs: the moments' decay rates and eps, the bias corrections folded the way
 * PyTorch folds lr / c1, so that an element's update costs one division,
 * P -= stepSize m / (sqrt(v inverseC2) + eps), stepSize = lr / c1, inverseC2 = 1 / c2,
 * and the decoupled weight decay's factor lr * weightDecay, applied after the update to decayed tensors.
 */
export interface AdamWStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly stepSize: number;
  readonly inverseC2: number;
  readonly decay: number;
}

/**
 * AdamW's steps: the settings, and the running products beta1^t and beta2^t, advanced one step at a time
 * or restarted after t steps. Both AdamWs hold one and nothing else of the settings, so each step's
 * numbers are computed in this one place, once per step for every tensor.
 */
export class AdamWSteps {
  private beta1Power = 1;
  private beta2Power = 1;

  private readonly settings: AdamWSettings;

  constructor(opts: AdamWOptions) {
    this.settings = adamWSettings(opts);
  }

  /** Advances one step; returns that step. */
  next(): AdamWStep {
    const { lr, weightDecay, beta1, beta2, eps } = this.settings;
    this.beta1Power *= beta1;
    this.beta2Power *= beta2;
    return { beta1, beta2, eps, stepSize: lr / (1 - this.beta1Power), inverseC2: 1 / (1 - this.beta2Power), decay: lr * weightDecay };
  }

  /** The products after `t` steps, by the same multiplications `next` makes (restoring from a state). */
  restart(t: number): void {
    this.beta1Power = 1;
    this.beta2Power = 1;
    for (let i = 0; i < t; i++) {
      this.beta1Power *= this.settings.beta1;
      this.beta2Power *= this.settings.beta2;
    }
  }
}
