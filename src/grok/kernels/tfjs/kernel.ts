/**
 * A Kernel (contract.ts) computed by TensorFlow.js: the model's forward pass in tfjs ops, the backward pass
 * by tfjs autodiff.
 *
 * The parameters live in JavaScript Float32Arrays, because the trainer's AdamW updates the contract's views
 * in place; every lossAndGrad uploads them (a few hundred kB), differentiates, and downloads the gradients
 * into the grad views. All tensors of a step are created inside tf.tidy and disposed before returning, so
 * the backend holds nothing per step: only the few cached batches (batch-tensors.ts) stay allocated.
 */

import type * as Tf from '@tensorflow/tfjs-core';
import type { FloatArray, Kernel, LossKind, ModelKind, PairBatch } from '../contract.ts';
import type { TfjsRuntime } from './backend.ts';
import { BatchTensorCache } from './batch-tensors.ts';
import type { TfjsModel } from './model.ts';
import { meanLoss } from './ops.ts';

export class TfjsKernel<T extends object = Record<string, Float32Array>> implements Kernel<T> {
  readonly precision = 'f32' as const;
  readonly classes: number;
  readonly params: T;
  readonly grads: T;
  readonly identity: string;
  private readonly tf: typeof Tf;
  private readonly batches: BatchTensorCache;

  constructor(
    runtime: TfjsRuntime,
    private readonly network: TfjsModel,
    readonly model: ModelKind,
    readonly p: number,
  ) {
    this.tf = runtime.tf;
    this.identity = runtime.identity;
    this.classes = network.classes;
    this.params = allocate(network) as T;
    this.grads = allocate(network) as T;
    this.batches = new BatchTensorCache(this.tf, p, network.classes);
  }

  lossAndGrad(batch: PairBatch, loss: LossKind, tau: number): number {
    checkLossAndTau(loss, tau);
    const tf = this.tf;
    const data = this.batches.tensorsOf(batch);
    const names = this.network.names;
    const outputs = tf.tidy(() => {
      const lossOf = (...tensors: Tf.Tensor[]): Tf.Scalar => {
        const named: Record<string, Tf.Tensor> = {};
        names.forEach((name, i) => (named[name] = tensors[i]));
        return meanLoss(tf, this.network.forward(tf, named, data), data.targets, loss, tau);
      };
      const { value, grads } = tf.valueAndGrads(lossOf)(this.uploadParams());
      return [value, ...grads];
    });
    try {
      const gradViews = this.grads as Record<string, Float32Array>;
      names.forEach((name, i) => gradViews[name].set(outputs[i + 1].dataSync() as Float32Array));
      return (outputs[0].dataSync() as Float32Array)[0];
    } finally {
      tf.dispose(outputs);
    }
  }

  logits(batch: PairBatch, out: FloatArray): void {
    const data = this.batches.tensorsOf(batch);
    const size = data.n * this.classes;
    if (out.length < size) {
      throw new Error(
        `tfjs kernel: expected an output array of at least n x classes = ${data.n} x ${this.classes} = ${size} ` +
          `values for logits, found length ${out.length}.`,
      );
    }
    const tf = this.tf;
    const z = tf.tidy(() => {
      const named: Record<string, Tf.Tensor> = {};
      const tensors = this.uploadParams();
      this.network.names.forEach((name, i) => (named[name] = tensors[i]));
      return this.network.forward(tf, named, data);
    });
    try {
      out.set(z.dataSync() as Float32Array);
    } finally {
      z.dispose();
    }
  }

  /** Releases the batch tensors this kernel keeps on the backend (optional: they are a few MB at most). */
  dispose(): void {
    this.batches.dispose();
  }

  private uploadParams(): Tf.Tensor[] {
    const views = this.params as Record<string, Float32Array>;
    return this.network.names.map((name) => this.tf.tensor(views[name], [...this.network.shapes[name]], 'float32'));
  }
}

function allocate(network: TfjsModel): Record<string, Float32Array> {
  const tensors: Record<string, Float32Array> = {};
  for (const name of network.names) {
    tensors[name] = new Float32Array(network.shapes[name].reduce((x, y) => x * y, 1));
  }
  return tensors;
}

function checkLossAndTau(loss: LossKind, tau: number): void {
  if (loss !== 'ce' && loss !== 'mse') {
    throw new Error(`tfjs kernel: expected loss "ce" or "mse", found ${JSON.stringify(loss)}.`);
  }
  if (!(Number.isFinite(tau) && tau > 0)) {
    throw new Error(`tfjs kernel: expected a finite temperature tau > 0, found ${tau}.`);
  }
}
