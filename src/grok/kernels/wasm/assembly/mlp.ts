/**
 * The paper's MLP, forward and backward, fused per block of examples, for T = f32 or f64.
 *
 *   AB = E [W1_top | W1_bottom] (+ b1 on the top half)         once per step, p x 512
 *   per block of examples (64 by default):
 *     h = AB[a, :256] + AB[b, 256:],  g = GELU(h),  g' = GELU'(h)          block x 256
 *     z = g W2 + b2                                                         block x P (P: p padded)
 *     dz = d(mean loss)/dz  (cross-entropy or MSE of z / tau), in place of z
 *     dW2 += g^T dz,  db2 += column sums of dz
 *     dh = (dz W2^T) * g'
 *     db1 += dh rows;  dAB[a, :256] += dh;  dAB[b, 256:] += dh              the per-token scatter
 *   once per step: dW1_top = E^T dAB[:, :256], dW1_bottom = E^T dAB[:, 256:],
 *                  dE = dAB [W1_top | W1_bottom]^T
 *
 * Blocking keeps the working set (g, g', dh, z for one block, W2, dW2) in the L2 cache instead of
 * streaming n x 256 and n x p matrices through memory. Every gradient element is still a sum over the
 * examples in their batch order (the gemm adds k in increasing order, dW2 and db2 carry across blocks), so
 * the result does not depend on the block size or on how the caller chunks the batch.
 *
 * Layout: one instance of this module serves one kernel; mlpLayout places every buffer in linear memory
 * once (the caller grows the memory before making any typed-array view). Padded columns of W2, b2 and z
 * are zero and stay zero, so the SIMD loops never need a tail.
 */
import { gemm, GEMM_PACK_BYTES, INIT_BIAS, INIT_LOAD, INIT_ZERO, setGemmPackBuffer } from './gemm';
import { geluInPlace } from './gelu';
import { crossEntropyRows, squaredErrorRows } from './loss';
import { transpose } from './transpose';

const EMBED = 128;
const HIDDEN = 256;
const WIDE = 512; // [top | bottom] halves side by side

// Slots the loader reads with mlpPointer; order is part of the loader contract (index.ts mirrors it).
export const SLOT_E = 0;
export const SLOT_W1 = 1;
export const SLOT_B1 = 2;
export const SLOT_W2 = 3;
export const SLOT_B2 = 4;
export const SLOT_GRAD_E = 5;
export const SLOT_GRAD_W1 = 6;
export const SLOT_GRAD_B1 = 7;
export const SLOT_GRAD_W2 = 8;
export const SLOT_GRAD_B2 = 9;
export const SLOT_A = 10;
export const SLOT_B = 11;
export const SLOT_Y = 12;
export const SLOT_LOGITS = 13;
// AdamW moments m then v, tensor by tensor in the order E, W1, b1, W2, b2 (slots 14..23)
export const SLOT_MOMENTS = 14;

let p: i32 = 0;
/** Examples per fused block (chosen by the loader): g, g', dh (block x 256) and z (block x P) stay in L2. */
let block: i32 = 0;
let padded: i32 = 0; // p rounded up to the lane count
let size: usize = 0; // bytes per element

let pE: usize = 0;
let pW1: usize = 0;
let pB1: usize = 0;
let pW2: usize = 0;
let pB2: usize = 0;
let gE: usize = 0;
let gW1: usize = 0;
let gB1: usize = 0;
let gW2: usize = 0;
let gB2: usize = 0;
let idxA: usize = 0;
let idxB: usize = 0;
let idxY: usize = 0;
let logitsOut: usize = 0;
// Addresses of the 10 moment tensors, in a static data segment (below __heap_base: no allocator runs).
const moments: usize = memory.data(10 * sizeof<usize>());
let tAB: usize = 0; // p x 512
let tdAB: usize = 0; // p x 512
let tW1T: usize = 0; // 512 x 128: rows j of W1_top^T, then of W1_bottom^T
let tW2pad: usize = 0; // 256 x padded
let tB2pad: usize = 0; // padded
let tW2T: usize = 0; // p x 256
let tdW2pad: usize = 0; // 256 x padded
let tdB2pad: usize = 0; // padded
let tdB1: usize = 0; // 256
let tG: usize = 0; // block x 256
let tGp: usize = 0; // block x 256, GELU'
let tdH: usize = 0; // block x 256
let tZ: usize = 0; // block x padded: logits, then their gradient
let tRowStats: usize = 0; // block x (z_y/tau - max, normaliser), as doubles
let tMask: usize = 0; // one vector: all ones in the lanes of the last z vector that hold a real class

