/**
 * The paper's no-LayerNorm transformer, forward and backward, fused per block of examples, T = f32 or f64.
 * Tokens [a, b, =] ("=" is token p), d = 128, 4 heads of 32, no biases; the same algebra as
 * src/grok/kernels/ts/transformer.ts:
 *
 *   x_j = E[token_j] + P[j];  q = x_2 Wq;  k_j = x_j Wk;  v_j = x_j Wv
 *   per head h: alpha_h = softmax_j(q_h . k_{j,h} / sqrt(32));  o_h = sum_j alpha_{j,h} v_{j,h}
 *   r = x_2 + o Wo;  u = r Win;  r2 = r + GELU(u) Wout;  z = r2 U
 *
 * Exact per-token precomputation: the query comes from the constant "=" position, so q is one vector per
 * step; x_0 depends on a only, x_1 on b only. With the 2p + 1 token rows X = [E[t] + P[0] (t < p);
 * E[t] + P[1] (t < p); E[p] + P[2]], the keys K = X Wk, values V = X Wv, scores S[row][h], head outputs
 * through Wo, VO[row][h] = V[row]_h Wo_h, and those outputs carried on through Win,
 * VOW[row][h] = V[row]_h (Wo Win)_h, are tables made once per step. An example then costs a 3-way softmax
 * per head and 12 scaled additions of 128-vectors (r) and of 512-vectors (u = x_2 Win + sum alpha VOW):
 * the first layer of the MLP block is never multiplied per example. The second layer and the unembedding
 * are one product, r2 U = r U + GELU(u) (Wout U), so an example costs 512 x (p + 1) there, not
 * 512 x 128 + 128 x (p + 1). Backward mirrors both: dg = dz (Wout U)^T; the weight gradients of Win, Wout
 * and Wo come from per-step sums (G^T dz, and the per-token sums of alpha du and alpha dr2) multiplied back
 * at token level once per step. About a third of the per-example arithmetic of the plain formulation.
 *
 * Every gradient is a sum over the examples in batch order whatever the block size (the gemm adds k in
 * increasing order and the accumulators carry across blocks). One instance serves one kernel; tfLayout
 * places every buffer once.
 */
import { gemm, GEMM_PACK_BYTES, INIT_LOAD, INIT_ZERO, setGemmPackBuffer } from './gemm';
import { exp32, exp64 } from './exp';
import { geluInPlace } from './gelu';
import { crossEntropyRows, squaredErrorRows } from './loss';
import { madd } from './madd';
import { transpose } from './transpose';

const D = 128;
const NH = 4;
const HD = 32;
const M = 512;
const SCORE_SCALE: f64 = 0.17677669529663687; // 1 / sqrt(32): sqrt and / are correctly rounded

// Slots for tfPointer: params 0..8 (E, P, Wq, Wk, Wv, Wo, Win, Wout, U), grads 9..17, indices 18..20,
// logits 21, AdamW moments m 22..30 and v 31..39. index.ts mirrors this order.
export const TF_SLOT_PARAMS = 0;
export const TF_SLOT_GRADS = 9;
export const TF_SLOT_A = 18;
export const TF_SLOT_B = 19;
export const TF_SLOT_Y = 20;
export const TF_SLOT_LOGITS = 21;
export const TF_SLOT_MOMENTS = 22;
const SLOTS = 40;

let p: i32 = 0;
let classes: i32 = 0; // p + 1
let padded: i32 = 0; // classes rounded up to the lane count
let rows: i32 = 0; // 2p + 1 token rows
let block: i32 = 0;
let size: usize = 0;
const slots: usize = memory.data(SLOTS * sizeof<usize>());

