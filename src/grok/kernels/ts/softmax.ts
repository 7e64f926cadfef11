/**
 * Softmax, cross-entropy and MSE on rows of logits, with the float32 semantics of float32 frameworks.
 *
 * Float32: every stored value is a float32 (the scaled logits s = z / tau, the exponentials, their running
 * sum, the probabilities, the logit gradients), computed in double within one expression and rounded on
 * store. The running sum is a float32 accumulated in class order, so once every other class's
 * exp(s_k - max) falls below half an ulp of 1 the sum is exactly 1, the correct-class probability is
 * exactly 1 and its cross-entropy gradient is exactly 0: the softmax collapse the paper measures.
 * Float64: the same algorithm without the rounding.
 */
import { exp, log } from '../../math.ts';
import type { LossKind } from '../contract.ts';

/** Results of the last softmaxRow call (module scratch: no allocation per row). */
export const lastRow = { max: 0, logSum: 0 };

/**
 * prob[0..C) = softmax(z[off..off+C) / tau); scaled[0..C) = z / tau. Records the row maximum and the log
 * of the shifted normaliser in lastRow, so that -log prob_y = logSum - (scaled_y - max).
 */
export function softmaxRow(
  z: Float64Array,
  off: number,
  C: number,
  tau: number,
  f32: boolean,
  scaled: Float64Array,
  prob: Float64Array,
): void {
  let max = -Infinity;
  for (let k = 0; k < C; k++) {
    const s = f32 ? Math.fround(z[off + k] / tau) : z[off + k] / tau;
    scaled[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  if (f32) {
    for (let k = 0; k < C; k++) {
      const e = Math.fround(exp(scaled[k] - max));
      prob[k] = e;
      sum = Math.fround(sum + e);
    }
    for (let k = 0; k < C; k++) prob[k] = Math.fround(prob[k] / sum);
  } else {
    for (let k = 0; k < C; k++) {
      const e = exp(scaled[k] - max);
      prob[k] = e;
      sum += e;
    }
    for (let k = 0; k < C; k++) prob[k] = prob[k] / sum;
  }
  lastRow.max = max;
  lastRow.logSum = log(sum);
}

/**
 * Mean loss over n rows of logits z (n x C) with targets y, the loss seeing z / tau. When dz is given,
 * fills it with d(mean loss)/dz (rounded to float32 when f32). scaled and prob are C-long scratch rows.
 */
export function lossAndLogitGradient(
  z: Float64Array,
  n: number,
  C: number,
  y: Int32Array,
  loss: LossKind,
  tau: number,
  f32: boolean,
  dz: Float64Array | null,
  scaled: Float64Array,
  prob: Float64Array,
): number {
  // d/dz of (1/n) sum_i l(z_i / tau) is l'(s) / (n tau)
  const scale = n * tau;
  let total = 0;
  if (loss === 'ce') {
    for (let i = 0; i < n; i++) {
      const off = i * C;
      const target = y[i];
      softmaxRow(z, off, C, tau, f32, scaled, prob);
      total += lastRow.logSum - (scaled[target] - lastRow.max);
      if (dz !== null) {
        if (f32) {
          for (let k = 0; k < C; k++) dz[off + k] = Math.fround((k === target ? prob[k] - 1 : prob[k]) / scale);
        } else {
          for (let k = 0; k < C; k++) dz[off + k] = (k === target ? prob[k] - 1 : prob[k]) / scale;
        }
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const off = i * C;
      const target = y[i];
      let rowLoss = 0;
      for (let k = 0; k < C; k++) {
        const s = f32 ? Math.fround(z[off + k] / tau) : z[off + k] / tau;
        const d = k === target ? s - 1 : s;
        rowLoss += d * d;
        if (dz !== null) dz[off + k] = f32 ? Math.fround((2 * d) / scale) : (2 * d) / scale;
      }
      total += rowLoss;
    }
  }
  const mean = total / n;
  return f32 ? Math.fround(mean) : mean;
}
