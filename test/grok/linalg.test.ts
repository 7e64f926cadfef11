import { describe, expect, it } from 'vitest';
import { gemmABt, transpose } from '../../src/grok/kernels/ts/linalg.ts';
import { Rng } from '../../src/grok/random.ts';

describe('gemmABt', () => {
  it('equals the plain sequential sum over k bit for bit, for every shape (edges, K blocks, K = 0)', () => {
    const rng = new Rng(1);
    for (const [m, n, K] of [[7, 5, 300], [1, 1, 1], [3, 4, 128], [10, 9, 129], [4, 7, 0], [13, 6, 257], [6, 8, 1392]]) {
      const A = Float64Array.from({ length: m * K }, () => rng.normal());
      const B = Float64Array.from({ length: n * K }, () => rng.normal());
      const C = new Float64Array(m * n).fill(NaN);
      gemmABt(A, B, C, m, n, K);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
          expect(C[i * n + j], `${m}x${n}x${K} at (${i}, ${j})`).toBe(s);
        }
      }
    }
  });
});

describe('transpose', () => {
  it('moves element (r, c) to (c, r) for shapes that do not fill whole blocks', () => {
    const rows = 45;
    const cols = 70;
    const input = Float64Array.from({ length: rows * cols }, (_, i) => i);
    const out = new Float64Array(rows * cols);
    transpose(input, out, rows, cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expect(out[c * rows + r]).toBe(input[r * cols + c]);
  });
});
