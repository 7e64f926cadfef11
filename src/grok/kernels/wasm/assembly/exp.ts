/**
 * e^x on SIMD lanes, from + - * / and exact bit manipulation only, so every machine returns the same bits
 * (V8 never contracts separate mul and add instructions; the multiply-adds of kernels-fma.wasm round once
 * where the machine fuses, and that build's identity records which, see ../fma.ts).
 *
 * float64: fdlibm's algorithm (the one src/grok/math.ts uses): x = k ln2 + r with ln2 in two parts,
 *   exp(r) = 1 + r + r c / (2 - c), c = r - r^2 (P1 + r^2 (P2 + ...)), within 1 ulp.
 * float32: the Cephes expf polynomial in float32 arithmetic, within about 1 ulp of float32.
 * Both scale by 2^k as two exact factors 2^(k>>1) 2^(k - k>>1), so subnormal results round once.
 * The float32 and float64 functions are deliberate pairs of the same shape: AssemblyScript has no generic
 * over SIMD lane types, so each width is written out.
 */

import { madd, muladd } from './madd';
import { f32k, f64k } from './splat';

// Vector constants are data-segment addresses read by f32k / f64k (./splat.ts says why).
const ONE_D: usize = memory.data<f64>([1]);
const TWO_D: usize = memory.data<f64>([2]);
const EXPONENT_BIAS_D: usize = memory.data<i64>([1023]);
const ONE_F: usize = memory.data<f32>([1]);
const EXPONENT_BIAS_F: usize = memory.data<i32>([127]);
const INT_MAGIC_F: usize = memory.data<f32>([12582912]); // 1.5 * 2^23

// ---------------------------------------------------------------- float64 x 2
const LN2_HI: usize = memory.data<f64>([6.93147180369123816490e-1]); // low 32 bits clear: k * LN2_HI is exact
const LN2_LO: usize = memory.data<f64>([1.90821492927058770002e-10]);
const INV_LN2: usize = memory.data<f64>([1.44269504088896338700e0]);
const P1: usize = memory.data<f64>([1.66666666666666019037e-1]);
const P2: usize = memory.data<f64>([-2.77777777770155933842e-3]);
const P3: usize = memory.data<f64>([6.61375632143793436117e-5]);
const P4: usize = memory.data<f64>([-1.65339022054652515390e-6]);
const P5: usize = memory.data<f64>([4.13813679705723846039e-8]);
// Beyond these the result is +inf or 0 anyway; clamping keeps k in the range the two-factor scaling covers.
const EXP64_MAX: usize = memory.data<f64>([710]);
const EXP64_MIN: usize = memory.data<f64>([-746]);
// 1.5 * 2^52: adding it to an integer-valued double puts the integer in the low significand bits.
const INT_MAGIC: usize = memory.data<f64>([6755399441055744.0]);

/**
 * Integer-valued doubles k (|k| < 2^51) as 64-bit integers: k + 1.5 * 2^52 holds k in its low significand
 * bits, exactly, so subtracting the bit patterns yields it (2 instructions where trunc_sat's NaN and
 * saturation handling costs V8 about 7).
 */
@inline
function integerOf64(k: v128): v128 {
  const magic = f64k(INT_MAGIC);
  return i64x2.sub(f64x2.add(k, magic), magic);
}

/** 2^ki for 64-bit integers ki in [-1022, 1023], built in the exponent field: exact. */
@inline
function powerOfTwo64(ki: v128): v128 {
  return i64x2.shl(i64x2.add(ki, v128.load_splat<i64>(EXPONENT_BIAS_D)), 52);
}

/** 2^k for integer-valued doubles k in [-2044, 2046], as two exact factors returned by their product's use. */
@inline
function scaleByPowerOfTwo64(y: v128, k: v128): v128 {
  const ki = integerOf64(k);
  const k1 = i64x2.shr_s(ki, 1);
  const k2 = i64x2.sub(ki, k1);
  return f64x2.mul(f64x2.mul(y, powerOfTwo64(k1)), powerOfTwo64(k2));
}

/** e^x lane-wise for two doubles. */
@inline
export function exp64(x0: v128): v128 {
  const x = f64x2.pmax(f64x2.pmin(x0, f64k(EXP64_MAX)), f64k(EXP64_MIN));
  const k = f64x2.nearest(f64x2.mul(x, f64k(INV_LN2)));
  // NaN in, NaN out: pmin/pmax keep a NaN first operand, and the arithmetic carries it.
  return scaleByPowerOfTwo64(expReduced64(x, k), k);
}

/**
 * e^x for x in [-708, 0] (two doubles), where the result is a normal double, so 2^k is one exact factor
 * and no clamp is needed: GELU's exp(-a^2/2), whose a gelu.ts bounds. The same bits as exp64 there.
 */
@inline
export function expNormalNonPositive64(x: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(x, f64k(INV_LN2)));
  return f64x2.mul(expReduced64(x, k), powerOfTwo64(integerOf64(k)));
}

