/**
 * PairBatches uploaded to the tfjs backend once and reused across steps.
 *
 * The trainer passes the same few batches (train set, test set, all pairs) thousands of times; uploading
 * their indices and one-hot targets every step would be waste. A batch is recognised by content, not by
 * object identity, so a caller that refills a batch object in place still gets the right tensors.
 */

import type * as Tf from '@tensorflow/tfjs-core';
import type { PairBatch } from '../contract.ts';
import type { BatchTensors } from './model.ts';
import type { TokenColumn } from './ops.ts';

interface Entry {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly y: Int32Array;
  readonly tensors: BatchTensors;
}

export class BatchTensorCache {
  // Most recently used first. Three covers train, test and all-pairs batches of one seed.
  private readonly entries: Entry[] = [];

  constructor(
    private readonly tf: typeof Tf,
    /** Tokens a and b must lie in 0..tokens-1 (p for both models: "=" never comes from a batch). */
    private readonly tokens: number,
    private readonly classes: number,
    private readonly capacity = 3,
  ) {}

  tensorsOf(batch: PairBatch): BatchTensors {
    const { a, b, y } = columnsOf(batch);
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (sameValues(entry.a, a) && sameValues(entry.b, b) && sameValues(entry.y, y)) {
        if (i > 0) this.entries.unshift(...this.entries.splice(i, 1));
        return entry.tensors;
      }
    }
    checkTokens('a', a, this.tokens);
    checkTokens('b', b, this.tokens);
    checkTokens('y', y, this.classes);
    const entry: Entry = { a: a.slice(), b: b.slice(), y: y.slice(), tensors: this.upload(a, b, y) };
    this.entries.unshift(entry);
    while (this.entries.length > this.capacity) disposeTensors(this.tf, this.entries.pop()!.tensors);
    return entry.tensors;
  }

  dispose(): void {
    for (const entry of this.entries.splice(0)) disposeTensors(this.tf, entry.tensors);
  }

  private upload(a: Int32Array, b: Int32Array, y: Int32Array): BatchTensors {
    const n = a.length;
    const oneHot = new Float32Array(n * this.classes);
    for (let i = 0; i < n; i++) oneHot[i * this.classes + y[i]] = 1;
    return {
      n,
      a: this.tokenColumn(a),
      b: this.tokenColumn(b),
      targets: this.tf.tensor2d(oneHot, [n, this.classes], 'float32'),
    };
  }

  private tokenColumn(tokens: Int32Array): TokenColumn {
    return this.tf.tensor2d(tokens, [tokens.length, 1], 'int32');
  }
}

function columnsOf(batch: PairBatch): { a: Int32Array; b: Int32Array; y: Int32Array } {
  const n = batch.n;
  if (!(Number.isInteger(n) && n > 0 && batch.a.length >= n && batch.b.length >= n && batch.y.length >= n)) {
    throw new Error(
      `tfjs kernel: expected a batch of n >= 1 examples with a, b, y at least n long, found n = ${n}, ` +
        `lengths a ${batch.a.length}, b ${batch.b.length}, y ${batch.y.length}.`,
    );
  }
  return { a: batch.a.subarray(0, n), b: batch.b.subarray(0, n), y: batch.y.subarray(0, n) };
}

function checkTokens(column: string, values: Int32Array, limit: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v < limit)) {
      throw new Error(
        `tfjs kernel: expected batch.${column}[${i}] in 0..${limit - 1}, found ${v}.\n` +
          `  help: tokens and targets are residues mod p; the kernel was created for this p.`,
      );
    }
  }
}

function sameValues(x: Int32Array, y: Int32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function disposeTensors(tf: typeof Tf, t: BatchTensors): void {
  tf.dispose([t.a, t.b, t.targets]);
}
