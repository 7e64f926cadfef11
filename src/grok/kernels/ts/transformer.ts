/**
 * The paper's no-LayerNorm transformer in TypeScript, forward and backward derived by hand, float32 and
 * float64. Tokens [a, b, =] ("=" is token p), d = 128, 4 heads of 32, no biases:
 *
 *   x_j = E[token_j] + P[j];  q = x_2 Wq;  k_j = x_j Wk;  v_j = x_j Wv
 *   per head h: alpha_h = softmax_j(q_h . k_{j,h} / sqrt(32));  o_h = sum_j alpha_{j,h} v_{j,h}
 *   r = x_2 + o Wo;  u = r Win;  r2 = r + GELU(u) Wout;  z = r2 U
 *
 * Exact per-token precomputation: the query comes from the constant "=" position, so q is one vector per
 * step; x_0 depends on a only, x_1 on b only, x_2 on nothing. Stacking the rows X = [E[t] + P[0] (t < p);
 * E[t] + P[1] (t < p); E[p] + P[2]] (2p + 1 rows), the keys K = X Wk, values V = X Wv, scores
 * S[row][h] = q_h . K[row]_h / sqrt(32) and the head outputs through Wo, VO[row][h] = V[row]_h Wo_h
 * (Wo_h = rows 32h..32h+31 of Wo), are tables computed once per step. An example then costs a 3-way
 * softmax per head and 12 scaled 128-vector additions before the MLP block, which dominates.
 * Backward accumulates per-token sums of the score and VO gradients and multiplies back at token level.
 *
 * As in the MLP kernel, arithmetic runs on Float64Array buffers; in float32 mode every stored tensor is
 * rounded to float32.
 */
import {
  TF_DIM,
  TF_HEADS,
  TF_HEAD_DIM,
  TF_MLP,
  type FloatArray,
  type Kernel,
  type LossKind,
  type PairBatch,
  type Precision,
  type TransformerTensors,
} from '../contract.ts';
import { INV_SQRT_2PI, SQRT1_2, erf, exp } from '../../math.ts';
import { ensureCapacity, gemmABt, roundToFloat32, transpose } from './linalg.ts';
import { lossAndLogitGradient } from './softmax.ts';
import { TS_KERNELS_IDENTITY } from './identity.ts';
import { checkBatch } from './batch.ts';

const D = TF_DIM; // 128
const NH = TF_HEADS; // 4
const HD = TF_HEAD_DIM; // 32
const M = TF_MLP; // 512
const SCORE_SCALE = 1 / Math.sqrt(HD); // sqrt and / are correctly rounded: the same double everywhere

function makeTensors(p: number, precision: Precision): TransformerTensors<FloatArray> {
  const make = (n: number): FloatArray => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
  const v = p + 1;
  return {
    E: make(v * D),
    P: make(3 * D),
    Wq: make(D * D),
    Wk: make(D * D),
    Wv: make(D * D),
    Wo: make(D * D),
    Win: make(D * M),
    Wout: make(M * D),
    U: make(D * v),
  };
}

const NAMES = ['E', 'P', 'Wq', 'Wk', 'Wv', 'Wo', 'Win', 'Wout', 'U'] as const;
type Name = (typeof NAMES)[number];

export class TsTransformerKernel implements Kernel<TransformerTensors<FloatArray>> {
  readonly model = 'transformer' as const;
  readonly classes: number;
  readonly params: TransformerTensors<FloatArray>;
  readonly grads: TransformerTensors<FloatArray>;
  readonly identity = TS_KERNELS_IDENTITY;

