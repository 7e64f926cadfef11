/** Validation of a PairBatch shared by the TypeScript kernels. */
import type { PairBatch } from '../contract.ts';

/** Checks a batch against the modulus once per call (cheap next to the step, catches bad splits early). */
export function checkBatch(batch: PairBatch, p: number): void {
  const { n, a, b, y } = batch;
  if (!(n > 0) || a.length < n || b.length < n || y.length < n) {
    throw new Error(
      `batch: expected n > 0 examples with a, b, y of length >= n, found n = ${n}, lengths ${a.length}/${b.length}/${y.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!(a[i] >= 0 && a[i] < p && b[i] >= 0 && b[i] < p && y[i] >= 0 && y[i] < p)) {
      throw new Error(`batch: example ${i} = (${a[i]}, ${b[i]}) -> ${y[i]} is out of range for p = ${p}: tokens and targets lie in 0..p-1`);
    }
  }
}
