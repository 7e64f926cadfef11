/**
 * One seed's training inside a cell: its split, kernel and optimizer, the T_mem / T_grok it has reached,
 * and its measurement series. The cell (cell.ts) drives several of these in lockstep.
 */
import type { AdamWOptions, FloatArray, LossKind, PairBatch, Precision, TensorSpec } from '../kernels/contract.ts';
import { AdamW } from './adamw.ts';
import type { AnyKernel } from './engines.ts';
import { MetricScratch, accuracies, logitMetrics } from './metrics.ts';
import { clampNorm, clampTensorNorms, type TensorNormTargets, tensorNorms, weightNorm } from './norms.ts';
import type { SeedState } from './state.ts';

/** SPEC section 4: memorised at train accuracy >= 0.99, grokked at test accuracy >= 0.90. */
export const MEMORIZED_ACCURACY = 0.99;
export const GROKKED_ACCURACY = 0.9;

export interface SeedLog {
  trainAcc: number[];
  testAcc: number[];
  trainLoss: number[];
  testLoss: number[];
  /** ||W|| over the decayed tensors. */
  norm: number[];
  /** Frobenius norm of each decayed tensor (E, W1, W2 for the MLP; every tensor for the transformer). */
  tensorNorms: Record<string, number[]>;
  /** Mean over all p^2 pairs of ||z / tau||_2. */
  L: number[];
  /** Share of training pairs whose correct-class probability is exactly 1 in the working precision. */
  collapse: number[];
  /** Share of training pairs whose largest probability exceeds 0.999. */
  saturation: number[];
}

export interface SeedEval {
  trainAcc: number[];
  testAcc: number[];
}

export interface SeedTraining {
  loss: LossKind;
  tau: number;
  precision: Precision;
  lr: number;
  weightDecay: number;
}

export class SeedRun {
  readonly opt: Optimizer;
  tMem: number | null = null;
  tGrok: number | null = null;
  normAtMem: number | null = null;
  normAtGrok: number | null = null;
  readonly evals: SeedEval = { trainAcc: [], testAcc: [] };
  readonly log: SeedLog;
  private readonly logits: FloatArray;
  private logitsStep = -1;
  private readonly scratch: MetricScratch;

  constructor(
    readonly seed: number,
    readonly kernel: AnyKernel,
    readonly specs: readonly TensorSpec[],
    readonly train: PairBatch,
    /** Every pair in index order, and which of them are training pairs. */
    readonly all: PairBatch,
    readonly isTrain: Uint8Array,
    readonly training: SeedTraining,
  ) {
    const adamw: AdamWOptions = { lr: training.lr, weightDecay: training.weightDecay };
    // A kernel that keeps its tensors in its own memory (wasm) may run AdamW there too: bit-identical to
    // the TypeScript AdamW (tested), and ~20% of a step faster at p = 59.
    const own = (kernel as { createAdamW?: (specs: readonly TensorSpec[], opts: AdamWOptions) => Optimizer }).createAdamW;
    this.opt = own ? own.call(kernel, specs, adamw) : new AdamW(kernel.params, kernel.grads, specs, adamw);
    const size = all.n * kernel.classes;
    this.logits = training.precision === 'f32' ? new Float32Array(size) : new Float64Array(size);
    this.scratch = new MetricScratch(kernel.classes);
    const norms: Record<string, number[]> = {};
    for (const s of specs) if (s.decayed) norms[s.name] = [];
    this.log = { trainAcc: [], testAcc: [], trainLoss: [], testLoss: [], norm: [], tensorNorms: norms, L: [], collapse: [], saturation: [] };
  }

  /**
   * One full-batch optimizer step, then the clamp when a target is given: a total norm ||W|| (one common
   * factor) or one norm per tensor (the layer-allocation experiment). Returns the loss before the step.
   */
  step(clampTarget: number | TensorNormTargets | null): number {
    const value = this.kernel.lossAndGrad(this.train, this.training.loss, this.training.tau);
    this.opt.step();
    if (typeof clampTarget === 'number') clampNorm(this.kernel.params, this.specs, clampTarget);
    else if (clampTarget !== null) clampTensorNorms(this.kernel.params, this.specs, clampTarget);
    return value;
  }

  norm(): number {
    return weightNorm(this.kernel.params, this.specs);
  }

  /** The 25-step evaluation: accuracies, and T_mem / T_grok when first reached. */
  evaluate(step: number): void {
    const { trainAcc, testAcc } = accuracies(this.logitsAt(step), this.kernel.classes, this.all, this.isTrain);
    this.evals.trainAcc.push(trainAcc);
    this.evals.testAcc.push(testAcc);
    if (this.tMem === null && trainAcc >= MEMORIZED_ACCURACY) {
      this.tMem = step;
      this.normAtMem = this.norm();
    }
    if (this.tGrok === null && testAcc >= GROKKED_ACCURACY) {
      this.tGrok = step;
      this.normAtGrok = this.norm();
    }
  }

  /** The 200-step measurement of SPEC section 4. */
  measure(step: number): void {
    const m = logitMetrics(
      this.logitsAt(step),
      this.kernel.classes,
      this.all,
      this.isTrain,
      this.training.loss,
      this.training.tau,
      this.training.precision,
      this.scratch,
    );
    const log = this.log;
    log.trainAcc.push(m.trainAcc);
    log.testAcc.push(m.testAcc);
    log.trainLoss.push(m.trainLoss);
    log.testLoss.push(m.testLoss);
    log.L.push(m.L);
    log.collapse.push(m.collapse);
    log.saturation.push(m.saturation);
    log.norm.push(this.norm());
    const norms = tensorNorms(this.kernel.params, this.specs);
    for (const name of Object.keys(log.tensorNorms)) log.tensorNorms[name].push(norms[name]);
  }

  /** Loads parameters, moments, step and flags from a saved state. */
  restore(state: SeedState, step: number): void {
    this.specs.forEach((spec, i) => {
      this.kernel.params[spec.name].set(state.params[spec.name]);
      this.opt.m[i].set(state.m[spec.name]);
      this.opt.v[i].set(state.v[spec.name]);
    });
    this.opt.setStep(step);
    this.tMem = state.tMem;
    this.tGrok = state.tGrok;
    this.normAtMem = state.normAtMem;
    this.normAtGrok = state.normAtGrok;
    this.logitsStep = -1;
  }

  /** A copy of the seed's state (parameters, moments, flags). */
  snapshot(): SeedState {
    const params: Record<string, FloatArray> = {};
    const m: Record<string, FloatArray> = {};
    const v: Record<string, FloatArray> = {};
    this.specs.forEach((spec, i) => {
      params[spec.name] = this.kernel.params[spec.name].slice();
      m[spec.name] = this.opt.m[i].slice();
      v[spec.name] = this.opt.v[i].slice();
    });
    return { seed: this.seed, params, m, v, tMem: this.tMem, tGrok: this.tGrok, normAtMem: this.normAtMem, normAtGrok: this.normAtGrok };
  }

  /** Logits over all pairs at the current parameters, computed once per step however many readers. */
  private logitsAt(step: number): FloatArray {
    if (this.logitsStep !== step) {
      this.kernel.logits(this.all, this.logits);
      this.logitsStep = step;
    }
    return this.logits;
  }
}

/** What SeedRun needs of an optimizer: a step, its moments (for the state file) and its step count. */
export interface Optimizer {
  readonly m: FloatArray[];
  readonly v: FloatArray[];
  step(): void;
  setStep(t: number): void;
}
