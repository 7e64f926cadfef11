/**
 * dst (ncols x nrows) = src (nrows x ncols)^T for T = f32 or f64, both row-major and dense, in square
 * blocks of one SIMD vector's lanes (4 x 4 floats, 2 x 2 doubles): each block is read as whole rows,
 * shuffled in registers and written as whole rows, where an element-by-element transpose writes every
 * element to another cache line (the per-step transposes of the weight matrices were 3-5% of a step,
 * measured with bench/kernel-profile.ts). Only data moves, so the result is the same bits either way; the
 * rows and columns beyond the last whole block go element by element.
 */

export function transpose<T>(src: usize, nrows: i32, ncols: i32, dst: usize): void {
  const s = <usize>sizeof<T>();
  const lanes = <i32>(<usize>16 / s);
  const wholeRows = nrows - (nrows % lanes);
  const wholeCols = ncols - (ncols % lanes);
  const srcRow = <usize>ncols * s;
  const dstRow = <usize>nrows * s;
  for (let i = 0; i < wholeRows; i += lanes) {
    const from = src + <usize>i * srcRow;
    const to = dst + <usize>i * s;
    for (let j = 0; j < wholeCols; j += lanes) {
      const a = from + <usize>j * s;
      const b = to + <usize>j * dstRow;
      if (sizeof<T>() == 4) {
        const r0 = v128.load(a);
        const r1 = v128.load(a + srcRow);
        const r2 = v128.load(a + 2 * srcRow);
        const r3 = v128.load(a + 3 * srcRow);
        const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
        const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
        const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
        const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
        v128.store(b, v128.shuffle<i64>(t0, t2, 0, 2));
        v128.store(b + dstRow, v128.shuffle<i64>(t0, t2, 1, 3));
        v128.store(b + 2 * dstRow, v128.shuffle<i64>(t1, t3, 0, 2));
        v128.store(b + 3 * dstRow, v128.shuffle<i64>(t1, t3, 1, 3));
      } else {
        const r0 = v128.load(a);
        const r1 = v128.load(a + srcRow);
        v128.store(b, v128.shuffle<i64>(r0, r1, 0, 2));
        v128.store(b + dstRow, v128.shuffle<i64>(r0, r1, 1, 3));
      }
    }
  }
  // the last columns of the whole blocks of rows, then the last rows
  for (let i = 0; i < wholeRows; i++) {
    for (let j = wholeCols; j < ncols; j++) store<T>(dst + <usize>j * dstRow + <usize>i * s, load<T>(src + <usize>i * srcRow + <usize>j * s));
  }
  for (let i = wholeRows; i < nrows; i++) {
    for (let j = 0; j < ncols; j++) store<T>(dst + <usize>j * dstRow + <usize>i * s, load<T>(src + <usize>i * srcRow + <usize>j * s));
  }
}