/** e^(x - k ln2) for integer-valued k = nearest(x / ln2): fdlibm's reduction and polynomial. */
@inline
function expReduced64(x: v128, k: v128): v128 {
  const hi = f64x2.sub(x, f64x2.mul(k, f64k(LN2_HI)));
  const lo = f64x2.mul(k, f64k(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  // the polynomial's Horner steps: one fused multiply-add each in build/kernels-fma.wasm (madd.ts)
  let q = madd<f64>(f64k(P4), t, f64k(P5));
  q = madd<f64>(f64k(P3), t, q);
  q = madd<f64>(f64k(P2), t, q);
  q = madd<f64>(f64k(P1), t, q);
  const c = f64x2.sub(r, f64x2.mul(t, q));
  const rc = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64k(TWO_D), c));
  return f64x2.sub(f64k(ONE_D), f64x2.sub(f64x2.sub(lo, rc), hi));
}

// ---------------------------------------------------------------- float32 x 4
const LOG2E_F: usize = memory.data<f32>([1.44269504088896341]);
const C1_F: usize = memory.data<f32>([0.693359375]); // 355/512: k * C1 is exact for the k that occur
const C2_F: usize = memory.data<f32>([-2.12194440e-4]);
const C1_NEG_F: usize = memory.data<f32>([-0.693359375]);
const C2_NEG_F: usize = memory.data<f32>([2.12194440e-4]);
const Q0_F: usize = memory.data<f32>([1.9875691500e-4]);
const Q1_F: usize = memory.data<f32>([1.3981999507e-3]);
const Q2_F: usize = memory.data<f32>([8.3334519073e-3]);
const Q3_F: usize = memory.data<f32>([4.1665795894e-2]);
const Q4_F: usize = memory.data<f32>([1.6666665459e-1]);
const Q5_F: usize = memory.data<f32>([5.0000001201e-1]);
const EXP32_MAX: usize = memory.data<f32>([89]);
const EXP32_MIN: usize = memory.data<f32>([-104]);

/** Integer-valued floats k (|k| < 2^22) as 32-bit integers, by integerOf64's trick with 1.5 * 2^23. */
@inline
function integerOf32(k: v128): v128 {
  return i32x4.sub(f32x4.add(k, f32k(INT_MAGIC_F)), f32k(INT_MAGIC_F));
}

/** 2^ki for 32-bit integers ki in [-126, 127], built in the exponent field: exact. */
@inline
function powerOfTwo32(ki: v128): v128 {
  return i32x4.shl(i32x4.add(ki, v128.load_splat<i32>(EXPONENT_BIAS_F)), 23);
}

/** 2^k for integer-valued floats k in [-252, 254], as two exact factors (scaleByPowerOfTwo64's shape). */
@inline
function scaleByPowerOfTwo32(y: v128, k: v128): v128 {
  const ki = integerOf32(k);
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  return f32x4.mul(f32x4.mul(y, powerOfTwo32(k1)), powerOfTwo32(k2));
}

/** e^x lane-wise for four floats, in float32 arithmetic. */
@inline
export function exp32(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, f32k(EXP32_MAX)), f32k(EXP32_MIN));
  const k = f32x4.nearest(f32x4.mul(x, f32k(LOG2E_F)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, f32k(C1_F))), f32x4.mul(k, f32k(C2_F)));
  return scaleByPowerOfTwo32(expPolynomial32(r), k); // k is an integer in [-150, 129]
}

/** 1 + r + r^2 (Q5 + r (Q4 + ...)): Cephes' expf polynomial on the reduced argument. */
@inline
function expPolynomial32(r: v128): v128 {
  const z = f32x4.mul(r, r);
  // the polynomial's Horner steps: one fused multiply-add each in build/kernels-fma.wasm (madd.ts)
  let q = muladd<f32>(f32k(Q0_F), r, f32k(Q1_F));
  q = muladd<f32>(q, r, f32k(Q2_F));
  q = muladd<f32>(q, r, f32k(Q3_F));
  q = muladd<f32>(q, r, f32k(Q4_F));
  q = muladd<f32>(q, r, f32k(Q5_F));
  return f32x4.add(muladd<f32>(q, z, r), f32k(ONE_F));
}

/**
 * e^x for x in [-87, 0] (four floats), where the result is a normal float32, so 2^k is one exact factor
 * and no clamp is needed: GELU's exp(-a^2/2), whose a gelu.ts bounds. The reduction runs on multiply-adds.
 */
@inline
export function expNormalNonPositive32(x: v128): v128 {
  const k = f32x4.nearest(f32x4.mul(x, f32k(LOG2E_F)));
  const r = muladd<f32>(k, f32k(C2_NEG_F), muladd<f32>(k, f32k(C1_NEG_F), x));
  return f32x4.mul(expPolynomial32(r), powerOfTwo32(integerOf32(k)));
}
