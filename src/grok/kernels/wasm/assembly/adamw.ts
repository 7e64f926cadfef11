/**
 * AdamW on one tensor, bit-identical to src/grok/train/adamw.ts: every value is computed in double
 * with the same operations in the same order (JavaScript evaluates left to right and never fuses a
 * multiply-add; neither does wasm), and float32 tensors round once on every store, as a Float32Array
 * store does. So a kernel's optimizer step may run here, inside the module, with identical results:
 *
 *   m = beta1 m + (1 - beta1) g
 *   v = beta2 v + (1 - beta2) g g                      ((1 - beta2) g) g, as written in adamw.ts
 *   P = P - (stepSize m) / (sqrt(v inverseC2) + eps)   m, v as stored (rounded for float32);
 *                                                      stepSize = lr / c1 and inverseC2 = 1 / c2,
 *                                                      once per step (kernels/adamw-settings.ts)
 *   P = P - decay P                                    decayed tensors only, on the stored P
 */

/** Rounds two doubles to float32 and back (what storing to and reading from a Float32Array does). */
@inline
function roundToFloat32(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

/** One AdamW update of `count` elements; T is the storage type (f32 or f64), the arithmetic is double. */
export function adamwTensor<T>(param: usize, grad: usize, m: usize, v: usize, count: i32,
  beta1: f64, beta2: f64, eps: f64, stepSize: f64, inverseC2: f64, decay: f64): void {
  const f32 = sizeof<T>() == 4;
  const s = <usize>sizeof<T>();
  const vstep = f64x2.splat(stepSize);
  const vinv2 = f64x2.splat(inverseC2);
  const vb1 = f64x2.splat(beta1);
  const vb2 = f64x2.splat(beta2);
  const v1b1 = f64x2.splat(1 - beta1);
  const v1b2 = f64x2.splat(1 - beta2);
  const veps = f64x2.splat(eps);
  const vdecay = f64x2.splat(decay);
  const pairs = count >> 1;
  for (let i = 0; i < pairs; i++) {
    const off = <usize>(i << 1) * s;
    let pv: v128, g: v128, mv: v128, vv: v128;
    if (f32) {
      pv = f64x2.promote_low_f32x4(v128.load64_zero(param + off));
      g = f64x2.promote_low_f32x4(v128.load64_zero(grad + off));
      mv = f64x2.promote_low_f32x4(v128.load64_zero(m + off));
      vv = f64x2.promote_low_f32x4(v128.load64_zero(v + off));
    } else {
      pv = v128.load(param + off);
      g = v128.load(grad + off);
      mv = v128.load(m + off);
      vv = v128.load(v + off);
    }
    let m1 = f64x2.add(f64x2.mul(vb1, mv), f64x2.mul(v1b1, g));
    let v1 = f64x2.add(f64x2.mul(vb2, vv), f64x2.mul(f64x2.mul(v1b2, g), g));
    if (f32) {
      m1 = roundToFloat32(m1);
      v1 = roundToFloat32(v1);
    }
    let p1 = f64x2.sub(pv, f64x2.div(f64x2.mul(vstep, m1), f64x2.add(f64x2.sqrt(f64x2.mul(v1, vinv2)), veps)));
    if (f32) p1 = roundToFloat32(p1);
    if (decay != 0) p1 = f64x2.sub(p1, f64x2.mul(vdecay, p1));
    if (f32) {
      v128.store64_lane(m + off, f32x4.demote_f64x2_zero(m1), 0);
      v128.store64_lane(v + off, f32x4.demote_f64x2_zero(v1), 0);
      v128.store64_lane(param + off, f32x4.demote_f64x2_zero(p1), 0);
    } else {
      v128.store(m + off, m1);
      v128.store(v + off, v1);
      v128.store(param + off, p1);
    }
  }
  if (count & 1) {
    // the odd last element: the same double arithmetic, one lane
    const off = <usize>(count - 1) * s;
    const g = <f64>load<T>(grad + off);
    const m1 = <T>(beta1 * <f64>load<T>(m + off) + (1 - beta1) * g);
    const v1 = <T>(beta2 * <f64>load<T>(v + off) + (1 - beta2) * g * g);
    store<T>(m + off, m1);
    store<T>(v + off, v1);
    let p1 = <T>(<f64>load<T>(param + off) - (stepSize * <f64>m1) / (Math.sqrt(<f64>v1 * inverseC2) + eps));
    if (decay != 0) p1 = <T>(<f64>p1 - decay * <f64>p1);
    store<T>(param + off, p1);
  }
}
