/**
 * What the trainer measures from a kernel's logits over all p^2 pairs (SPEC section 4), engine-agnostic:
 * accuracy (argmax, first maximum on ties), the loss the optimizer sees, the effective logit scale
 * L = mean over all pairs of ||z / tau||_2, the softmax-collapse fraction (training pairs whose
 * correct-class probability is exactly 1 in the working precision) and the saturation fraction (training
 * pairs whose largest probability exceeds 0.999). Probabilities use the float32 semantics of
 * kernels/ts/softmax.ts when the precision is f32.
 */
import type { FloatArray, LossKind, PairBatch, Precision } from '../kernels/contract.ts';
import { lastRow, softmaxRow } from '../kernels/ts/softmax.ts';

export interface Accuracies {
  trainAcc: number;
  testAcc: number;
}

export interface LogitMetrics extends Accuracies {
  trainLoss: number;
  testLoss: number;
  L: number;
  collapse: number;
  saturation: number;
}

export const SATURATION_THRESHOLD = 0.999;

/** Train and test accuracy from logits (rows of `all`, classes wide); isTrain marks the training rows. */
export function accuracies(logits: FloatArray, classes: number, all: PairBatch, isTrain: Uint8Array): Accuracies {
  let trainRight = 0;
  let trainCount = 0;
  let testRight = 0;
  let testCount = 0;
  for (let i = 0; i < all.n; i++) {
    const off = i * classes;
    let best = 0;
    let bestValue = logits[off];
    for (let k = 1; k < classes; k++) {
      if (logits[off + k] > bestValue) {
        bestValue = logits[off + k];
        best = k;
      }
    }
    const right = best === all.y[i] ? 1 : 0;
    if (isTrain[i]) {
      trainRight += right;
      trainCount++;
    } else {
      testRight += right;
      testCount++;
    }
  }
  return { trainAcc: trainCount ? trainRight / trainCount : 0, testAcc: testCount ? testRight / testCount : 0 };
}

/** Reusable scratch for logitMetrics (no allocation per measurement). */
export class MetricScratch {
  readonly row: Float64Array;
  readonly scaled: Float64Array;
  readonly prob: Float64Array;
  constructor(readonly classes: number) {
    this.row = new Float64Array(classes);
    this.scaled = new Float64Array(classes);
    this.prob = new Float64Array(classes);
  }
}

export function logitMetrics(
  logits: FloatArray,
  classes: number,
  all: PairBatch,
  isTrain: Uint8Array,
  loss: LossKind,
  tau: number,
  precision: Precision,
  scratch: MetricScratch,
): LogitMetrics {
  const f32 = precision === 'f32';
  const { row, scaled, prob } = scratch;
  let trainLoss = 0;
  let testLoss = 0;
  let trainCount = 0;
  let testCount = 0;
  let scaleSum = 0;
  let collapsed = 0;
  let saturated = 0;
  for (let i = 0; i < all.n; i++) {
    const off = i * classes;
    const y = all.y[i];
    let sq = 0;
    for (let k = 0; k < classes; k++) {
      const z = logits[off + k];
      row[k] = z;
      const s = z / tau;
      sq += s * s;
    }
    scaleSum += Math.sqrt(sq);
    softmaxRow(row, 0, classes, tau, f32, scaled, prob);
    let rowLoss: number;
    if (loss === 'ce') {
      rowLoss = lastRow.logSum - (scaled[y] - lastRow.max);
    } else {
      rowLoss = 0;
      for (let k = 0; k < classes; k++) {
        const d = k === y ? scaled[k] - 1 : scaled[k];
        rowLoss += d * d;
      }
    }
    if (isTrain[i]) {
      trainLoss += rowLoss;
      trainCount++;
      if (prob[y] === 1) collapsed++;
      let maxProb = 0;
      for (let k = 0; k < classes; k++) if (prob[k] > maxProb) maxProb = prob[k];
      if (maxProb > SATURATION_THRESHOLD) saturated++;
    } else {
      testLoss += rowLoss;
      testCount++;
    }
  }
  const acc = accuracies(logits, classes, all, isTrain);
  return {
    ...acc,
    trainLoss: trainCount ? trainLoss / trainCount : 0,
    testLoss: testCount ? testLoss / testCount : 0,
    L: scaleSum / all.n,
    collapse: trainCount ? collapsed / trainCount : 0,
    saturation: trainCount ? saturated / trainCount : 0,
  };
}
