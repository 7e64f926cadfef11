/**
 * The building blocks the two tfjs models share, from tfjs primitives the wasm backend implements. Their
 * gradients are tfjs's (registered by gradients.ts where tfjs-core's node bundle lacks them) or, for the
 * embedding lookup, a custom gradient defined here.
 */

import type * as Tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../contract.ts';

/** Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); tfjs only ships the tanh approximation. */
export function gelu(tf: typeof Tf, x: Tf.Tensor2D): Tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/**
 * Rows of `table` picked by token indices (an embedding lookup), with an exact gradient that scatter-adds
 * the incoming rows into a table-shaped zero tensor.
 *
 * Not tf.gather: its gradient uses UnsortedSegmentSum, which the wasm backend does not implement (autodiff
 * through tf.gather fails there), and its wasm GatherV2 kernel is slow (measured 10-13 ms for 1392 rows of
 * 256 at p = 59, against 0.8 ms for GatherND and 1.7 ms for a one-hot matrix product). GatherND copies the
 * rows exactly; its adjoint ScatterNd sums duplicate indices (TensorFlow semantics), which is exactly the
 * lookup's gradient, in n x width additions.
 */
export function gatherRows(tf: typeof Tf, table: Tf.Tensor2D, tokens: TokenColumn): Tf.Tensor2D {
  const pick = tf.customGrad((t: Tf.Tensor | Tf.GradSaveFunc) => {
    const rows = t as Tf.Tensor2D;
    return {
      value: tf.gatherND(rows, tokens) as Tf.Tensor2D,
      gradFunc: (dy: Tf.Tensor2D) => tf.scatterND(tokens, dy, rows.shape),
    };
  });
  return pick(table) as Tf.Tensor2D;
}

/** One batch's tokens as an n x 1 int32 column: the index shape GatherND and ScatterNd take. */
export type TokenColumn = Tf.Tensor2D;

/**
 * Mean loss over the batch of the logits divided by tau (see the Kernel contract).
 * CE: mean of -log softmax(z / tau)[y]; MSE: mean over examples of sum_k (z_k / tau - onehot_k)^2.
 */
export function meanLoss(
  tf: typeof Tf,
  logits: Tf.Tensor2D,
  targets: Tf.Tensor2D,
  loss: LossKind,
  tau: number,
): Tf.Scalar {
  // z / 1 is exact, so skipping the division at tau = 1 changes no bit and saves two kernels per step.
  const scaled = tau === 1 ? logits : tf.div(logits, tau);
  if (loss === 'ce') {
    const logProbabilities = tf.logSoftmax(scaled, 1);
    return tf.neg(tf.mean(tf.sum(tf.mul(logProbabilities, targets), 1)));
  }
  return tf.mean(tf.sum(tf.squaredDifference(scaled, targets), 1));
}
