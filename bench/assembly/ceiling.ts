/**
 * The wasm SIMD ceiling: the fastest rate at which this engine retires separate multiplies and adds on
 * 128-bit lanes (no FMA: the kernels may not use one), for the benchmark's "% of wasm ceiling" column.
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

/** Multiply+add pairs per iteration of each variant, in export order (the benchmark's FLOP count). */
export function pairsOf(variant: i32): i32 {
  return variant == 0 ? 6 : variant == 1 ? 7 : 8;
}

export function ceilingF32(variant: i32, iterations: i32, c: f32): f64 {
  return variant == 0 ? chains6<f32>(iterations, c) : variant == 1 ? chains7<f32>(iterations, c) : tile4x2<f32>(iterations, c);
}

export function ceilingF64(variant: i32, iterations: i32, c: f64): f64 {
  return variant == 0 ? chains6<f64>(iterations, c) : variant == 1 ? chains7<f64>(iterations, c) : tile4x2<f64>(iterations, c);
}