  private readonly f32: boolean;
  private readonly rows: number; // 2p + 1 token-level rows
  private readonly w: Record<Name, Float64Array>; // double working copies (the params in float64 mode)
  // token-level tables
  private readonly X: Float64Array; // rows x 128
  private readonly x2: Float64Array; // the "=" row of X (a view)
  private readonly XT: Float64Array; // 128 x rows
  private readonly WqT = new Float64Array(D * D);
  private readonly WkT = new Float64Array(D * D);
  private readonly WvT = new Float64Array(D * D);
  private readonly WinT = new Float64Array(M * D);
  private readonly WoutT = new Float64Array(D * M);
  private readonly UT: Float64Array; // (p+1) x 128
  private readonly q = new Float64Array(D);
  private readonly K: Float64Array; // rows x 128
  private readonly V: Float64Array; // rows x 128
  private readonly S: Float64Array; // rows x 4 scores
  private readonly VO: Float64Array; // rows x 4 x 128
  private readonly dS: Float64Array; // rows x 4
  private readonly dVO: Float64Array; // rows x 4 x 128
  private readonly dK: Float64Array; // rows x 128
  private readonly dV: Float64Array; // rows x 128
  private readonly dKT: Float64Array; // 128 x rows
  private readonly dVT: Float64Array; // 128 x rows
  private readonly dX: Float64Array; // rows x 128
  private readonly dXpart: Float64Array; // rows x 128
  private readonly dq = new Float64Array(D);
  private readonly dResidual = new Float64Array(D); // sum over examples of dr (the x_2 residual path)
  private readonly dWtmp = new Float64Array(D * M);
  private readonly scaled: Float64Array;
  private readonly prob: Float64Array;
  // per-example buffers, grown to the largest batch seen
  private alpha: Float64Array = new Float64Array(0); // n x 4 x 3
  private R: Float64Array = new Float64Array(0); // n x 128 (r)
  private U1: Float64Array = new Float64Array(0); // n x 512 (GELU(u))
  private U1p: Float64Array = new Float64Array(0); // n x 512 (GELU'(u))
  private R2: Float64Array = new Float64Array(0); // n x 128 (r2)
  private Z: Float64Array = new Float64Array(0); // n x (p+1)
  private dZ: Float64Array = new Float64Array(0);
  private dZT: Float64Array = new Float64Array(0);
  private R2T: Float64Array = new Float64Array(0);
  private dR: Float64Array = new Float64Array(0); // n x 128: dr2, then dr
  private dRT: Float64Array = new Float64Array(0);
  private U1T: Float64Array = new Float64Array(0);
  private dU: Float64Array = new Float64Array(0); // n x 512: dg, then du
  private dUT: Float64Array = new Float64Array(0);
  private RT: Float64Array = new Float64Array(0);
  private tmpN: Float64Array = new Float64Array(0); // n x 128 scratch

  constructor(
    readonly p: number,
    readonly precision: Precision,
  ) {
    if (!Number.isInteger(p) || p < 2) throw new Error(`TsTransformerKernel: expected an integer modulus p >= 2, found ${p}`);
    if (precision !== 'f32' && precision !== 'f64') {
      throw new Error(`TsTransformerKernel: expected precision 'f32' or 'f64', found ${JSON.stringify(precision)}`);
    }
    this.f32 = precision === 'f32';
    this.classes = p + 1;
    this.params = makeTensors(p, precision);
    this.grads = makeTensors(p, precision);
    const w = {} as Record<Name, Float64Array>;
    for (const name of NAMES) {
      const param = this.params[name];
      w[name] = this.f32 ? new Float64Array(param.length) : (param as Float64Array);
    }
    this.w = w;
    const rows = 2 * p + 1;
    this.rows = rows;
    this.X = new Float64Array(rows * D);
    this.x2 = this.X.subarray(2 * p * D, 2 * p * D + D);
    this.XT = new Float64Array(D * rows);
    this.UT = new Float64Array((p + 1) * D);
    this.K = new Float64Array(rows * D);
    this.V = new Float64Array(rows * D);
    this.S = new Float64Array(rows * NH);
    this.VO = new Float64Array(rows * NH * D);
    this.dS = new Float64Array(rows * NH);
    this.dVO = new Float64Array(rows * NH * D);
    this.dK = new Float64Array(rows * D);
    this.dV = new Float64Array(rows * D);
    this.dKT = new Float64Array(D * rows);
    this.dVT = new Float64Array(D * rows);
    this.dX = new Float64Array(rows * D);
    this.dXpart = new Float64Array(rows * D);
    this.scaled = new Float64Array(p + 1);
    this.prob = new Float64Array(p + 1);
  }