// parameters and gradients (also reachable through slots)
let pE: usize = 0;
let pP: usize = 0;
let pWq: usize = 0;
let pWk: usize = 0;
let pWv: usize = 0;
let pWo: usize = 0;
let pWin: usize = 0;
let pWout: usize = 0;
let pU: usize = 0;
let gE: usize = 0;
let gP: usize = 0;
let gWq: usize = 0;
let gWk: usize = 0;
let gWv: usize = 0;
let gWo: usize = 0;
let gWin: usize = 0;
let gWout: usize = 0;
let gU: usize = 0;
let idxA: usize = 0;
let idxB: usize = 0;
let idxY: usize = 0;
let logitsOut: usize = 0;
// token-level tables
let tX: usize = 0; // rows x 128
let tK: usize = 0; // rows x 128
let tV: usize = 0; // rows x 128
let tq: usize = 0; // 128
let tS: usize = 0; // rows x 4
let tVO: usize = 0; // rows x 4 x 128
let tVOW: usize = 0; // rows x 4 x 512: VO[row][h] Win
let tuX2: usize = 0; // 512: x_2 Win, the residual's share of u
let tdS: usize = 0; // rows x 4
let tdVO: usize = 0; // rows x 4 x 128: sum of alpha dr2 per token and head
let tdVOW: usize = 0; // rows x 4 x 512: sum of alpha du per token and head
let tdK: usize = 0; // rows x 128
let tdV: usize = 0; // rows x 128
let tdX: usize = 0; // rows x 128
let tdq: usize = 0; // 128
let tdResidual: usize = 0; // 128: sum over examples of dr2 (the x_2 residual path, before du Win^T)
let tSumDu: usize = 0; // 512: sum over examples of du
let tVdU: usize = 0; // 128 x 512: per head h (rows 32h..), sum over tokens of V[row]_h^T dVOW[row][h]
// weight products and transposed, padded weights
let tWoWin: usize = 0; // 128 x 512: Wo Win (rows 32h.. are head h's)
let tWoWinT: usize = 0; // 512 x 128
let tWU: usize = 0; // 512 x padded: Wout U
let tWUT: usize = 0; // padded x 512
let tGdZ: usize = 0; // 512 x padded: sum over examples of GELU(u)^T dz
let tWqT: usize = 0; // 128 x 128
let tWkT: usize = 0;
let tWvT: usize = 0;
let tWoT: usize = 0;
let tWinT: usize = 0; // 512 x 128
let tUT: usize = 0; // classes x 128
let tUpad: usize = 0; // 128 x padded
let tdUpad: usize = 0; // 128 x padded
// per-block buffers
let tR: usize = 0; // block x 128: r
let tG: usize = 0; // block x 512: u, then GELU(u)
let tGp: usize = 0; // block x 512: GELU'(u)
let tZ: usize = 0; // block x padded: logits, then their gradient
let tdR: usize = 0; // block x 128: dr2
let tdU: usize = 0; // block x 512: dg, then du
let tAlpha: usize = 0; // block x 3 x 4: attention weights, position-major
let tRowStats: usize = 0; // block x 16 bytes
let tMask: usize = 0; // 16 bytes

let lossTotal: f64 = 0;

function take(at: usize, bytes: usize): usize {
  return (at + bytes + 63) & ~(<usize>63);
}

function slot(index: i32, address: usize): usize {
  store<usize>(slots + <usize>index * sizeof<usize>(), address);
  return address;
}

/** Number of values of parameter tensor k in the order E, P, Wq, Wk, Wv, Wo, Win, Wout, U. */
function tensorSize(k: i32): usize {
  const c = <usize>classes;
  if (k == 0) return c * <usize>D;
  if (k == 1) return <usize>(3 * D);
  if (k <= 5) return <usize>(D * D);
  if (k <= 7) return <usize>(D * M);
  return <usize>D * c;
}

