/**
 * The no-LayerNorm transformer of SPEC section 2 in tfjs ops.
 *
 * Tokens [a, b, =] ("=" is token p), x_i = E[token_i] + P[i]. One attention layer of 4 heads of 32
 * (consecutive 32-column blocks of Wq, Wk, Wv and 32-row blocks of Wo); the query comes from the last
 * position only, keys and values from all three; softmax over the 3 positions of q.k / sqrt(32); then
 * r = x_2 + attention Wo, r' = r + GELU(r Win) Wout, logits = r' U. No biases, no LayerNorm.
 *
 * Exact algebra keeps the per-example work small: x_2 is the same for every example, so the query is one
 * vector per step; keys and values of position 0 depend on a only and of position 1 on b only, so they
 * are rows of per-token tables (E Wk, E Wv) plus a position term (P Wk, P Wv).
 */

import type * as Tf from '@tensorflow/tfjs-core';
import { TF_DIM, TF_HEADS, TF_HEAD_DIM, TF_MLP, TF_SEQ } from '../contract.ts';
import type { BatchTensors, TfjsModel } from './model.ts';
import { gatherRows, gelu } from './ops.ts';

export function transformerModel(p: number): TfjsModel {
  const vocabulary = p + 1;
  return {
    names: ['E', 'P', 'Wq', 'Wk', 'Wv', 'Wo', 'Win', 'Wout', 'U'],
    shapes: {
      E: [vocabulary, TF_DIM],
      P: [TF_SEQ, TF_DIM],
      Wq: [TF_DIM, TF_DIM],
      Wk: [TF_DIM, TF_DIM],
      Wv: [TF_DIM, TF_DIM],
      Wo: [TF_DIM, TF_DIM],
      Win: [TF_DIM, TF_MLP],
      Wout: [TF_MLP, TF_DIM],
      U: [TF_DIM, vocabulary],
    },
    classes: vocabulary,
    forward: (tf, params, batch) => transformerLogits(tf, params, batch, p),
  };
}

function transformerLogits(
  tf: typeof Tf,
  params: Readonly<Record<string, Tf.Tensor>>,
  batch: BatchTensors,
  equalsToken: number,
): Tf.Tensor2D {
  const [E, P, Wq, Wk, Wv, Wo, Win, Wout, U] = ['E', 'P', 'Wq', 'Wk', 'Wv', 'Wo', 'Win', 'Wout', 'U'].map(
    (name) => params[name] as Tf.Tensor2D,
  );
  const n = batch.n;
  // tfjs's generic signatures lose the rank; these three keep the code below readable and typed.
  const row = (m: Tf.Tensor2D, i: number) => tf.slice(m, [i, 0], [1, m.shape[1]]) as Tf.Tensor2D;
  const plus = (x: Tf.Tensor2D, y: Tf.Tensor2D) => tf.add(x, y) as Tf.Tensor2D;
  const times = (x: Tf.Tensor2D, y: Tf.Tensor2D) => tf.matMul(x, y) as Tf.Tensor2D;

  const last = plus(row(E, equalsToken), row(P, 2)); // x_2, 1 x 128
  const query = times(last, Wq);
  const keyTable = times(E, Wk);
  const valueTable = times(E, Wv);
  const keyOfPosition = times(P, Wk);
  const valueOfPosition = times(P, Wv);
  const keys = [
    plus(gatherRows(tf, keyTable, batch.a), row(keyOfPosition, 0)),
    plus(gatherRows(tf, keyTable, batch.b), row(keyOfPosition, 1)),
    times(last, Wk),
  ];
  const values = [
    plus(gatherRows(tf, valueTable, batch.a), row(valueOfPosition, 0)),
    plus(gatherRows(tf, valueTable, batch.b), row(valueOfPosition, 1)),
    times(last, Wv),
  ];

  const byHead = (m: Tf.Tensor2D) => tf.reshape(m, [m.shape[0], TF_HEADS, TF_HEAD_DIM]);
  const scale = 1 / Math.sqrt(TF_HEAD_DIM);
  // Per head: q . k / sqrt(32). The score of position 2 is one value per head, broadcast to every example.
  const scores = keys.map((k) =>
    tf.broadcastTo(tf.mul(tf.sum(tf.mul(byHead(query), byHead(k)), 2), scale), [n, TF_HEADS]),
  );
  const weights = tf.softmax(tf.stack(scores, 2) as Tf.Tensor3D, 2); // n x heads x 3 positions
  let mixed: Tf.Tensor3D | null = null;
  for (let i = 0; i < TF_SEQ; i++) {
    const term = tf.mul(tf.slice(weights, [0, 0, i], [n, TF_HEADS, 1]), byHead(values[i])) as Tf.Tensor3D;
    mixed = mixed === null ? term : tf.add(mixed, term);
  }
  const attention = times(tf.reshape(mixed!, [n, TF_DIM]), Wo);

  const residual = plus(last, attention);
  const block = times(gelu(tf, times(residual, Win)), Wout);
  return times(plus(residual, block), U);
}
