/**
 * Full-batch AdamW as SPEC section 3 states it: bias-corrected moments (beta1 0.9, beta2 0.999, eps 1e-8),
 * the Adam update, then the decoupled weight decay P <- P - lr * wd * P applied AFTER the update, to the
 * decayed tensors only. Moments live in the kernel's precision (Float32Array for float32 kernels, so every
 * stored value is rounded once on store); each update is computed in double within one expression.
 *
 * Its steps (settings and bias corrections) are kernels/adamw-settings.ts's, shared with the kernels'
 * in-module AdamW.
 */
import { AdamWSteps, type AdamWStep } from '../kernels/adamw-settings.ts';
import type { AdamWOptions, FloatArray, TensorSpec } from '../kernels/contract.ts';

export class AdamW {
  /** Tensor names in spec order (the order of m, v and the state file). */
  readonly names: string[];
  readonly m: FloatArray[];
  readonly v: FloatArray[];
  /** Number of steps taken. */
  t = 0;
  private readonly steps: AdamWSteps;
  private readonly params: FloatArray[];
  private readonly grads: FloatArray[];
  private readonly decayed: boolean[];

  constructor(
    params: Record<string, FloatArray>,
    grads: Record<string, FloatArray>,
    specs: readonly TensorSpec[],
    opts: AdamWOptions,
  ) {
    this.steps = new AdamWSteps(opts);
    this.names = specs.map((s) => s.name);
    this.decayed = specs.map((s) => s.decayed);
    this.params = [];
    this.grads = [];
    this.m = [];
    this.v = [];
    for (const spec of specs) {
      const param = params[spec.name];
      const grad = grads[spec.name];
      const size = spec.rows * spec.cols;
      if (!param || !grad || param.length !== size || grad.length !== size) {
        throw new Error(
          `AdamW: expected parameter and gradient ${spec.name} of ${size} values, found ${param?.length ?? 'none'} and ${grad?.length ?? 'none'}`,
        );
      }
      this.params.push(param);
      this.grads.push(grad);
      const make = (): FloatArray => (param instanceof Float32Array ? new Float32Array(size) : new Float64Array(size));
      this.m.push(make());
      this.v.push(make());
    }
  }

  /** One update from the gradients currently in the kernel's grads views. */
  step(): void {
    this.t += 1;
    const step = this.steps.next();
    for (let ti = 0; ti < this.params.length; ti++) {
      updateTensor(this.params[ti], this.grads[ti], this.m[ti], this.v[ti], step);
      if (this.decayed[ti] && step.decay !== 0) decayTensor(this.params[ti], step.decay);
    }
  }

  /** Restores the step counter (and the bias-correction products) after loading moments from a state. */
  setStep(t: number): void {
    if (!Number.isInteger(t) || t < 0) throw new Error(`AdamW.setStep: expected a step count >= 0, found ${t}`);
    this.t = t;
    this.steps.restart(t);
  }
}

function updateTensor(
  P: FloatArray,
  G: FloatArray,
  M: FloatArray,
  V: FloatArray,
  { beta1, beta2, eps, stepSize, inverseC2 }: AdamWStep,
): void {
  const n = P.length;
  // lr m^ / (sqrt(v^) + eps) with m^ = m / c1 and v^ = v / c2, the corrections folded into the step's two
  // factors (as PyTorch folds lr / c1): one division per element where there were three
  for (let i = 0; i < n; i++) {
    const g = G[i];
    M[i] = beta1 * M[i] + (1 - beta1) * g;
    V[i] = beta2 * V[i] + (1 - beta2) * g * g;
    P[i] = P[i] - (stepSize * M[i]) / (Math.sqrt(V[i] * inverseC2) + eps);
  }
}

function decayTensor(P: FloatArray, decay: number): void {
  const n = P.length;
  for (let i = 0; i < n; i++) P[i] = P[i] - decay * P[i];
}
