/**
 * Gradient functions for the tfjs kernels our two models use, registered into tfjs's autodiff.
 *
 * Why this file exists: since tfjs 3, tfjs-core's node bundle (the one Node loads) carries no gradients;
 * they are registered by importing `@tensorflow/tfjs-core/dist/register_all_gradients`, an ES module tree
 * with extensionless and directory imports that Node cannot load, so only the @tensorflow/tfjs union
 * bundle registers them. That package is not our dependency (it drags in layers, converter, data and
 * webgl, and here it is present only as an optional dependency of tfjs-node). Without gradients tf.grads
 * fails with "gradient function not found for Neg".
 *
 * So we register, for exactly the kernels on our models' tapes, the same formulas as tfjs-core's own
 * gradient configs (tfjs-core/dist/gradients/<Kernel>_grad.js, Apache-2.0), written against the public
 * registerGradient API. tfjs still records the tape and chains these; the models' backward passes are
 * not written by hand. A kernel that already has a gradient (because the union package was loaded, e.g.
 * with tfjs-node) keeps tfjs's own. Tile differs in form only: tfjs sums one slice per repetition (n
 * slices for a broadcast over n examples); we reshape and reduce once.
 */

import type * as Tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/** Registers the gradients below for every kernel that has none yet. Idempotent. */
export function registerMissingGradients(tf: typeof Tf): void {
  for (const config of gradientConfigs(tf)) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
}

function gradientConfigs(tf: typeof Tf): GradConfig[] {
  const { getReductionAxes, assertAndGetBroadcastShape, computeOutAndReduceShapes } = tf.backend_util;

  // The gradient of a broadcasting binary op, summed back to the shape of the operand.
  const unbroadcast = (grad: Tensor, operand: Tensor, other: Tensor): Tensor => {
    const outShape = assertAndGetBroadcastShape(operand.shape, other.shape);
    const axes = getReductionAxes(operand.shape, outShape);
    return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, operand.shape);
  };
  // tf.cast of a float32 tensor is a copy (an Identity kernel): skip it.
  const float = (t: Tensor) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
  const single = (dy: Tensor | Tensor[]) => dy as Tensor;

  const configs: GradConfig[] = [
    {
      kernelName: tf.Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => unbroadcast(single(dy), a, b),
        b: () => unbroadcast(single(dy), b, a),
      }),
    },
    {
      kernelName: tf.Sub,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => unbroadcast(single(dy), a, b),
        b: () => unbroadcast(tf.neg(single(dy)), b, a),
      }),
    },
    {
      kernelName: tf.Multiply,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => unbroadcast(tf.mul(single(dy), float(b)), a, b),
        b: () => unbroadcast(tf.mul(single(dy), float(a)), b, a),
      }),
    },
    {
      kernelName: tf.RealDiv,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => unbroadcast(tf.div(single(dy), float(b)), a, b),
        b: () => tf.neg(tf.div(unbroadcast(tf.mul(single(dy), float(a)), b, a), float(tf.square(b)))),
      }),
    },
    {
      kernelName: tf.Neg,
      gradFunc: (dy) => ({ x: () => tf.neg(single(dy)) }),
    },
    {
      kernelName: tf.SquaredDifference,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => tf.mul(single(dy), tf.mul(tf.scalar(2), tf.sub(a, b))),
        b: () => tf.mul(single(dy), tf.mul(tf.scalar(2), tf.sub(b, a))),
      }),
    },
    {
      // d erf(x) / dx = 2 / sqrt(pi) exp(-x^2)
      kernelName: tf.Erf,
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => tf.mul(single(dy), tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI))),
      }),
    },
    {
      // Products with explicit transposes rather than matMul's transpose flags: on the wasm backend a
      // flagged product takes a slow path (measured 17-20 ms against 1.2-1.8 ms for transpose + plain
      // product, for the 1392 x 256 x 59 products of the MLP at p = 59). Same arithmetic, same result.
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b], attrs: NamedAttrMap) => {
        const g = single(dy);
        const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
        const t = (x: Tensor) => {
          const order = [...x.shape.keys()];
          const r = order.length;
          [order[r - 2], order[r - 1]] = [order[r - 1], order[r - 2]];
          return tf.transpose(x, order);
        };
        const mm = (x: Tensor, y: Tensor) => tf.matMul(x, y);
        if (!transposeA && !transposeB) return { a: () => mm(g, t(b)), b: () => mm(t(a), g) };
        if (!transposeA && transposeB) return { a: () => mm(g, b), b: () => mm(t(g), a) };
        if (transposeA && !transposeB) return { a: () => mm(b, t(g)), b: () => mm(a, g) };
        return { a: () => mm(t(b), t(g)), b: () => mm(t(g), t(a)) };
      },
    },
    {
      // The slice's gradient is dy padded with zeros back to the input's shape.
      kernelName: tf.Slice,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs: NamedAttrMap) => {
        const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
        const [start, extent] = tf.slice_util.parseSliceParams(x, begin, size);
        const paddings: Array<[number, number]> = x.shape.map((dim, i) => [start[i], dim - start[i] - extent[i]]);
        return { x: () => tf.pad(single(dy), paddings) };
      },
    },
    {
      kernelName: tf.Identity,
      gradFunc: (dy) => ({ x: () => float(single(dy)) }),
    },
    {
      kernelName: tf.Reshape,
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => tf.reshape(single(dy), x.shape) }),
    },
    {
      kernelName: tf.Sum,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs: NamedAttrMap) => {
        const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
        const kept = x.shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
        return { x: () => tf.mul(tf.reshape(single(dy), kept), tf.ones(x.shape, 'float32')) };
      },
    },
    {
      kernelName: tf.Mean,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs: NamedAttrMap) => {
        const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
        const reduceSize = tf.util.sizeFromShape(computeOutAndReduceShapes(x.shape, axes)[1]);
        const kept = x.shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
        return { x: () => tf.div(tf.mul(tf.reshape(single(dy), kept), tf.ones(x.shape, 'float32')), reduceSize) };
      },
    },
    {
      // Output index along axis i is rep * size_i + k: view dy as [reps_0, size_0, reps_1, size_1, ...]
      // and sum over the repetition axes.
      kernelName: tf.Tile,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs: NamedAttrMap) => {
        const reps = (attrs as { reps: number[] }).reps;
        const interleaved = x.shape.flatMap((dim, i) => [reps[i], dim]);
        const repetitionAxes = x.shape.map((_, i) => 2 * i);
        return { x: () => tf.reshape(tf.sum(tf.reshape(single(dy), interleaved), repetitionAxes), x.shape) };
      },
    },
    {
      kernelName: tf.Pack,
      saveAllInputs: true,
      gradFunc: (dy, _saved, attrs: NamedAttrMap) =>
        tf.unstack(single(dy), (attrs as { axis: number }).axis).map((t) => () => t) as unknown as Record<string, () => Tensor>,
    },
    {
      // dx = y * dy - y * sum(y * dy) over the softmax axis
      kernelName: tf.Softmax,
      outputsToSave: [true],
      gradFunc: (dy, [y], attrs: NamedAttrMap) => {
        const dim = (attrs as { dim: number }).dim;
        const dyTimesY = tf.mul(single(dy), y);
        return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y)) };
      },
    },
  ];
  return configs;
}
