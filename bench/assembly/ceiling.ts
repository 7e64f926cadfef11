/**
 * The wasm SIMD ceiling: the fastest rate at which this engine retires separate multiplies and adds on
 * 128-bit lanes (no FMA, as in build/kernels.wasm), for the benchmark's "% of wasm ceiling" column; and,
 * compiled again with `--enable relaxed-simd` (ASC_FEATURE_RELAXED_SIMD true), the FMA ceiling: the rate
 * of relaxed_madd, as in build/kernels-fma.wasm, for the "% of FMA ceiling" column.
 *
 * Each loop runs `pairs` independent chains, every chain one multiply and one add per iteration
 * (prod = prod * c; acc = acc + prod): a multiply and an add per lane, the same two operations as one
 * step of a gemm sum, with no loads, so nothing but the arithmetic units and the register file limits it.
 * c is a parameter (the caller passes 1), so the compiler cannot fold or hoist the products. The variants
 * differ in how many chains hide the latencies within the 15 registers V8 hands out; the benchmark keeps
 * the fastest. Each returns a lane sum so the work is observable.
 */

@inline
function pair<T>(prod: v128, c: v128): v128 {
  return v128.mul<T>(prod, c);
}

// chains6 and chains7 repeat each other line for line on purpose (a deliberate mirror): every chain must be
// a v128 local of its own, which the engine keeps in a register; one loop over an array of chains would
// keep them in memory and measure loads and stores instead of the arithmetic units.
function chains6<T>(iterations: i32, c: T): f64 {
  const cv = v128.splat<T>(c);
  let p0 = v128.splat<T>(<T>1e-7), p1 = v128.splat<T>(<T>2e-7), p2 = v128.splat<T>(<T>3e-7);
  let p3 = v128.splat<T>(<T>4e-7), p4 = v128.splat<T>(<T>5e-7), p5 = v128.splat<T>(<T>6e-7);
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  for (let i = 0; i < iterations; i++) {
    p0 = pair<T>(p0, cv); a0 = v128.add<T>(a0, p0);
    p1 = pair<T>(p1, cv); a1 = v128.add<T>(a1, p1);
    p2 = pair<T>(p2, cv); a2 = v128.add<T>(a2, p2);
    p3 = pair<T>(p3, cv); a3 = v128.add<T>(a3, p3);
    p4 = pair<T>(p4, cv); a4 = v128.add<T>(a4, p4);
    p5 = pair<T>(p5, cv); a5 = v128.add<T>(a5, p5);
  }
  const s = v128.add<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)), v128.add<T>(a4, a5));
  return sizeof<T>() == 4 ? <f64>f32x4.extract_lane(s, 0) : f64x2.extract_lane(s, 0);
}

function chains7<T>(iterations: i32, c: T): f64 {
  const cv = v128.splat<T>(c);
  let p0 = v128.splat<T>(<T>1e-7), p1 = v128.splat<T>(<T>2e-7), p2 = v128.splat<T>(<T>3e-7);
  let p3 = v128.splat<T>(<T>4e-7), p4 = v128.splat<T>(<T>5e-7), p5 = v128.splat<T>(<T>6e-7);
  let p6 = v128.splat<T>(<T>7e-7);
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
  for (let i = 0; i < iterations; i++) {
    p0 = pair<T>(p0, cv); a0 = v128.add<T>(a0, p0);
    p1 = pair<T>(p1, cv); a1 = v128.add<T>(a1, p1);
    p2 = pair<T>(p2, cv); a2 = v128.add<T>(a2, p2);
    p3 = pair<T>(p3, cv); a3 = v128.add<T>(a3, p3);
    p4 = pair<T>(p4, cv); a4 = v128.add<T>(a4, p4);
    p5 = pair<T>(p5, cv); a5 = v128.add<T>(a5, p5);
    p6 = pair<T>(p6, cv); a6 = v128.add<T>(a6, p6);
  }
  const s = v128.add<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)), v128.add<T>(v128.add<T>(a4, a5), a6));
  return sizeof<T>() == 4 ? <f64>f32x4.extract_lane(s, 0) : f64x2.extract_lane(s, 0);
}

