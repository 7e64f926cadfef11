/**
 * The kernels' multiply-add, in the two forms the sources use: madd(acc, a, b) = acc + a·b and
 * muladd(a, b, c) = a·b + c.
 *
 * Two binaries are built from these sources (scripts/build-wasm.mjs): build/kernels.wasm without
 * relaxed SIMD, where each is a multiply then an add, rounded twice, and build/kernels-fma.wasm with
 * `--enable relaxed-simd`, where each is one relaxed_madd, which V8 compiles to a fused multiply-add (one
 * rounding) on a CPU that has one. ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each build
 * compiles one branch only and build/kernels.wasm holds no relaxed instruction. Every multiply-add of the
 * kernels goes through these two, so where relaxed_madd does not fuse, build/kernels-fma.wasm computes
 * build/kernels.wasm's very bits (test/grok/wasm-fma.test.ts holds both models to it).
 *
 * Which of the two relaxed_madd is (fused or not) differs between machines: the FMA loader probes it and
 * puts the answer in the kernels' identity (src/grok/kernels/wasm/fma.ts).
 */

@inline
export function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, acc);
  return v128.add<T>(acc, v128.mul<T>(a, b));
}

@inline
export function muladd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}
