/**
 * What the generic tfjs kernel needs to know about a model: its tensors (names, shapes, fixed order) and
 * its forward pass from parameter tensors to logits. Autodiff gives the backward pass.
 */

import type * as Tf from '@tensorflow/tfjs-core';
import type { TokenColumn } from './ops.ts';

/** A PairBatch uploaded to the backend, kept across steps (see batch-tensors.ts). */
export interface BatchTensors {
  readonly n: number;
  readonly a: TokenColumn;
  readonly b: TokenColumn;
  /** One-hot targets, n x classes, float32. */
  readonly targets: Tf.Tensor2D;
}

export interface TfjsModel {
  /** Tensor names in the fixed order of the model's Tensors interface (contract.ts). */
  readonly names: readonly string[];
  readonly shapes: Readonly<Record<string, readonly [number, number] | readonly [number]>>;
  readonly classes: number;
  /** Logits z (n x classes) from parameter tensors keyed by name. */
  forward(tf: typeof Tf, params: Readonly<Record<string, Tf.Tensor>>, batch: BatchTensors): Tf.Tensor2D;
}