/** Places every buffer from `base` on; returns the first free byte. Results do not depend on the block size. */
export function tfLayout(modulus: i32, bytesPerElement: i32, chunk: i32, examplesPerBlock: i32, base: usize): usize {
  p = modulus;
  classes = p + 1;
  rows = 2 * p + 1;
  block = examplesPerBlock;
  size = <usize>bytesPerElement;
  const lanes = <i32>(<usize>16 / size);
  padded = ((classes + lanes - 1) / lanes) * lanes;
  const s = size;
  const c = <usize>classes;
  const r = <usize>rows;
  const pd = <usize>padded;
  const b = <usize>block;
  const d = <usize>D;
  const mm = <usize>M;
  let at = take(0, base);
  for (let k = 0; k < 9; k++) {
    slot(TF_SLOT_PARAMS + k, at);
    at = take(at, tensorSize(k) * s);
  }
  for (let k = 0; k < 9; k++) {
    slot(TF_SLOT_GRADS + k, at);
    at = take(at, tensorSize(k) * s);
  }
  idxA = slot(TF_SLOT_A, at); at = take(at, <usize>chunk * 4);
  idxB = slot(TF_SLOT_B, at); at = take(at, <usize>chunk * 4);
  idxY = slot(TF_SLOT_Y, at); at = take(at, <usize>chunk * 4);
  logitsOut = slot(TF_SLOT_LOGITS, at); at = take(at, <usize>chunk * c * s);
  for (let k = 0; k < 18; k++) {
    slot(TF_SLOT_MOMENTS + k, at);
    at = take(at, tensorSize(k % 9) * s);
  }
  pE = pointer(TF_SLOT_PARAMS); pP = pointer(TF_SLOT_PARAMS + 1); pWq = pointer(TF_SLOT_PARAMS + 2);
  pWk = pointer(TF_SLOT_PARAMS + 3); pWv = pointer(TF_SLOT_PARAMS + 4); pWo = pointer(TF_SLOT_PARAMS + 5);
  pWin = pointer(TF_SLOT_PARAMS + 6); pWout = pointer(TF_SLOT_PARAMS + 7); pU = pointer(TF_SLOT_PARAMS + 8);
  gE = pointer(TF_SLOT_GRADS); gP = pointer(TF_SLOT_GRADS + 1); gWq = pointer(TF_SLOT_GRADS + 2);
  gWk = pointer(TF_SLOT_GRADS + 3); gWv = pointer(TF_SLOT_GRADS + 4); gWo = pointer(TF_SLOT_GRADS + 5);
  gWin = pointer(TF_SLOT_GRADS + 6); gWout = pointer(TF_SLOT_GRADS + 7); gU = pointer(TF_SLOT_GRADS + 8);
  tX = at; at = take(at, r * d * s);
  tK = at; at = take(at, r * d * s);
  tV = at; at = take(at, r * d * s);
  tq = at; at = take(at, d * s);
  tS = at; at = take(at, r * NH * s);
  tVO = at; at = take(at, r * NH * d * s);
  tVOW = at; at = take(at, r * NH * mm * s);
  tuX2 = at; at = take(at, mm * s);
  tdS = at; at = take(at, r * NH * s);
  tdVO = at; at = take(at, r * NH * d * s);
  tdVOW = at; at = take(at, r * NH * mm * s);
  tdK = at; at = take(at, r * d * s);
  tdV = at; at = take(at, r * d * s);
  tdX = at; at = take(at, r * d * s);
  tdq = at; at = take(at, d * s);
  tdResidual = at; at = take(at, d * s);
  tSumDu = at; at = take(at, mm * s);
  tVdU = at; at = take(at, d * mm * s);
  tWoWin = at; at = take(at, d * mm * s);
  tWoWinT = at; at = take(at, mm * d * s);
  tWU = at; at = take(at, mm * pd * s);
  tWUT = at; at = take(at, pd * mm * s);
  tGdZ = at; at = take(at, mm * pd * s);
  tWqT = at; at = take(at, d * d * s);
  tWkT = at; at = take(at, d * d * s);
  tWvT = at; at = take(at, d * d * s);
  tWoT = at; at = take(at, d * d * s);
  tWinT = at; at = take(at, mm * d * s);
  tUT = at; at = take(at, c * d * s);
  tUpad = at; at = take(at, d * pd * s);
  tdUpad = at; at = take(at, d * pd * s);
  tR = at; at = take(at, b * d * s);
  tG = at; at = take(at, b * mm * s);
  tGp = at; at = take(at, b * mm * s);
  tZ = at; at = take(at, b * pd * s);
  tdR = at; at = take(at, b * d * s);
  tdU = at; at = take(at, b * mm * s);
  tAlpha = at; at = take(at, b * 3 * NH * s);
  tRowStats = at; at = take(at, b * 16);
  tMask = at; at = take(at, 16);
  setGemmPackBuffer(at); at = take(at, GEMM_PACK_BYTES);
  return at;
}

/** Called once the memory covers the layout: the lane mask of the last logit vector. */
export function tfInitialize(): void {
  const lanes = <i32>(<usize>16 / size);
  const first = padded - lanes;
  for (let l = 0; l < lanes; l++) {
    const valid = first + l < classes;
    if (size == 4) store<i32>(tMask + <usize>l * 4, valid ? -1 : 0);
    else store<i64>(tMask + <usize>l * 8, valid ? -1 : 0);
  }
}

export function tfPointer(index: i32): usize {
  if (index < 0 || index >= SLOTS) return 0;
  return pointer(index);
}

@inline
function pointer(index: i32): usize {
  return load<usize>(slots + <usize>index * sizeof<usize>());
}

// ---------------------------------------------------------------- helpers

/** Sum of the lanes of a vector, in lane order ((l0 + l1) + (l2 + l3) for float32). */
@inline
function laneSum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>((f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
  }
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

/** dot(a, b) over n elements (a multiple of the lanes), vector partial sums then laneSum. */
@inline
function dot<T>(a: usize, b: usize, n: i32): T {
  let acc = v128.splat<T>(<T>0);
  const bytes = <usize>n * <usize>sizeof<T>();
  for (let q: usize = 0; q < bytes; q += 16) acc = madd<T>(acc, v128.load(a + q), v128.load(b + q));
  return laneSum<T>(acc);
}

@inline
function expLanes<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return exp32(x);
  return exp64(x);
}

// ---------------------------------------------------------------- per-step tables