  logits(batch: PairBatch, out: FloatArray): void {
    checkBatch(batch, this.p);
    const size = batch.n * this.classes;
    if (out.length < size) {
      throw new Error(`logits: expected an output array of at least ${size} values (n x classes), found ${out.length}`);
    }
    this.forward(batch, false);
    const Z = this.Z;
    for (let x = 0; x < size; x++) out[x] = Z[x];
  }

  lossAndGrad(batch: PairBatch, loss: LossKind, tau: number): number {
    checkBatch(batch, this.p);
    if (loss !== 'ce' && loss !== 'mse') throw new Error(`lossAndGrad: expected loss 'ce' or 'mse', found ${JSON.stringify(loss)}`);
    const n = batch.n;
    const C = this.classes;
    const f32 = this.f32;
    const p = this.p;
    const rows = this.rows;
    this.forward(batch, true);
    this.dZ = ensureCapacity(this.dZ, n * C);
    this.dZT = ensureCapacity(this.dZT, C * n);
    this.R2T = ensureCapacity(this.R2T, D * n);
    this.dR = ensureCapacity(this.dR, n * D);
    this.dRT = ensureCapacity(this.dRT, D * n);
    this.U1T = ensureCapacity(this.U1T, M * n);
    this.dU = ensureCapacity(this.dU, n * M);
    this.dUT = ensureCapacity(this.dUT, M * n);
    this.RT = ensureCapacity(this.RT, D * n);
    this.tmpN = ensureCapacity(this.tmpN, n * D);
    const { w, alpha, R, U1, U1p, R2, Z, dZ, dZT, R2T, dR, dRT, U1T, dU, dUT, RT, tmpN, dWtmp } = this;
    const g = this.grads;
    const value = lossAndLogitGradient(Z, n, C, batch.y, loss, tau, f32, dZ, this.scaled, this.prob);

    // Unembedding: dU = r2^T dz (as (dz^T r2)^T), dr2 = dz U^T.
    transpose(dZ, dZT, n, C);
    transpose(R2, R2T, n, D);
    gemmABt(dZT, R2T, dWtmp, C, D, n); // (p+1) x 128
    transposeInto(dWtmp, g.U, C, D);
    gemmABt(dZ, w.U, dR, n, D, C);
    if (f32) roundToFloat32(dR, n * D);

    // MLP block: dWout = g^T dm, dg = dm Wout^T, du = dg GELU'(u), dWin = r^T du, dr = dr2 + du Win^T.
    // Each layer's backward is the same pair of products (x^T d for the weight, d W^T for the input), so
    // the Wout and Win steps below look alike: two layers, not a copy.
    transpose(U1, U1T, n, M);
    transpose(dR, dRT, n, D);
    gemmABt(U1T, dRT, dWtmp, M, D, n); // 512 x 128 = Wout's layout
    g.Wout.set(dWtmp.subarray(0, M * D));
    gemmABt(dR, w.Wout, dU, n, M, D);
    const nm = n * M;
    if (f32) for (let x = 0; x < nm; x++) dU[x] = Math.fround(Math.fround(dU[x]) * U1p[x]);
    else for (let x = 0; x < nm; x++) dU[x] = dU[x] * U1p[x];
    transpose(R, RT, n, D);
    transpose(dU, dUT, n, M);
    gemmABt(RT, dUT, dWtmp, D, M, n); // 128 x 512 = Win's layout
    g.Win.set(dWtmp.subarray(0, D * M));
    gemmABt(dU, w.Win, tmpN, n, D, M);
    const nd = n * D;
    for (let x = 0; x < nd; x++) dR[x] = f32 ? Math.fround(dR[x] + tmpN[x]) : dR[x] + tmpN[x];

    // Attention, per example: attn = sum_h sum_j alpha_jh VO[row_j][h]. Accumulate per-token sums of
    // the score gradients (dS) and of the VO gradients (dVO); the residual x_2 collects sum_i dr_i.
    const { VO, dS, dVO, dResidual } = this;
    dS.fill(0);
    dVO.fill(0);
    dResidual.fill(0);
    const a = batch.a;
    const b = batch.b;
    const eqRow = 2 * p;
    for (let i = 0; i < n; i++) {
      const o = i * D;
      for (let c = 0; c < D; c++) dResidual[c] += dR[o + c];
      const rowA = a[i];
      const rowB = p + b[i];
      for (let h = 0; h < NH; h++) {
        const al = (i * NH + h) * 3;
        const a0 = alpha[al];
        const a1 = alpha[al + 1];
        const a2 = alpha[al + 2];
        const v0 = (rowA * NH + h) * D;
        const v1 = (rowB * NH + h) * D;
        const v2 = (eqRow * NH + h) * D;
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        for (let c = 0; c < D; c++) {
          const d = dR[o + c];
          g0 += d * VO[v0 + c];
          g1 += d * VO[v1 + c];
          g2 += d * VO[v2 + c];
          dVO[v0 + c] += a0 * d;
          dVO[v1 + c] += a1 * d;
          dVO[v2 + c] += a2 * d;
        }
        if (f32) {
          g0 = Math.fround(g0);
          g1 = Math.fround(g1);
          g2 = Math.fround(g2);
        }
        // softmax backward: ds_j = alpha_j (g_j - sum_k alpha_k g_k)
        const mean = a0 * g0 + a1 * g1 + a2 * g2;
        let s0 = a0 * (g0 - mean);
        let s1 = a1 * (g1 - mean);
        let s2 = a2 * (g2 - mean);
        if (f32) {
          s0 = Math.fround(s0);
          s1 = Math.fround(s1);
          s2 = Math.fround(s2);
        }
        dS[rowA * NH + h] += s0;
        dS[rowB * NH + h] += s1;
        dS[eqRow * NH + h] += s2;
      }
    }
    if (f32) {
      roundToFloat32(dS, rows * NH);
      roundToFloat32(dVO, rows * NH * D);
      roundToFloat32(dResidual, D);
    }
    this.tokenBackward();
    return value;
  }

