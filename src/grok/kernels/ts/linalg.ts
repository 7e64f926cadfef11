/**
 * Dense linear algebra for the TypeScript kernels, on Float64Array working buffers.
 *
 * Every product is written as C = A B^T with both operands row-major and contiguous along the summed
 * index, so the inner loop walks memory in order. Each output element is one sequential sum over k from
 * k = 0 upward, whatever the blocking: the register blocking (3 rows of A by 4 rows of B, twelve
 * independent accumulators for instruction-level parallelism) and the cache blocking of k change speed,
 * never bits.
 */

/**
 * The summed index is cut into blocks of K_BLOCK so that the rows of B being reused stay in the L1 cache
 * (a long K, such as the batch in dW2 = dZ^T G, would otherwise stream them from L2). Partial sums wait
 * in C as doubles between blocks, so each element is still one sequential sum over k: bits unchanged.
 */
const K_BLOCK = 256;

/** C (m x n) = A (m x K) B^T, B given as n x K. All row-major, contiguous. */
export function gemmABt(
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  m: number,
  n: number,
  K: number,
): void {
  if (K === 0) {
    C.fill(0, 0, m * n);
    return;
  }
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    gemmBlock(A, B, C, m, n, K, k0, k0 + K_BLOCK < K ? k0 + K_BLOCK : K);
  }
}

/** Adds the k0 <= k < k1 part of A B^T to C (to zero when k0 = 0). */
function gemmBlock(
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  m: number,
  n: number,
  K: number,
  k0: number,
  k1: number,
): void {
  const first = k0 === 0;
  let i = 0;
  for (; i + 3 <= m; i += 3) {
    const a0 = i * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      const c0 = i * n + j;
      const c1 = c0 + n;
      const c2 = c1 + n;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      if (!first) {
        s00 = C[c0]; s01 = C[c0 + 1]; s02 = C[c0 + 2]; s03 = C[c0 + 3];
        s10 = C[c1]; s11 = C[c1 + 1]; s12 = C[c1 + 2]; s13 = C[c1 + 3];
        s20 = C[c2]; s21 = C[c2 + 1]; s22 = C[c2 + 2]; s23 = C[c2 + 3];
      }
      for (let k = k0; k < k1; k++) {
        const y0 = B[b0 + k];
        const y1 = B[b1 + k];
        const y2 = B[b2 + k];
        const y3 = B[b3 + k];
        let x = A[a0 + k];
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = A[a1 + k];
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = A[a2 + k];
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
      }
      C[c0] = s00; C[c0 + 1] = s01; C[c0 + 2] = s02; C[c0 + 3] = s03;
      C[c1] = s10; C[c1 + 1] = s11; C[c1 + 2] = s12; C[c1 + 3] = s13;
      C[c2] = s20; C[c2 + 1] = s21; C[c2 + 2] = s22; C[c2 + 3] = s23;
    }
    for (; j < n; j++) {
      const b0 = j * K;
      const c0 = i * n + j;
      let s0 = first ? 0 : C[c0];
      let s1 = first ? 0 : C[c0 + n];
      let s2 = first ? 0 : C[c0 + 2 * n];
      for (let k = k0; k < k1; k++) {
        const y = B[b0 + k];
        s0 += A[a0 + k] * y;
        s1 += A[a1 + k] * y;
        s2 += A[a2 + k] * y;
      }
      C[c0] = s0;
      C[c0 + n] = s1;
      C[c0 + 2 * n] = s2;
    }
  }
  // The rows left over after the 3-row tiles: the same sums, one row at a time. Written out, not shared
  // with the tile above, because the tile's point is its nine accumulators in registers.
  for (; i < m; i++) {
    const a0 = i * K;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      const c = i * n + j;
      let s0 = first ? 0 : C[c];
      let s1 = first ? 0 : C[c + 1];
      let s2 = first ? 0 : C[c + 2];
      let s3 = first ? 0 : C[c + 3];
      for (let k = k0; k < k1; k++) {
        const x = A[a0 + k];
        s0 += x * B[b0 + k];
        s1 += x * B[b1 + k];
        s2 += x * B[b2 + k];
        s3 += x * B[b3 + k];
      }
      C[c] = s0; C[c + 1] = s1; C[c + 2] = s2; C[c + 3] = s3;
    }
    for (; j < n; j++) {
      const b0 = j * K;
      const c = i * n + j;
      let s = first ? 0 : C[c];
      for (let k = k0; k < k1; k++) s += A[a0 + k] * B[b0 + k];
      C[c] = s;
    }
  }
}

/** out (cols x rows) = in (rows x cols)^T, blocked so that both sides stay in cache. */
export function transpose(
  input: Float64Array,
  out: Float64Array,
  rows: number,
  cols: number,
): void {
  const BLOCK = 32;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const c1 = c0 + BLOCK < cols ? c0 + BLOCK : cols;
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = input[base + c];
      }
    }
  }
}

/** Rounds the first `length` values to float32 in place: "stored as float32" for a double buffer. */
export function roundToFloat32(x: Float64Array, length: number): void {
  for (let i = 0; i < length; i++) x[i] = Math.fround(x[i]);
}

/** A Float64Array of at least `length`, reusing `current` when it is large enough (grows, never shrinks). */
export function ensureCapacity(current: Float64Array, length: number): Float64Array {
  return current.length >= length ? current : new Float64Array(length);
}
