/**
 * Entry point of build/kernels-fma.wasm (built with `--enable relaxed-simd`): every export of
 * build/kernels.wasm, compiled from the same sources (where they multiply and add, one relaxed_madd:
 * madd.ts), plus what only this build has. Kept apart from index.ts so that build/kernels.wasm, whose bytes
 * are the kernels' identity in every training key, does not change when this build gains an export.
 */
export * from './index';

/**
 * a·b + c in one relaxed_madd, first lane, float32 and float64: the loader's probe of the multiply-add
 * semantics. With a = 1 + 2^-13, b = 1 - 2^-13, c = -1 the exact product is 1 - 2^-26, so a fused
 * multiply-add answers -2^-26 and a multiply then an add (which rounds the product to 1 first) answers 0.
 * The operands are parameters, so no compiler can fold the result before the machine computes it.
 */
export function probeMultiplyAddF32(a: f32, b: f32, c: f32): f32 {
  return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
}

export function probeMultiplyAddF64(a: f64, b: f64, c: f64): f64 {
  return f64x2.extract_lane(f64x2.relaxed_madd(f64x2.splat(a), f64x2.splat(b), f64x2.splat(c)), 0);
}