// The gemm micro-kernel's register shape without its loads: 4 x 2 accumulators, each += s_i * b_j; the
// multiplicands are parameters, so the products are recomputed each iteration (checked: a hoisted product
// would show as twice the other variants' rate).
function tile4x2<T>(iterations: i32, c: T): f64 {
  const s0 = v128.splat<T>(c), s1 = v128.splat<T>(c * <T>0.5), s2 = v128.splat<T>(c * <T>0.25), s3 = v128.splat<T>(c * <T>0.125);
  const b0 = v128.splat<T>(<T>1e-7), b1 = v128.splat<T>(<T>2e-7);
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let i = 0; i < iterations; i++) {
    a0 = v128.add<T>(a0, v128.mul<T>(s0, b0)); a1 = v128.add<T>(a1, v128.mul<T>(s0, b1));
    a2 = v128.add<T>(a2, v128.mul<T>(s1, b0)); a3 = v128.add<T>(a3, v128.mul<T>(s1, b1));
    a4 = v128.add<T>(a4, v128.mul<T>(s2, b0)); a5 = v128.add<T>(a5, v128.mul<T>(s2, b1));
    a6 = v128.add<T>(a6, v128.mul<T>(s3, b0)); a7 = v128.add<T>(a7, v128.mul<T>(s3, b1));
  }
  const s = v128.add<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)), v128.add<T>(v128.add<T>(a4, a5), v128.add<T>(a6, a7)));
  return sizeof<T>() == 4 ? <f64>f32x4.extract_lane(s, 0) : f64x2.extract_lane(s, 0);
}

// The FMA build's shapes: every multiply-add one relaxed_madd (a fused multiply-add on an FMA machine).
// fmaTile4x2 is tile4x2's registers; fmaChains12 is twelve independent accumulators, enough to cover
// the latency of a fused multiply-add (4 cycles) on two pipes. Compiled to a plain multiply and add in the
// build without relaxed SIMD (never measured there: the benchmark asks for variants 3 and 4 only in the
// FMA build).
@inline
function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, acc);
  return v128.add<T>(acc, v128.mul<T>(a, b));
}

function fmaTile4x2<T>(iterations: i32, c: T): f64 {
  const s0 = v128.splat<T>(c), s1 = v128.splat<T>(c * <T>0.5), s2 = v128.splat<T>(c * <T>0.25), s3 = v128.splat<T>(c * <T>0.125);
  const b0 = v128.splat<T>(<T>1e-7), b1 = v128.splat<T>(<T>2e-7);
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let i = 0; i < iterations; i++) {
    a0 = madd<T>(a0, s0, b0); a1 = madd<T>(a1, s0, b1);
    a2 = madd<T>(a2, s1, b0); a3 = madd<T>(a3, s1, b1);
    a4 = madd<T>(a4, s2, b0); a5 = madd<T>(a5, s2, b1);
    a6 = madd<T>(a6, s3, b0); a7 = madd<T>(a7, s3, b1);
  }
  const s = v128.add<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)), v128.add<T>(v128.add<T>(a4, a5), v128.add<T>(a6, a7)));
  return sizeof<T>() == 4 ? <f64>f32x4.extract_lane(s, 0) : f64x2.extract_lane(s, 0);
}

function fmaChains12<T>(iterations: i32, c: T): f64 {
  const s0 = v128.splat<T>(c);
  const b0 = v128.splat<T>(<T>1e-7);
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  let a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  for (let i = 0; i < iterations; i++) {
    a0 = madd<T>(a0, s0, b0); a1 = madd<T>(a1, s0, b0); a2 = madd<T>(a2, s0, b0);
    a3 = madd<T>(a3, s0, b0); a4 = madd<T>(a4, s0, b0); a5 = madd<T>(a5, s0, b0);
    a6 = madd<T>(a6, s0, b0); a7 = madd<T>(a7, s0, b0); a8 = madd<T>(a8, s0, b0);
    a9 = madd<T>(a9, s0, b0); a10 = madd<T>(a10, s0, b0); a11 = madd<T>(a11, s0, b0);
  }
  const s = v128.add<T>(
    v128.add<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)), v128.add<T>(v128.add<T>(a4, a5), v128.add<T>(a6, a7))),
    v128.add<T>(v128.add<T>(a8, a9), v128.add<T>(a10, a11)),
  );
  return sizeof<T>() == 4 ? <f64>f32x4.extract_lane(s, 0) : f64x2.extract_lane(s, 0);
}

/** Multiply+add pairs per iteration of each variant, in export order (the benchmark's FLOP count). */
export function pairsOf(variant: i32): i32 {
  return variant == 0 ? 6 : variant == 1 ? 7 : variant == 2 ? 8 : variant == 3 ? 8 : 12;
}

export function ceilingF32(variant: i32, iterations: i32, c: f32): f64 {
  if (variant == 3) return fmaTile4x2<f32>(iterations, c);
  if (variant == 4) return fmaChains12<f32>(iterations, c);
  return variant == 0 ? chains6<f32>(iterations, c) : variant == 1 ? chains7<f32>(iterations, c) : tile4x2<f32>(iterations, c);
}

export function ceilingF64(variant: i32, iterations: i32, c: f64): f64 {
  if (variant == 3) return fmaTile4x2<f64>(iterations, c);
  if (variant == 4) return fmaChains12<f64>(iterations, c);
  return variant == 0 ? chains6<f64>(iterations, c) : variant == 1 ? chains7<f64>(iterations, c) : tile4x2<f64>(iterations, c);
}