function prepareForward<T>(): void {
  const s = size;
  const d = <usize>D;
  // X rows: E[t] + P[0], E[t] + P[1] (t < p), E[p] + P[2]
  for (let t = 0; t < p; t++) {
    const e = pE + <usize>t * d * s;
    const x0 = tX + <usize>t * d * s;
    const x1 = tX + <usize>(p + t) * d * s;
    for (let q: usize = 0; q < d * s; q += 16) {
      const v = v128.load(e + q);
      v128.store(x0 + q, v128.add<T>(v, v128.load(pP + q)));
      v128.store(x1 + q, v128.add<T>(v, v128.load(pP + d * s + q)));
    }
  }
  const x2 = tX + <usize>(2 * p) * d * s;
  for (let q: usize = 0; q < d * s; q += 16) v128.store(x2 + q, v128.add<T>(v128.load(pE + <usize>p * d * s + q), v128.load(pP + 2 * d * s + q)));
  // K = X Wk, V = X Wv, q = x_2 Wq
  gemm<T>(rows, D, D, tX, D, 1, pWk, D, tK, D, INIT_ZERO, 0);
  gemm<T>(rows, D, D, tX, D, 1, pWv, D, tV, D, INIT_ZERO, 0);
  gemm<T>(1, D, D, x2, D, 1, pWq, D, tq, D, INIT_ZERO, 0);
  // S[r][h] = q_h . K[r]_h / sqrt(32)
  const scale = <T>SCORE_SCALE;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < NH; h++) {
      const off = <usize>(h * HD) * s;
      store<T>(tS + <usize>(r * NH + h) * s, dot<T>(tq + off, tK + <usize>r * d * s + off, HD) * scale);
    }
  }
  // VO[r][h] = V[r]_h Wo_h (Wo_h: rows 32h..32h+31 of Wo)
  for (let h = 0; h < NH; h++) {
    gemm<T>(rows, D, HD, tV + <usize>(h * HD) * s, D, 1, pWo + <usize>(h * HD * D) * s, D, tVO + <usize>(h * D) * s, NH * D, INIT_ZERO, 0);
  }
  // U padded to whole vectors (padding columns stay zero)
  const rowBytes = <usize>classes * s;
  for (let i = 0; i < D; i++) memory.copy(tUpad + <usize>(i * padded) * s, pU + <usize>i * rowBytes, rowBytes);
  // the first layer at token level: Wo Win, VOW[r][h] = V[r]_h (Wo Win)_h, and x_2 Win
  gemm<T>(D, M, D, pWo, D, 1, pWin, M, tWoWin, M, INIT_ZERO, 0);
  for (let h = 0; h < NH; h++) {
    gemm<T>(rows, M, HD, tV + <usize>(h * HD) * s, D, 1, tWoWin + <usize>(h * HD * M) * s, M, tVOW + <usize>(h * M) * s, NH * M, INIT_ZERO, 0);
  }
  gemm<T>(1, M, D, x2, D, 1, pWin, M, tuX2, M, INIT_ZERO, 0);
  // the second layer and the unembedding as one product: Wout U
  gemm<T>(M, padded, D, pWout, D, 1, tUpad, padded, tWU, padded, INIT_ZERO, 0);
}

function prepareBackward<T>(): void {
  const s = size;
  const r = <usize>rows;
  transpose<T>(pWq, D, D, tWqT);
  transpose<T>(pWk, D, D, tWkT);
  transpose<T>(pWv, D, D, tWvT);
  transpose<T>(pWo, D, D, tWoT);
  transpose<T>(pWin, D, M, tWinT);
  transpose<T>(pU, D, classes, tUT);
  transpose<T>(tWoWin, D, M, tWoWinT);
  transpose<T>(tWU, M, padded, tWUT);
  memory.fill(tdUpad, 0, <usize>(D * padded) * s);
  memory.fill(tGdZ, 0, <usize>(M * padded) * s);
  memory.fill(tdS, 0, r * <usize>NH * s);
  memory.fill(tdVO, 0, r * <usize>(NH * D) * s);
  memory.fill(tdVOW, 0, r * <usize>(NH * M) * s);
  memory.fill(tdResidual, 0, <usize>D * s);
  memory.fill(tSumDu, 0, <usize>M * s);
  lossTotal = 0;
}

// ---------------------------------------------------------------- block pieces

/**
 * sum_h sum_j alpha_jh table[row_j][h] for one vector of the three rows' entries (w per head): the twelve
 * weights come in splatted once per example, h-major as the sum runs.
 */
@inline
function mix<T>(
  tA: usize, tB: usize, tE: usize, w: usize, q: usize,
  a00: v128, a01: v128, a02: v128, a10: v128, a11: v128, a12: v128,
  a20: v128, a21: v128, a22: v128, a30: v128, a31: v128, a32: v128,
): v128 {
  const hw = w * size;
  let acc = madd<T>(v128.splat<T>(<T>0), a00, v128.load(tA + q));
  acc = madd<T>(acc, a01, v128.load(tB + q));
  acc = madd<T>(acc, a02, v128.load(tE + q));
  acc = madd<T>(acc, a10, v128.load(tA + hw + q));
  acc = madd<T>(acc, a11, v128.load(tB + hw + q));
  acc = madd<T>(acc, a12, v128.load(tE + hw + q));
  acc = madd<T>(acc, a20, v128.load(tA + 2 * hw + q));
  acc = madd<T>(acc, a21, v128.load(tB + 2 * hw + q));
  acc = madd<T>(acc, a22, v128.load(tE + 2 * hw + q));
  acc = madd<T>(acc, a30, v128.load(tA + 3 * hw + q));
  acc = madd<T>(acc, a31, v128.load(tB + 3 * hw + q));
  return madd<T>(acc, a32, v128.load(tE + 3 * hw + q));
}

