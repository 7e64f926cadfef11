/**
 * The contract between the trainer and a compute engine for the paper's models.
 *
 * A kernel owns one seed's parameters and gradients for one model at one precision. The trainer (data,
 * AdamW, clamp, temperature, measurements) is written once against this contract; the TypeScript
 * kernels (the readable oracle), the WebAssembly SIMD kernels and the TensorFlow.js engine implement it.
 *
 * Layout: every tensor is a flat, row-major typed array. Matrices are stored "in x out" so that a layer
 * is y = x W (+ b). Float32 kernels hold Float32Array views, float64 kernels Float64Array views. The views
 * are live: the optimizer updates them in place and the next lossAndGrad sees the new values.
 */

export type Precision = 'f32' | 'f64';
export type LossKind = 'ce' | 'mse';
export type FloatArray = Float32Array | Float64Array;

/** A set of (a, b) -> y examples; y = (a + b) mod p. Indices are tokens in 0..p-1. */
export interface PairBatch {
  readonly n: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly y: Int32Array;
}

export const MLP_EMBED = 128;
export const MLP_HIDDEN = 256;

/** The MLP of SPEC section 2. E: p x 128, W1: 256 x 256, b1: 256, W2: 256 x p, b2: p. */
export interface MlpTensors<F extends FloatArray = FloatArray> {
  E: F;
  W1: F;
  b1: F;
  W2: F;
  b2: F;
}

export const TF_DIM = 128;
export const TF_HEADS = 4;
export const TF_HEAD_DIM = 32;
export const TF_MLP = 512;
export const TF_SEQ = 3;

/**
 * The no-LayerNorm transformer of SPEC section 2. Vocabulary p + 1 ("=" is token p).
 * E: (p+1) x 128, P: 3 x 128, Wq, Wk, Wv, Wo: 128 x 128 (heads are consecutive blocks of 32 columns
 * of Wq/Wk/Wv and of 32 rows of Wo), Win: 128 x 512, Wout: 512 x 128, U: 128 x (p+1). No biases.
 */
export interface TransformerTensors<F extends FloatArray = FloatArray> {
  E: F;
  P: F;
  Wq: F;
  Wk: F;
  Wv: F;
  Wo: F;
  Win: F;
  Wout: F;
  U: F;
}

export type ModelKind = 'mlp' | 'transformer';

/**
 * One tensor of a model (src/grok/models/spec.ts lists them): here, beside the Kernel contract, because
 * the kernels' in-module AdamW reads it as the trainer does, and kernels import nothing from above them.
 */
export interface TensorSpec {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** Covered by weight decay, the norm ||W|| and the clamp. */
  readonly decayed: boolean;
  /** Entries are drawn N(0, 1) * initScale; 0 means the tensor starts at zero (biases). */
  readonly initScale: number;
}

/** AdamW's settings (SPEC section 3), shared by the trainer's AdamW and the kernels' in-module one. */
export interface AdamWOptions {
  lr: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface Kernel<T extends object = Record<string, FloatArray>> {
  readonly model: ModelKind;
  readonly precision: Precision;
  readonly p: number;
  /** Number of logits per example: p for the MLP, p + 1 for the transformer. */
  readonly classes: number;
  /** Live parameter views, in the fixed tensor order of the model's Tensors interface. */
  readonly params: T;
  /** Gradients of the mean loss, same shapes; overwritten by every lossAndGrad. */
  readonly grads: T;
  /**
   * Mean loss over the batch of the logits divided by tau; fills grads.
   * CE: mean of -log softmax(z / tau)[y]. MSE: mean over examples of sum_k (z_k / tau - onehot_k)^2.
   */
  lossAndGrad(batch: PairBatch, loss: LossKind, tau: number): number;
  /** Raw logits z (not divided by tau) for every example, row-major n x classes, into out. */
  logits(batch: PairBatch, out: FloatArray): void;
  /** A short identity for the stage key, e.g. "kernels-ts/1" or "tfjs/4.22.0/wasm". */
  readonly identity: string;
}