  /** Backward through the token-level tables: scores, VO, keys, values, query, X = E + P. */
  private tokenBackward(): void {
    const { w, q, K, V, X, XT, dS, dVO, dK, dV, dKT, dVT, dX, dXpart, dq, dResidual, f32, rows, dWtmp } = this;
    const p = this.p;
    const g = this.grads;
    const eqRow = 2 * p;
    // scores S[r][h] = SCALE q_h . K[r]_h  ->  dK[r]_h = SCALE dS[r][h] q_h,  dq_h = SCALE sum_r dS[r][h] K[r]_h
    dq.fill(0);
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < NH; h++) {
        const ds = dS[r * NH + h] * SCORE_SCALE;
        const base = r * D + h * HD;
        for (let c = 0; c < HD; c++) {
          dK[base + c] = ds * q[h * HD + c];
          dq[h * HD + c] += ds * K[base + c];
        }
      }
    }
    if (f32) {
      roundToFloat32(dK, rows * D);
      roundToFloat32(dq, D);
    }
    // VO[r][h] = V[r]_h Wo_h  ->  dV[r]_h = dVO[r][h] Wo_h^T,  dWo_h = sum_r V[r]_h^T dVO[r][h]
    const Wo = w.Wo;
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < NH; h++) {
        const src = (r * NH + h) * D;
        for (let c = 0; c < HD; c++) {
          const wrow = (h * HD + c) * D;
          let s = 0;
          for (let o = 0; o < D; o++) s += dVO[src + o] * Wo[wrow + o];
          dV[r * D + h * HD + c] = s;
        }
      }
    }
    if (f32) roundToFloat32(dV, rows * D);
    const gWo = g.Wo;
    for (let h = 0; h < NH; h++) {
      for (let c = 0; c < HD; c++) {
        const col = h * HD + c;
        dWtmp.fill(0, 0, D);
        for (let r = 0; r < rows; r++) {
          const v = V[r * D + col];
          const src = (r * NH + h) * D;
          for (let o = 0; o < D; o++) dWtmp[o] += v * dVO[src + o];
        }
        for (let o = 0; o < D; o++) gWo[col * D + o] = dWtmp[o];
      }
    }
    // K = X Wk, V = X Wv: dWk = X^T dK, dWv = X^T dV; dX = dK Wk^T + dV Wv^T; q = x_2 Wq: dWq = x_2^T dq
    transpose(X, XT, rows, D);
    transpose(dK, dKT, rows, D);
    gemmABt(XT, dKT, dWtmp, D, D, rows);
    g.Wk.set(dWtmp.subarray(0, D * D));
    transpose(dV, dVT, rows, D);
    gemmABt(XT, dVT, dWtmp, D, D, rows);
    g.Wv.set(dWtmp.subarray(0, D * D));
    const gWq = g.Wq;
    const x2 = eqRow * D;
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) gWq[i * D + j] = X[x2 + i] * dq[j];
    gemmABt(dK, w.Wk, dX, rows, D, D);
    gemmABt(dV, w.Wv, dXpart, rows, D, D);
    for (let x = 0; x < rows * D; x++) dX[x] += dXpart[x];
    // the "=" row also feeds the query and the residual stream
    const Wq = w.Wq;
    for (let i = 0; i < D; i++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += dq[j] * Wq[i * D + j];
      dX[x2 + i] += s + dResidual[i];
    }
    if (f32) roundToFloat32(dX, rows * D);
    // X rows: E[t] + P[0] (t < p), E[t] + P[1] (t < p), E[p] + P[2]
    const gE = g.E;
    const gP = g.P;
    for (let t = 0; t < p; t++) for (let c = 0; c < D; c++) gE[t * D + c] = dX[t * D + c] + dX[(p + t) * D + c];
    for (let c = 0; c < D; c++) gE[p * D + c] = dX[x2 + c];
    for (let c = 0; c < D; c++) {
      let s0 = 0;
      let s1 = 0;
      for (let t = 0; t < p; t++) {
        s0 += dX[t * D + c];
        s1 += dX[(p + t) * D + c];
      }
      gP[c] = s0;
      gP[D + c] = s1;
      gP[2 * D + c] = dX[x2 + c];
    }
  }

  private forward(batch: PairBatch, withDerivative: boolean): void {
    const n = batch.n;
    const p = this.p;
    const C = this.classes;
    const f32 = this.f32;
    const rows = this.rows;
    const w = this.w;
    if (f32) for (const name of NAMES) w[name].set(this.params[name]);
    this.alpha = ensureCapacity(this.alpha, n * NH * 3);
    this.R = ensureCapacity(this.R, n * D);
    this.U1 = ensureCapacity(this.U1, n * M);
    if (withDerivative) this.U1p = ensureCapacity(this.U1p, n * M);
    this.R2 = ensureCapacity(this.R2, n * D);
    this.Z = ensureCapacity(this.Z, n * C);
    this.tmpN = ensureCapacity(this.tmpN, n * D);
    const { X, WqT, WkT, WvT, WinT, WoutT, UT, q, K, V, S, VO, alpha, R, U1, U1p, R2, Z, tmpN } = this;
    const E = w.E;
    const P = w.P;
    const eqRow = 2 * p;

    // Token-level tables.
    for (let t = 0; t < p; t++) {
      for (let c = 0; c < D; c++) {
        X[t * D + c] = E[t * D + c] + P[c];
        X[(p + t) * D + c] = E[t * D + c] + P[D + c];
      }
    }
    for (let c = 0; c < D; c++) X[eqRow * D + c] = E[p * D + c] + P[2 * D + c];
    if (f32) roundToFloat32(X, rows * D);
    transpose(w.Wk, WkT, D, D);
    transpose(w.Wv, WvT, D, D);
    transpose(w.Wq, WqT, D, D);
    gemmABt(X, WkT, K, rows, D, D);
    gemmABt(X, WvT, V, rows, D, D);
    gemmABt(this.x2, WqT, q, 1, D, D);
    if (f32) {
      roundToFloat32(K, rows * D);
      roundToFloat32(V, rows * D);
      roundToFloat32(q, D);
    }
    const Wo = w.Wo;
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < NH; h++) {
        const base = r * D + h * HD;
        let s = 0;
        for (let c = 0; c < HD; c++) s += q[h * HD + c] * K[base + c];
        S[r * NH + h] = f32 ? Math.fround(s * SCORE_SCALE) : s * SCORE_SCALE;
        // VO[r][h] = V[r]_h Wo_h, summed over the 32 head coordinates in order
        const dst = (r * NH + h) * D;
        VO.fill(0, dst, dst + D);
        for (let c = 0; c < HD; c++) {
          const v = V[base + c];
          const wrow = (h * HD + c) * D;
          for (let o = 0; o < D; o++) VO[dst + o] += v * Wo[wrow + o];
        }
      }
    }
    if (f32) roundToFloat32(VO, rows * NH * D);

    // Per example: 3-way softmax per head, r = x_2 + sum_h sum_j alpha_jh VO[row_j][h].
    const a = batch.a;
    const b = batch.b;
    const x2 = eqRow * D;
    for (let i = 0; i < n; i++) {
      const o = i * D;
      const rowA = a[i];
      const rowB = p + b[i];
      for (let c = 0; c < D; c++) tmpN[o + c] = 0;
      for (let h = 0; h < NH; h++) {
        const s0 = S[rowA * NH + h];
        const s1 = S[rowB * NH + h];
        const s2 = S[eqRow * NH + h];
        const m = s0 > s1 ? (s0 > s2 ? s0 : s2) : s1 > s2 ? s1 : s2;
        let e0 = exp(s0 - m);
        let e1 = exp(s1 - m);
        let e2 = exp(s2 - m);
        let sum: number;
        if (f32) {
          e0 = Math.fround(e0);
          e1 = Math.fround(e1);
          e2 = Math.fround(e2);
          sum = Math.fround(Math.fround(e0 + e1) + e2);
        } else {
          sum = e0 + e1 + e2;
        }
        let a0 = e0 / sum;
        let a1 = e1 / sum;
        let a2 = e2 / sum;
        if (f32) {
          a0 = Math.fround(a0);
          a1 = Math.fround(a1);
          a2 = Math.fround(a2);
        }
        const al = (i * NH + h) * 3;
        alpha[al] = a0;
        alpha[al + 1] = a1;
        alpha[al + 2] = a2;
        const v0 = (rowA * NH + h) * D;
        const v1 = (rowB * NH + h) * D;
        const v2 = (eqRow * NH + h) * D;
        for (let c = 0; c < D; c++) tmpN[o + c] += a0 * VO[v0 + c] + a1 * VO[v1 + c] + a2 * VO[v2 + c];
      }
      for (let c = 0; c < D; c++) {
        const attn = f32 ? Math.fround(tmpN[o + c]) : tmpN[o + c];
        R[o + c] = f32 ? Math.fround(X[x2 + c] + attn) : X[x2 + c] + attn;
      }
    }

    // MLP block and unembedding.
    transpose(w.Win, WinT, D, M);
    gemmABt(R, WinT, U1, n, M, D);
    const nm = n * M;
    for (let x = 0; x < nm; x++) {
      let u = U1[x];
      if (f32) u = Math.fround(u);
      const phi = 0.5 * (1 + erf(u * SQRT1_2));
      U1[x] = f32 ? Math.fround(u * phi) : u * phi;
      if (withDerivative) {
        const d = phi + u * INV_SQRT_2PI * exp(-0.5 * u * u);
        U1p[x] = f32 ? Math.fround(d) : d;
      }
    }
    transpose(w.Wout, WoutT, M, D);
    gemmABt(U1, WoutT, tmpN, n, D, M);
    const nd = n * D;
    for (let x = 0; x < nd; x++) {
      const mlp = f32 ? Math.fround(tmpN[x]) : tmpN[x];
      R2[x] = f32 ? Math.fround(R[x] + mlp) : R[x] + mlp;
    }
    transpose(w.U, UT, D, C);
    gemmABt(R2, UT, Z, n, C, D);
    if (f32) roundToFloat32(Z, n * C);
  }
}

/** out (cols x rows, a parameter-shaped gradient view) = in (rows x cols)^T. */
function transposeInto(input: Float64Array, out: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = input[r * cols + c];
}