/**
 * For examples first..first+m: alpha, r = x_2 + sum_h sum_j alpha_jh VO[row_j][h] into tR and
 * u = x_2 Win + sum_h sum_j alpha_jh VOW[row_j][h] into tG.
 */
function attention<T>(first: i32, m: i32): void {
  const s = size;
  const d = <usize>D;
  const mm = <usize>M;
  const eqRow = 2 * p;
  const x2 = tX + <usize>eqRow * d * s;
  const vSE = tS + <usize>(eqRow * NH) * s;
  const voE = tVO + <usize>(eqRow * NH) * d * s;
  const vowE = tVOW + <usize>(eqRow * NH) * mm * s;
  for (let r = 0; r < m; r++) {
    const rowA = load<i32>(idxA + <usize>(first + r) * 4);
    const rowB = p + load<i32>(idxB + <usize>(first + r) * 4);
    const vSA = tS + <usize>(rowA * NH) * s;
    const vSB = tS + <usize>(rowB * NH) * s;
    const al = tAlpha + <usize>(r * 3 * NH) * s;
    // 3-way softmax per head, the heads side by side in the lanes: sum = (e0 + e1) + e2
    for (let q: usize = 0; q < <usize>NH * s; q += 16) {
      const s0 = v128.load(vSA + q);
      const s1 = v128.load(vSB + q);
      const s2 = v128.load(vSE + q);
      const mx = v128.max<T>(v128.max<T>(s0, s1), s2);
      const e0 = expLanes<T>(v128.sub<T>(s0, mx));
      const e1 = expLanes<T>(v128.sub<T>(s1, mx));
      const e2 = expLanes<T>(v128.sub<T>(s2, mx));
      const sum = v128.add<T>(v128.add<T>(e0, e1), e2);
      v128.store(al + q, v128.div<T>(e0, sum));
      v128.store(al + <usize>NH * s + q, v128.div<T>(e1, sum));
      v128.store(al + <usize>(2 * NH) * s + q, v128.div<T>(e2, sum));
    }
    const a00 = v128.splat<T>(load<T>(al));
    const a10 = v128.splat<T>(load<T>(al, 1 * sizeof<T>()));
    const a20 = v128.splat<T>(load<T>(al, 2 * sizeof<T>()));
    const a30 = v128.splat<T>(load<T>(al, 3 * sizeof<T>()));
    const a01 = v128.splat<T>(load<T>(al, 4 * sizeof<T>()));
    const a11 = v128.splat<T>(load<T>(al, 5 * sizeof<T>()));
    const a21 = v128.splat<T>(load<T>(al, 6 * sizeof<T>()));
    const a31 = v128.splat<T>(load<T>(al, 7 * sizeof<T>()));
    const a02 = v128.splat<T>(load<T>(al, 8 * sizeof<T>()));
    const a12 = v128.splat<T>(load<T>(al, 9 * sizeof<T>()));
    const a22 = v128.splat<T>(load<T>(al, 10 * sizeof<T>()));
    const a32 = v128.splat<T>(load<T>(al, 11 * sizeof<T>()));
    const voA = tVO + <usize>(rowA * NH) * d * s;
    const voB = tVO + <usize>(rowB * NH) * d * s;
    const out = tR + <usize>r * d * s;
    for (let q: usize = 0; q < d * s; q += 16) {
      const sum = mix<T>(voA, voB, voE, d, q, a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32);
      v128.store(out + q, v128.add<T>(v128.load(x2 + q), sum));
    }
    const vowA = tVOW + <usize>(rowA * NH) * mm * s;
    const vowB = tVOW + <usize>(rowB * NH) * mm * s;
    const u = tG + <usize>r * mm * s;
    for (let q: usize = 0; q < mm * s; q += 16) {
      const sum = mix<T>(vowA, vowB, vowE, mm, q, a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32);
      v128.store(u + q, v128.add<T>(v128.load(tuX2 + q), sum));
    }
  }
}

/** g = GELU(u) in place (and g'), z = r U + g (Wout U) for m examples whose r and u attention() made. */
function mlpBlockForward<T>(m: i32, withDerivative: bool): void {
  const s = size;
  geluInPlace<T>(tG, withDerivative ? tGp : 0, <usize>(m * M) * s);
  gemm<T>(m, padded, D, tR, D, 1, tUpad, padded, tZ, padded, INIT_ZERO, 0);
  gemm<T>(m, padded, M, tG, M, 1, tWU, padded, tZ, padded, INIT_LOAD, 0);
}