let lossTotal: f64 = 0;

function take(at: usize, bytes: usize): usize {
  return (at + bytes + 63) & ~(<usize>63);
}

/**
 * Places every buffer from `base` on (64-byte aligned) for modulus p at 4- or 8-byte precision and returns
 * the first free byte address. Results do not depend on examplesPerBlock (only speed does). chunk is the number of examples the index buffers hold per call.
 */
export function mlpLayout(modulus: i32, bytesPerElement: i32, chunk: i32, examplesPerBlock: i32, base: usize): usize {
  p = modulus;
  block = examplesPerBlock;
  size = <usize>bytesPerElement;
  const lanes = <i32>(<usize>16 / size);
  padded = ((p + lanes - 1) / lanes) * lanes;
  const s = size;
  const pp = <usize>p;
  const pd = <usize>padded;
  const H = <usize>HIDDEN;
  const D = <usize>EMBED;
  const W = <usize>WIDE;
  let at = take(0, base);
  pE = at; at = take(at, pp * D * s);
  pW1 = at; at = take(at, H * H * s);
  pB1 = at; at = take(at, H * s);
  pW2 = at; at = take(at, H * pp * s);
  pB2 = at; at = take(at, pp * s);
  gE = at; at = take(at, pp * D * s);
  gW1 = at; at = take(at, H * H * s);
  gB1 = at; at = take(at, H * s);
  gW2 = at; at = take(at, H * pp * s);
  gB2 = at; at = take(at, pp * s);
  idxA = at; at = take(at, <usize>chunk * 4);
  idxB = at; at = take(at, <usize>chunk * 4);
  idxY = at; at = take(at, <usize>chunk * 4);
  logitsOut = at; at = take(at, <usize>chunk * pp * s);
  for (let k = 0; k < 2; k++) {
    store<usize>(moments + <usize>(5 * k) * sizeof<usize>(), at); at = take(at, pp * D * s);
    store<usize>(moments + <usize>(5 * k + 1) * sizeof<usize>(), at); at = take(at, H * H * s);
    store<usize>(moments + <usize>(5 * k + 2) * sizeof<usize>(), at); at = take(at, H * s);
    store<usize>(moments + <usize>(5 * k + 3) * sizeof<usize>(), at); at = take(at, H * pp * s);
    store<usize>(moments + <usize>(5 * k + 4) * sizeof<usize>(), at); at = take(at, pp * s);
  }
  tAB = at; at = take(at, pp * W * s);
  tdAB = at; at = take(at, pp * W * s);
  tW1T = at; at = take(at, W * D * s);
  tW2pad = at; at = take(at, H * pd * s);
  tB2pad = at; at = take(at, pd * s);
  tW2T = at; at = take(at, pp * H * s);
  tdW2pad = at; at = take(at, H * pd * s);
  tdB2pad = at; at = take(at, pd * s);
  tdB1 = at; at = take(at, H * s);
  tG = at; at = take(at, <usize>block * H * s);
  tGp = at; at = take(at, <usize>block * H * s);
  tdH = at; at = take(at, <usize>block * H * s);
  tZ = at; at = take(at, <usize>block * pd * s);
  tRowStats = at; at = take(at, <usize>block * 16);
  tMask = at; at = take(at, 16);
  setGemmPackBuffer(at); at = take(at, GEMM_PACK_BYTES);
  return at;
}

/** Called once the memory covers the layout: fills the lane mask of the last logit vector. */
export function mlpInitialize(): void {
  const lanes = <i32>(<usize>16 / size);
  const first = padded - lanes;
  for (let l = 0; l < lanes; l++) {
    const valid = first + l < p;
    if (size == 4) store<i32>(tMask + <usize>l * 4, valid ? -1 : 0);
    else store<i64>(tMask + <usize>l * 8, valid ? -1 : 0);
  }
}

