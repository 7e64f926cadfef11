/**
 * The modular-addition data set of SPEC section 1: all p^2 pairs (a, b) -> (a + b) mod p; per seed a
 * seeded permutation of the pairs whose first floor(fraction * p^2) entries are the training set, the
 * rest the test set. The split comes from the seed's own 'split' stream, independent of the init stream.
 *
 * Inside each set the pairs are sorted by their index a * p + b: order does not change the full-batch
 * loss beyond summation order (which is then fixed), and sorted tokens keep the kernels' table lookups
 * walking memory in order.
 */
import type { PairBatch } from './kernels/contract.ts';
import { Rng } from './random.ts';

export interface Split {
  readonly p: number;
  readonly seed: number;
  readonly train: PairBatch;
  readonly test: PairBatch;
}

/** The pairs with the given indices (a * p + b), in the given order. */
export function pairsFromIndices(p: number, indices: ArrayLike<number>): PairBatch {
  const n = indices.length;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const idx = indices[i];
    a[i] = Math.floor(idx / p);
    b[i] = idx % p;
    y[i] = (a[i] + b[i]) % p;
  }
  return { n, a, b, y };
}

/** Every pair of the task, in index order (used for the logit-scale measurement over all p^2 pairs). */
export function allPairs(p: number): PairBatch {
  const idx = new Int32Array(p * p);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return pairsFromIndices(p, idx);
}

/** The number of training pairs: floor(fraction * p^2), computed without floating-point surprises. */
export function trainSize(p: number, fraction: number): number {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`trainSize: expected a training fraction in (0, 1), found ${fraction}`);
  // fraction * p^2 can land a hair below an integer (0.4 * 25 = 10 exactly, but 0.3 * 100 = 30.000000000000004):
  // round to 9 decimals first so that exact products are not floored one too low.
  return Math.floor(Math.round(fraction * p * p * 1e9) / 1e9);
}

export function makeSplit(p: number, seed: number, fraction: number): Split {
  if (!Number.isInteger(p) || p < 2) throw new Error(`makeSplit: expected an integer modulus p >= 2, found ${p}`);
  const total = p * p;
  const nTrain = trainSize(p, fraction);
  if (nTrain < 1 || nTrain >= total) {
    throw new Error(`makeSplit: fraction ${fraction} of ${total} pairs gives ${nTrain} training pairs; need between 1 and ${total - 1}`);
  }
  const perm = Rng.derive(seed, 'split').permutation(total);
  const trainIdx = perm.slice(0, nTrain).sort();
  const testIdx = perm.slice(nTrain).sort();
  return { p, seed, train: pairsFromIndices(p, trainIdx), test: pairsFromIndices(p, testIdx) };
}

/** The per-seed splits as a JSON-able artifact (the data stage writes it; cells train on exactly these pairs). */
export interface SplitsFile {
  p: number;
  trainFraction: number;
  /** Training pairs per seed: floor(trainFraction * p^2). */
  nTrain: number;
  /** Per seed, its training pairs as sorted indices a * p + b; every other pair is its test set. */
  seeds: Array<{ seed: number; train: number[] }>;
}

export function splitsFile(p: number, seeds: readonly number[], fraction: number): SplitsFile {
  return {
    p,
    trainFraction: fraction,
    nTrain: trainSize(p, fraction),
    seeds: seeds.map((seed) => {
      const { train } = makeSplit(p, seed, fraction);
      return { seed, train: Array.from(train.a, (a, i) => a * p + train.b[i]) };
    }),
  };
}

/** The split of one seed from a SplitsFile, checked: indices in range, sorted, distinct, the expected count. */
export function splitFromFile(file: SplitsFile, seed: number): Split {
  const where = `splits file (p = ${file.p}, fraction ${file.trainFraction})`;
  const entry = file.seeds.find((s) => s.seed === seed);
  if (!entry) {
    throw new Error(`${where}: expected a split for seed ${seed}, found seeds [${file.seeds.map((s) => s.seed).join(', ')}]; regenerate the data stage with enough seeds`);
  }
  const p = file.p;
  const total = p * p;
  const train = entry.train;
  if (train.length !== file.nTrain) throw new Error(`${where}: seed ${seed} has ${train.length} training pairs, expected ${file.nTrain}`);
  const member = new Uint8Array(total);
  for (let i = 0; i < train.length; i++) {
    const idx = train[i];
    if (!Number.isInteger(idx) || idx < 0 || idx >= total || (i > 0 && idx <= train[i - 1])) {
      throw new Error(`${where}: seed ${seed}: training index ${idx} at position ${i} is out of range or not strictly increasing`);
    }
    member[idx] = 1;
  }
  const test: number[] = [];
  for (let idx = 0; idx < total; idx++) if (!member[idx]) test.push(idx);
  return { p, seed, train: pairsFromIndices(p, train), test: pairsFromIndices(p, test) };
}