function trainBlock<T>(first: i32, m: i32, crossEntropy: bool, tau: T, scale: T): void {
  const s = size;
  const d = <usize>D;
  const mm = <usize>M;
  attention<T>(first, m);
  mlpBlockForward<T>(m, true);
  const targets = idxY + <usize>first * 4;
  if (crossEntropy) lossTotal = crossEntropyRows<T>(tZ, m, classes, padded, targets, tMask, tRowStats, tau, scale, lossTotal);
  else lossTotal = squaredErrorRows<T>(tZ, m, padded, targets, tau, scale, lossTotal);
  // z = r U + g (Wout U): dU collects r^T dz here and Wout^T (G^T dz) once per step, dWout is (G^T dz) U^T;
  // dr2 = dz U^T (the real classes only), dg = dz (Wout U)^T, du = dg * g'
  gemm<T>(D, padded, m, tR, 1, D, tZ, padded, tdUpad, padded, INIT_LOAD, 0);
  gemm<T>(M, padded, m, tG, 1, M, tZ, padded, tGdZ, padded, INIT_LOAD, 0);
  gemm<T>(m, D, classes, tZ, padded, 1, tUT, D, tdR, D, INIT_ZERO, 0);
  gemm<T>(m, M, classes, tZ, padded, 1, tWUT, M, tdU, M, INIT_ZERO, 0);
  const ub = <usize>(m * M) * s;
  for (let q: usize = 0; q < ub; q += 16) v128.store(tdU + q, v128.mul<T>(v128.load(tdU + q), v128.load(tGp + q)));
  // attention, per example, with dr = dr2 + du Win^T never formed: the residual x_2 collects dr2 and du;
  // per head the three dots g_j = dr . VO[row_j][h] = dr2 . VO[row_j][h] + du . VOW[row_j][h], the
  // per-token sums of alpha_jh dr2 and alpha_jh du, and the softmax backward ds_j = alpha_j (g_j - sum_k alpha_k g_k)
  const eqRow = 2 * p;
  const voE = tVO + <usize>(eqRow * NH) * d * s;
  const dvoE = tdVO + <usize>(eqRow * NH) * d * s;
  const vowE = tVOW + <usize>(eqRow * NH) * mm * s;
  const dvowE = tdVOW + <usize>(eqRow * NH) * mm * s;
  for (let r = 0; r < m; r++) {
    const rowA = load<i32>(idxA + <usize>(first + r) * 4);
    const rowB = p + load<i32>(idxB + <usize>(first + r) * 4);
    const dr = tdR + <usize>r * d * s;
    const du = tdU + <usize>r * mm * s;
    for (let q: usize = 0; q < d * s; q += 16) v128.store(tdResidual + q, v128.add<T>(v128.load(tdResidual + q), v128.load(dr + q)));
    for (let q: usize = 0; q < mm * s; q += 16) v128.store(tSumDu + q, v128.add<T>(v128.load(tSumDu + q), v128.load(du + q)));
    const voA = tVO + <usize>(rowA * NH) * d * s;
    const voB = tVO + <usize>(rowB * NH) * d * s;
    const dvoA = tdVO + <usize>(rowA * NH) * d * s;
    const dvoB = tdVO + <usize>(rowB * NH) * d * s;
    const vowA = tVOW + <usize>(rowA * NH) * mm * s;
    const vowB = tVOW + <usize>(rowB * NH) * mm * s;
    const dvowA = tdVOW + <usize>(rowA * NH) * mm * s;
    const dvowB = tdVOW + <usize>(rowB * NH) * mm * s;
    const al = tAlpha + <usize>(r * 3 * NH) * s;
    for (let h = 0; h < NH; h++) {
      const a0 = load<T>(al + <usize>h * s);
      const a1 = load<T>(al + <usize>(NH + h) * s);
      const a2 = load<T>(al + <usize>(2 * NH + h) * s);
      const va0 = v128.splat<T>(a0);
      const va1 = v128.splat<T>(a1);
      const va2 = v128.splat<T>(a2);
      let g0 = v128.splat<T>(<T>0);
      let g1 = v128.splat<T>(<T>0);
      let g2 = v128.splat<T>(<T>0);
      const hd = <usize>h * d * s;
      for (let q: usize = 0; q < d * s; q += 16) {
        const x = v128.load(dr + q);
        g0 = madd<T>(g0, x, v128.load(voA + hd + q));
        g1 = madd<T>(g1, x, v128.load(voB + hd + q));
        g2 = madd<T>(g2, x, v128.load(voE + hd + q));
        v128.store(dvoA + hd + q, madd<T>(v128.load(dvoA + hd + q), va0, x));
        v128.store(dvoB + hd + q, madd<T>(v128.load(dvoB + hd + q), va1, x));
        v128.store(dvoE + hd + q, madd<T>(v128.load(dvoE + hd + q), va2, x));
      }
      // The same walk as the loop above, over the MLP half (du against VOW, 512 wide) where that one
      // covers the residual half (dr against VO, 128 wide): the three running dots g0..g2 carry from one
      // loop into the other, so they stay two loops of one body rather than a helper returning three sums.
      const hm = <usize>h * mm * s;
      for (let q: usize = 0; q < mm * s; q += 16) {
        const x = v128.load(du + q);
        g0 = madd<T>(g0, x, v128.load(vowA + hm + q));
        g1 = madd<T>(g1, x, v128.load(vowB + hm + q));
        g2 = madd<T>(g2, x, v128.load(vowE + hm + q));
        v128.store(dvowA + hm + q, madd<T>(v128.load(dvowA + hm + q), va0, x));
        v128.store(dvowB + hm + q, madd<T>(v128.load(dvowB + hm + q), va1, x));
        v128.store(dvowE + hm + q, madd<T>(v128.load(dvowE + hm + q), va2, x));
      }
      const d0 = laneSum<T>(g0);
      const d1 = laneSum<T>(g1);
      const d2 = laneSum<T>(g2);
      const mean = a0 * d0 + a1 * d1 + a2 * d2;
      const at0 = tdS + <usize>(rowA * NH + h) * s;
      const at1 = tdS + <usize>(rowB * NH + h) * s;
      const at2 = tdS + <usize>(eqRow * NH + h) * s;
      store<T>(at0, load<T>(at0) + a0 * (d0 - mean));
      store<T>(at1, load<T>(at1) + a1 * (d1 - mean));
      store<T>(at2, load<T>(at2) + a2 * (d2 - mean));
    }
  }
}