export function mlpPointer(slot: i32): usize {
  switch (slot) {
    case SLOT_E: return pE;
    case SLOT_W1: return pW1;
    case SLOT_B1: return pB1;
    case SLOT_W2: return pW2;
    case SLOT_B2: return pB2;
    case SLOT_GRAD_E: return gE;
    case SLOT_GRAD_W1: return gW1;
    case SLOT_GRAD_B1: return gB1;
    case SLOT_GRAD_W2: return gW2;
    case SLOT_GRAD_B2: return gB2;
    case SLOT_A: return idxA;
    case SLOT_B: return idxB;
    case SLOT_Y: return idxY;
    case SLOT_LOGITS: return logitsOut;
  }
  if (slot >= SLOT_MOMENTS && slot < SLOT_MOMENTS + 10) return load<usize>(moments + <usize>(slot - SLOT_MOMENTS) * sizeof<usize>());
  return 0;
}


// ---------------------------------------------------------------- per-step tables

/** AB = E [W1_top | W1_bottom] with b1 folded into the top half; W2 padded; its transpose. */
function prepareForward<T>(): void {
  const s = size;
  gemm<T>(p, HIDDEN, EMBED, pE, EMBED, 1, pW1, HIDDEN, tAB, WIDE, INIT_BIAS, pB1);
  gemm<T>(p, HIDDEN, EMBED, pE, EMBED, 1, pW1 + <usize>(EMBED * HIDDEN) * s, HIDDEN, tAB + <usize>HIDDEN * s, WIDE, INIT_ZERO, 0);
  const rowBytes = <usize>p * s;
  for (let i = 0; i < HIDDEN; i++) memory.copy(tW2pad + <usize>(i * padded) * s, pW2 + <usize>i * rowBytes, rowBytes);
  memory.copy(tB2pad, pB2, rowBytes);
}

function prepareBackward<T>(): void {
  const s = size;
  transpose<T>(pW2, HIDDEN, p, tW2T); // W2T (p x 256)
  // W1T (512 x 128): W1_top^T above W1_bottom^T
  transpose<T>(pW1, EMBED, HIDDEN, tW1T);
  transpose<T>(pW1 + <usize>(EMBED * HIDDEN) * s, EMBED, HIDDEN, tW1T + <usize>(HIDDEN * EMBED) * s);
  memory.fill(tdAB, 0, <usize>(p * WIDE) * s);
  memory.fill(tdW2pad, 0, <usize>(HIDDEN * padded) * s);
  memory.fill(tdB2pad, 0, <usize>padded * s);
  memory.fill(tdB1, 0, <usize>HIDDEN * s);
  lossTotal = 0;
}

// ---------------------------------------------------------------- block pieces

/** g (and g' when pGp != 0) for examples first..first+m of the index buffers. */
function hidden<T>(first: i32, m: i32, withDerivative: bool): void {
  const s = size;
  for (let r = 0; r < m; r++) {
    const ta = <usize>load<i32>(idxA + <usize>(first + r) * 4);
    const tb = <usize>load<i32>(idxB + <usize>(first + r) * 4);
    const pa = tAB + ta * <usize>WIDE * s;
    const pb = tAB + (tb * <usize>WIDE + <usize>HIDDEN) * s;
    const row = <usize>(r * HIDDEN) * s;
    for (let j: usize = 0; j < <usize>HIDDEN * s; j += 16) v128.store(tG + row + j, v128.add<T>(v128.load(pa + j), v128.load(pb + j)));
    geluInPlace<T>(tG + row, withDerivative ? tGp + row : 0, <usize>HIDDEN * s);
  }
}

