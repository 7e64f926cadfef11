/**
 * The MLP of SPEC section 2 in tfjs ops: z = GELU(concat(E[a], E[b]) W1 + b1) W2 + b2.
 *
 * The first layer uses the exact factorisation concat(E[a], E[b]) W1 = (E W1_top)[a] + (E W1_bottom)[b]:
 * two p x 128 x 256 products per step instead of one n x 256 x 256, the same algebra the project's own
 * kernels use (the float32 summation order differs, which is within float32 tolerance).
 */

import type * as Tf from '@tensorflow/tfjs-core';
import { MLP_EMBED, MLP_HIDDEN } from '../contract.ts';
import type { BatchTensors, TfjsModel } from './model.ts';
import { gatherRows, gelu } from './ops.ts';

export function mlpModel(p: number): TfjsModel {
  return {
    names: ['E', 'W1', 'b1', 'W2', 'b2'],
    shapes: {
      E: [p, MLP_EMBED],
      W1: [2 * MLP_EMBED, MLP_HIDDEN],
      b1: [MLP_HIDDEN],
      W2: [MLP_HIDDEN, p],
      b2: [p],
    },
    classes: p,
    forward: mlpLogits,
  };
}

function mlpLogits(tf: typeof Tf, params: Readonly<Record<string, Tf.Tensor>>, batch: BatchTensors): Tf.Tensor2D {
  const E = params.E as Tf.Tensor2D;
  const W1 = params.W1 as Tf.Tensor2D;
  const W2 = params.W2 as Tf.Tensor2D;
  const W1Top = tf.slice(W1, [0, 0], [MLP_EMBED, MLP_HIDDEN]);
  const W1Bottom = tf.slice(W1, [MLP_EMBED, 0], [MLP_EMBED, MLP_HIDDEN]);
  const fromA = gatherRows(tf, tf.matMul(E, W1Top), batch.a);
  const fromB = gatherRows(tf, tf.matMul(E, W1Bottom), batch.b);
  const hidden = gelu(tf, tf.add(tf.add(fromA, fromB), params.b1));
  return tf.add(tf.matMul(hidden, W2), params.b2);
}