/** The per-step sums multiplied back: Win, Wout, U's second part, then scores, VO, keys, values, query, X = E + P. */
function finishBackward<T>(): void {
  const s = size;
  const d = <usize>D;
  const scale = <T>SCORE_SCALE;
  const eqRow = 2 * p;
  const x2 = tX + <usize>eqRow * d * s;
  // Wout and U: dWout = (G^T dz) U^T, dU += Wout^T (G^T dz)
  gemm<T>(M, D, classes, tGdZ, padded, 1, tUT, D, gWout, D, INIT_ZERO, 0);
  gemm<T>(D, padded, M, pWout, 1, D, tGdZ, padded, tdUpad, padded, INIT_LOAD, 0);
  // Win: r = x_2 + sum alpha V_h Wo_h, so dWin = x_2^T sum du + sum_h Wo_h^T VdU_h, VdU_h = sum_r V[r]_h^T dVOW[r][h]
  for (let h = 0; h < NH; h++) {
    gemm<T>(HD, M, rows, tV + <usize>(h * HD) * s, 1, D, tdVOW + <usize>(h * M) * s, NH * M, tVdU + <usize>(h * HD * M) * s, M, INIT_ZERO, 0);
  }
  gemm<T>(D, M, D, pWo, 1, D, tVdU, M, gWin, M, INIT_ZERO, 0);
  for (let i = 0; i < D; i++) {
    const xi = v128.splat<T>(load<T>(x2 + <usize>i * s));
    const row = gWin + <usize>(i * M) * s;
    for (let q: usize = 0; q < <usize>M * s; q += 16) v128.store(row + q, madd<T>(v128.load(row + q), xi, v128.load(tSumDu + q)));
  }
  // the residual path: sum dr = sum dr2 + (sum du) Win^T
  gemm<T>(1, D, M, tSumDu, M, 1, tWinT, D, tdResidual, D, INIT_LOAD, 0);
  // dK[r]_h = (dS[r][h] / sqrt 32) q_h;  dq_h = sum_r (dS[r][h] / sqrt 32) K[r]_h, in row order
  memory.fill(tdq, 0, d * s);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < NH; h++) {
      const ds = v128.splat<T>(load<T>(tdS + <usize>(r * NH + h) * s) * scale);
      const off = <usize>(h * HD) * s;
      const kr = tK + <usize>r * d * s + off;
      const dkr = tdK + <usize>r * d * s + off;
      for (let q: usize = 0; q < <usize>HD * s; q += 16) {
        v128.store(dkr + q, v128.mul<T>(ds, v128.load(tq + off + q)));
        v128.store(tdq + off + q, madd<T>(v128.load(tdq + off + q), ds, v128.load(kr + q)));
      }
    }
  }
  // VO[r][h] = V[r]_h Wo_h, VOW[r][h] = V[r]_h (Wo Win)_h:
  // dV[r]_h = dVO[r][h] Wo_h^T + dVOW[r][h] (Wo Win)_h^T;  dWo_h = sum_r V[r]_h^T dVO[r][h] + VdU_h Win^T
  for (let h = 0; h < NH; h++) {
    gemm<T>(rows, HD, D, tdVO + <usize>(h * D) * s, NH * D, 1, tWoT + <usize>(h * HD) * s, D, tdV + <usize>(h * HD) * s, D, INIT_ZERO, 0);
    gemm<T>(rows, HD, M, tdVOW + <usize>(h * M) * s, NH * M, 1, tWoWinT + <usize>(h * HD) * s, D, tdV + <usize>(h * HD) * s, D, INIT_LOAD, 0);
    gemm<T>(HD, D, rows, tV + <usize>(h * HD) * s, 1, D, tdVO + <usize>(h * D) * s, NH * D, gWo + <usize>(h * HD * D) * s, D, INIT_ZERO, 0);
  }
  gemm<T>(D, D, M, tVdU, M, 1, tWinT, D, gWo, D, INIT_LOAD, 0);
  // K = X Wk, V = X Wv: dWk = X^T dK, dWv = X^T dV, dX = dK Wk^T + dV Wv^T; q = x_2 Wq: dWq = x_2^T dq
  gemm<T>(D, D, rows, tX, 1, D, tdK, D, gWk, D, INIT_ZERO, 0);
  gemm<T>(D, D, rows, tX, 1, D, tdV, D, gWv, D, INIT_ZERO, 0);
  for (let i = 0; i < D; i++) {
    const xi = v128.splat<T>(load<T>(x2 + <usize>i * s));
    const row = gWq + <usize>i * d * s;
    for (let q: usize = 0; q < d * s; q += 16) v128.store(row + q, v128.mul<T>(xi, v128.load(tdq + q)));
  }
  gemm<T>(rows, D, D, tdK, D, 1, tWkT, D, tdX, D, INIT_ZERO, 0);
  gemm<T>(rows, D, D, tdV, D, 1, tWvT, D, tdX, D, INIT_LOAD, 0);
  // the "=" row also feeds the query and the residual stream
  const dx2 = tdX + <usize>eqRow * d * s;
  gemm<T>(1, D, D, tdq, D, 1, tWqT, D, dx2, D, INIT_LOAD, 0);
  for (let q: usize = 0; q < d * s; q += 16) v128.store(dx2 + q, v128.add<T>(v128.load(dx2 + q), v128.load(tdResidual + q)));
  // X rows back to E and P: dE[t] = dX[t] + dX[p + t], dE[p] = dX[2p]; dP[j] = sums over t, in t order
  memory.fill(gP, 0, 2 * d * s);
  for (let t = 0; t < p; t++) {
    const x0 = tdX + <usize>t * d * s;
    const x1 = tdX + <usize>(p + t) * d * s;
    const e = gE + <usize>t * d * s;
    for (let q: usize = 0; q < d * s; q += 16) {
      const v0 = v128.load(x0 + q);
      const v1 = v128.load(x1 + q);
      v128.store(e + q, v128.add<T>(v0, v1));
      v128.store(gP + q, v128.add<T>(v128.load(gP + q), v0));
      v128.store(gP + d * s + q, v128.add<T>(v128.load(gP + d * s + q), v1));
    }
  }
  memory.copy(gE + <usize>p * d * s, dx2, d * s);
  memory.copy(gP + 2 * d * s, dx2, d * s);
  // U's gradient without the padding columns
  const rowBytes = <usize>classes * s;
  for (let i = 0; i < D; i++) memory.copy(gU + <usize>i * rowBytes, tdUpad + <usize>(i * padded) * s, rowBytes);
}

