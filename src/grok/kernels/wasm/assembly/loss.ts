/**
 * The loss on rows of logits and its gradient, in place, for T = f32 or f64: cross-entropy or MSE of
 * z / tau, the gradient of the MEAN loss over the whole batch (scale = n tau). Shared by the models.
 * Rows are padded to whole SIMD vectors; padding columns hold exact zeros on entry and on exit.
 */
import { exp32, exp64 } from './exp';
import { log64 } from './log';

@inline
function expLanes<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return exp32(x);
  return exp64(x);
}

@inline
function horizontalMax<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    const a = max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1));
    const b = max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3));
    return <T>max<f32>(a, b);
  }
  return <T>max<f64>(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/**
 * Cross-entropy of m rows of logits (row stride `padded`, `classes` real columns, the padding lanes marked
 * by `lastMask`, the lane mask of the last vector), seen as z / tau: replaces each row by d(mean loss)/dz and
 * returns `total` plus -log softmax(z / tau)[y] of each row, added row by row (so a batch's loss is one
 * sequential sum whatever the blocking). `targets` holds the m class indices,
 * `stats` 16 bytes of scratch per row. Each row's normaliser is summed in class order in
 * T, as the TypeScript kernels do, so a float32 sum rounds to exactly 1 (softmax collapse: zero gradient
 * on the correct class) under the same condition. Those sums are sequential chains; four rows' chains
 * run interleaved so that the adds overlap instead of waiting on each other (each sum keeps its order).
 */
export function crossEntropyRows<T>(z: usize, m: i32, classes: i32, padded: i32, targets: usize, lastMask: usize, stats: usize, tau: T, scale: T, total: f64): f64 {
  const s = <usize>sizeof<T>();
  let lossTotal = total;
  const rowBytes = <usize>padded * s;
  const mask = v128.load(lastMask);
  const negInf = v128.splat<T>(<T>-Infinity);
  const vt = v128.splat<T>(tau);
  // z / tau, the row maximum, e = exp(s - max) (zero in the padding lanes)
  for (let r = 0; r < m; r++) {
    const row = z + <usize>r * rowBytes;
    const end = row + rowBytes;
    const last = end - 16;
    if (tau != <T>1) for (let q = row; q < end; q += 16) v128.store(q, v128.div<T>(v128.load(q), vt));
    let vm = negInf;
    for (let q = row; q < last; q += 16) vm = v128.max<T>(vm, v128.load(q));
    vm = v128.max<T>(vm, v128.bitselect(v128.load(last), negInf, mask));
    const rowMax = horizontalMax<T>(vm);
    const y = load<i32>(targets + <usize>r * 4);
    store<f64>(stats + <usize>r * 16, <f64>load<T>(row + <usize>y * s) - <f64>rowMax);
    const vmax = v128.splat<T>(rowMax);
    for (let q = row; q < last; q += 16) v128.store(q, expLanes<T>(v128.sub<T>(v128.load(q), vmax)));
    v128.store(last, v128.and(expLanes<T>(v128.sub<T>(v128.load(last), vmax)), mask));
  }
  // normalisers, in class order, four rows at a time
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const row = z + <usize>r * rowBytes;
    let s0: T = 0;
    let s1: T = 0;
    let s2: T = 0;
    let s3: T = 0;
    for (let q = row, end = row + <usize>classes * s; q < end; q += s) {
      s0 += load<T>(q);
      s1 += load<T>(q + rowBytes);
      s2 += load<T>(q + 2 * rowBytes);
      s3 += load<T>(q + 3 * rowBytes);
    }
    store<f64>(stats + <usize>r * 16 + 8, <f64>s0);
    store<f64>(stats + <usize>(r + 1) * 16 + 8, <f64>s1);
    store<f64>(stats + <usize>(r + 2) * 16 + 8, <f64>s2);
    store<f64>(stats + <usize>(r + 3) * 16 + 8, <f64>s3);
  }
  for (; r < m; r++) {
    const row = z + <usize>r * rowBytes;
    let s0: T = 0;
    for (let q = row, end = row + <usize>classes * s; q < end; q += s) s0 += load<T>(q);
    store<f64>(stats + <usize>r * 16 + 8, <f64>s0);
  }
  // dz_k = e_k / (sum n tau) for the other classes (one multiply per lane); the target's own entry is
  // (e_y / sum - 1) / (n tau), so a probability that rounds to exactly 1 gives exactly 0.
  for (let r = 0; r < m; r++) {
    const row = z + <usize>r * rowBytes;
    const end = row + rowBytes;
    const y = load<i32>(targets + <usize>r * 4);
    const shiftedTarget = load<f64>(stats + <usize>r * 16);
    const sum = <T>load<f64>(stats + <usize>r * 16 + 8);
    const inv = v128.splat<T>(<T>1 / (sum * scale));
    const at = row + <usize>y * s;
    const ey = load<T>(at);
    for (let q = row; q < end; q += 16) v128.store(q, v128.mul<T>(v128.load(q), inv));
    store<T>(at, (ey / sum - <T>1) / scale);
    lossTotal += log64(<f64>sum) - shiftedTarget;
  }
  return lossTotal;
}

/**
 * MSE of m rows: returns `total` plus, row by row, sum_k (z_k / tau - onehot_k)^2 (each accumulated in
 * double, in a fixed lane order) and leaves 2 (z / tau - onehot) / (n tau) in place (scale = n tau).
 */
export function squaredErrorRows<T>(z: usize, m: i32, padded: i32, targets: usize, tau: T, scale: T, total: f64): f64 {
  const s = <usize>sizeof<T>();
  let lossTotal = total;
  const rowBytes = <usize>padded * s;
  const vt = v128.splat<T>(tau);
  const two = v128.splat<T>(<T>2);
  const vscale = v128.splat<T>(scale);
  for (let r = 0; r < m; r++) {
    const row = z + <usize>r * rowBytes;
    const end = row + rowBytes;
    if (tau != <T>1) for (let q = row; q < end; q += 16) v128.store(q, v128.div<T>(v128.load(q), vt));
    const at = row + <usize>load<i32>(targets + <usize>r * 4) * s;
    store<T>(at, load<T>(at) - <T>1);
    // padding lanes hold exact zeros and add nothing
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    for (let q = row; q < end; q += 16) {
      const d = v128.load(q);
      if (sizeof<T>() == 4) {
        const lo = f64x2.promote_low_f32x4(d);
        const hi = f64x2.promote_low_f32x4(i64x2.shuffle(d, d, 1, 0));
        acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
        acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
      } else {
        acc0 = f64x2.add(acc0, f64x2.mul(d, d));
      }
      v128.store(q, v128.div<T>(v128.mul<T>(two, d), vscale));
    }
    const acc = f64x2.add(acc0, acc1);
    lossTotal += f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  return lossTotal;
}