/** One fused block of m examples starting at `first`: forward, loss, backward into the accumulators. */
function trainBlock<T>(first: i32, m: i32, crossEntropy: bool, tau: T, scale: T): void {
  const s = size;
  hidden<T>(first, m, true);
  gemm<T>(m, padded, HIDDEN, tG, HIDDEN, 1, tW2pad, padded, tZ, padded, INIT_BIAS, tB2pad);
  const rowBytes = <usize>padded * s;
  const targets = idxY + <usize>first * 4;
  if (crossEntropy) lossTotal = crossEntropyRows<T>(tZ, m, p, padded, targets, tMask, tRowStats, tau, scale, lossTotal);
  else lossTotal = squaredErrorRows<T>(tZ, m, padded, targets, tau, scale, lossTotal);
  // readout gradients: dW2 += g^T dz (A(i, k) = g[k][i]), db2 += rows of dz in example order
  gemm<T>(HIDDEN, padded, m, tG, 1, HIDDEN, tZ, padded, tdW2pad, padded, INIT_LOAD, 0);
  for (let r = 0; r < m; r++) {
    const row = tZ + <usize>r * rowBytes;
    for (let q: usize = 0; q < rowBytes; q += 16) {
      v128.store(tdB2pad + q, v128.add<T>(v128.load(tdB2pad + q), v128.load(row + q)));
    }
  }
  // dh = (dz W2^T) * g'; the sum runs over the p real classes only
  gemm<T>(m, HIDDEN, p, tZ, padded, 1, tW2T, HIDDEN, tdH, HIDDEN, INIT_ZERO, 0);
  const hBytes = <usize>(m * HIDDEN) * s;
  for (let q: usize = 0; q < hBytes; q += 16) v128.store(tdH + q, v128.mul<T>(v128.load(tdH + q), v128.load(tGp + q)));
  // db1 and the per-token scatter, example by example
  for (let r = 0; r < m; r++) {
    const ta = <usize>load<i32>(idxA + <usize>(first + r) * 4);
    const tb = <usize>load<i32>(idxB + <usize>(first + r) * 4);
    const da = tdAB + ta * <usize>WIDE * s;
    const db = tdAB + (tb * <usize>WIDE + <usize>HIDDEN) * s;
    const row = tdH + <usize>(r * HIDDEN) * s;
    for (let j: usize = 0; j < <usize>HIDDEN * s; j += 16) {
      const v = v128.load(row + j);
      v128.store(tdB1 + j, v128.add<T>(v128.load(tdB1 + j), v));
      v128.store(da + j, v128.add<T>(v128.load(da + j), v));
      v128.store(db + j, v128.add<T>(v128.load(db + j), v));
    }
  }
}

function finishBackward<T>(): void {
  const s = size;
  gemm<T>(EMBED, HIDDEN, p, pE, 1, EMBED, tdAB, WIDE, gW1, HIDDEN, INIT_ZERO, 0);
  gemm<T>(EMBED, HIDDEN, p, pE, 1, EMBED, tdAB + <usize>HIDDEN * s, WIDE, gW1 + <usize>(EMBED * HIDDEN) * s, HIDDEN, INIT_ZERO, 0);
  gemm<T>(p, EMBED, WIDE, tdAB, WIDE, 1, tW1T, EMBED, gE, EMBED, INIT_ZERO, 0);
  const rowBytes = <usize>p * s;
  for (let i = 0; i < HIDDEN; i++) memory.copy(gW2 + <usize>i * rowBytes, tdW2pad + <usize>(i * padded) * s, rowBytes);
  memory.copy(gB2, tdB2pad, rowBytes);
  memory.copy(gB1, tdB1, <usize>HIDDEN * s);
}

// ---------------------------------------------------------------- entry points (T-generic)

export function beginStep<T>(): void {
  prepareForward<T>();
  prepareBackward<T>();
}

/** Examples 0..count of the index buffers; scale = n tau for the whole batch (the mean's 1/n). */
export function trainChunk<T>(count: i32, crossEntropy: bool, tau: f64, scale: f64): void {
  for (let first = 0; first < count; first += block) {
    const m = count - first < block ? count - first : block;
    trainBlock<T>(first, m, crossEntropy, <T>tau, <T>scale);
  }
}

/** Writes the gradients into the grads slots; returns the summed loss over the batch. */
export function endStep<T>(): f64 {
  finishBackward<T>();
  return lossTotal;
}

export function beginLogits<T>(): void {
  prepareForward<T>();
}

/** Logits of examples 0..count (count <= capacity) into the logits slot, count x p, row-major. */
export function logitsChunk<T>(count: i32): void {
  const s = size;
  const rowBytes = <usize>padded * s;
  const outRow = <usize>p * s;
  for (let first = 0; first < count; first += block) {
    const m = count - first < block ? count - first : block;
    hidden<T>(first, m, false);
    gemm<T>(m, padded, HIDDEN, tG, HIDDEN, 1, tW2pad, padded, tZ, padded, INIT_BIAS, tB2pad);
    const out = logitsOut + <usize>first * outRow;
    for (let r = 0; r < m; r++) memory.copy(out + <usize>r * outRow, tZ + <usize>r * rowBytes, outRow);
  }
}