// ---------------------------------------------------------------- entry points (T-generic)

export function tfBeginStep<T>(): void {
  prepareForward<T>();
  prepareBackward<T>();
}

/** Examples 0..count of the index buffers; scale = n tau for the whole batch (the mean's 1/n). */
export function tfTrainChunk<T>(count: i32, crossEntropy: bool, tau: f64, scale: f64): void {
  for (let first = 0; first < count; first += block) {
    const m = count - first < block ? count - first : block;
    trainBlock<T>(first, m, crossEntropy, <T>tau, <T>scale);
  }
}

export function tfEndStep<T>(): f64 {
  finishBackward<T>();
  return lossTotal;
}

export function tfBeginLogits<T>(): void {
  prepareForward<T>();
}

/** Logits of examples 0..count (count <= chunk) into the logits slot, count x (p + 1), row-major. */
export function tfLogitsChunk<T>(count: i32): void {
  const s = size;
  const rowBytes = <usize>padded * s;
  const outRow = <usize>classes * s;
  for (let first = 0; first < count; first += block) {
    const m = count - first < block ? count - first : block;
    attention<T>(first, m);
    mlpBlockForward<T>(m, false);
    const out = logitsOut + <usize>first * outRow;
    for (let r = 0; r < m; r++) memory.copy(out + <usize>r * outRow, tZ + <usize>r * rowBytes, outRow);
  }
}
