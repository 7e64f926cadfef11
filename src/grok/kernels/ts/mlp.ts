/**
 * The paper's MLP in TypeScript, forward and backward derived by hand, float32 and float64.
 *
 *   h = concat(E[a], E[b]) W1 + b1,  g = GELU(h),  z = g W2 + b2
 *
 * The first layer is factorised exactly: concat(E[a], E[b]) W1 = (E W1_top)[a] + (E W1_bottom)[b], so the
 * p x 512 table AB = E [W1_top | W1_bottom] is computed once per step and each example only adds two rows.
 * Backward mirrors it: dH is scattered into per-token sums dAB (p x 512), then dW1 = E^T dAB and
 * dE = dAB [W1_top | W1_bottom]^T, each a single product.
 *
 * All arithmetic runs on Float64Array working buffers (one code path, monomorphic for the JIT). In float32
 * mode every stored tensor (the AB table, g, GELU', logits, dZ, dG, dH, dAB, and the gradients written to
 * the Float32Array views) is rounded to float32 on store; sums inside one product are double.
 */
import {
  MLP_EMBED,
  MLP_HIDDEN,
  type FloatArray,
  type Kernel,
  type LossKind,
  type MlpTensors,
  type PairBatch,
  type Precision,
} from '../contract.ts';
import { INV_SQRT_2PI, SQRT1_2, erf, exp } from '../../math.ts';
import { ensureCapacity, gemmABt, roundToFloat32, transpose } from './linalg.ts';
import { lossAndLogitGradient } from './softmax.ts';
import { TS_KERNELS_IDENTITY } from './identity.ts';
import { checkBatch } from './batch.ts';

const D = MLP_EMBED; // 128
const H = MLP_HIDDEN; // 256
const H2 = 2 * H; // the concatenated [W1_top | W1_bottom] width

function makeTensors(p: number, precision: Precision): MlpTensors<FloatArray> {
  const make = (n: number): FloatArray => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
  return { E: make(p * D), W1: make(H * H), b1: make(H), W2: make(H * p), b2: make(p) };
}

export class TsMlpKernel implements Kernel<MlpTensors<FloatArray>> {
  readonly model = 'mlp' as const;
  readonly classes: number;
  readonly params: MlpTensors<FloatArray>;
  readonly grads: MlpTensors<FloatArray>;
  readonly identity = TS_KERNELS_IDENTITY;

  private readonly f32: boolean;
  // Double working copies of the parameters (the parameter arrays themselves in float64 mode).
  private readonly E: Float64Array;
  private readonly W1: Float64Array;
  private readonly b1: Float64Array;
  private readonly W2: Float64Array;
  private readonly b2: Float64Array;
  // Per-step tables of size independent of the batch.
  private readonly W1catT = new Float64Array(H2 * D); // [W1_top | W1_bottom]^T, 512 x 128
  private readonly W1cat = new Float64Array(D * H2); // [W1_top | W1_bottom], 128 x 512
  private readonly W2T: Float64Array; // p x 256
  private readonly AB: Float64Array; // p x 512: E W1_top | E W1_bottom
  private readonly ET: Float64Array; // 128 x p
  private readonly dAB: Float64Array; // p x 512
  private readonly dABT: Float64Array; // 512 x p
  private readonly dW1cat = new Float64Array(D * H2); // 128 x 512
  private readonly dW2T: Float64Array; // p x 256
  private readonly dE: Float64Array; // p x 128
  private readonly db1 = new Float64Array(H);
  private readonly scaled: Float64Array;
  private readonly prob: Float64Array;
  // Per-example buffers, grown to the largest batch seen.
  private G: Float64Array = new Float64Array(0); // n x 256, GELU(h)
  private Gp: Float64Array = new Float64Array(0); // n x 256, GELU'(h)
  private GT: Float64Array = new Float64Array(0); // 256 x n
  private Z: Float64Array = new Float64Array(0); // n x p logits
  private dZ: Float64Array = new Float64Array(0); // n x p
  private dZT: Float64Array = new Float64Array(0); // p x n
  private dG: Float64Array = new Float64Array(0); // n x 256, becomes dH in place

  constructor(
    readonly p: number,
    readonly precision: Precision,
  ) {
    if (!Number.isInteger(p) || p < 2) throw new Error(`TsMlpKernel: expected an integer modulus p >= 2, found ${p}`);
    if (precision !== 'f32' && precision !== 'f64') {
      throw new Error(`TsMlpKernel: expected precision 'f32' or 'f64', found ${JSON.stringify(precision)}`);
    }
    this.f32 = precision === 'f32';
    this.classes = p;
    this.params = makeTensors(p, precision);
    this.grads = makeTensors(p, precision);
    if (this.f32) {
      this.E = new Float64Array(p * D);
      this.W1 = new Float64Array(H * H);
      this.b1 = new Float64Array(H);
      this.W2 = new Float64Array(H * p);
      this.b2 = new Float64Array(p);
    } else {
      this.E = this.params.E as Float64Array;
      this.W1 = this.params.W1 as Float64Array;
      this.b1 = this.params.b1 as Float64Array;
      this.W2 = this.params.W2 as Float64Array;
      this.b2 = this.params.b2 as Float64Array;
    }
    this.W2T = new Float64Array(p * H);
    this.AB = new Float64Array(p * H2);
    this.ET = new Float64Array(D * p);
    this.dAB = new Float64Array(p * H2);
    this.dABT = new Float64Array(H2 * p);
    this.dW2T = new Float64Array(p * H);
    this.dE = new Float64Array(p * D);
    this.scaled = new Float64Array(p);
    this.prob = new Float64Array(p);
  }

  lossAndGrad(batch: PairBatch, loss: LossKind, tau: number): number {
    checkBatch(batch, this.p);
    if (loss !== 'ce' && loss !== 'mse') throw new Error(`lossAndGrad: expected loss 'ce' or 'mse', found ${JSON.stringify(loss)}`);
    const n = batch.n;
    const p = this.p;
    const f32 = this.f32;
    this.forward(batch, true);
    this.dZ = ensureCapacity(this.dZ, n * p);
    this.dZT = ensureCapacity(this.dZT, p * n);
    this.GT = ensureCapacity(this.GT, H * n);
    this.dG = ensureCapacity(this.dG, n * H);
    const { G, Gp, GT, Z, dZ, dZT, dG, dAB, dABT, dW1cat, dW2T, dE, db1, W1, W1cat, W2, E, ET } = this;
    const value = lossAndLogitGradient(Z, n, p, batch.y, loss, tau, f32, dZ, this.scaled, this.prob);

    // Readout: db2 = column sums of dZ, dW2 = G^T dZ (computed as its transpose dZ^T G), dG = dZ W2^T.
    transpose(dZ, dZT, n, p);
    const gb2 = this.grads.b2;
    for (let c = 0; c < p; c++) {
      let s = 0;
      const row = c * n;
      for (let i = 0; i < n; i++) s += dZT[row + i];
      gb2[c] = s;
    }
    transpose(G, GT, n, H);
    gemmABt(dZT, GT, dW2T, p, H, n);
    const gW2 = this.grads.W2;
    for (let c = 0; c < p; c++) for (let k = 0; k < H; k++) gW2[k * p + c] = dW2T[c * H + k];
    gemmABt(dZ, W2, dG, n, H, p);

    // GELU backward (dH = dG * GELU'(h), in place), db1, and the per-token scatter into dAB: the forward
    // pass's walk over each example's tokens a and b (rows ra, rb of AB), now adding into dAB.
    const nh = n * H;
    if (f32) for (let x = 0; x < nh; x++) dG[x] = Math.fround(Math.fround(dG[x]) * Gp[x]);
    else for (let x = 0; x < nh; x++) dG[x] = dG[x] * Gp[x];
    db1.fill(0);
    dAB.fill(0);
    const a = batch.a;
    const b = batch.b;
    for (let i = 0; i < n; i++) {
      const o = i * H;
      const ra = a[i] * H2;
      const rb = b[i] * H2 + H;
      for (let j = 0; j < H; j++) {
        const v = dG[o + j];
        db1[j] += v;
        dAB[ra + j] += v;
        dAB[rb + j] += v;
      }
    }
    if (f32) roundToFloat32(dAB, p * H2);
    this.grads.b1.set(db1);

    // First layer: dW1 = E^T dAB (128 x 512, split back into the top and bottom halves of W1),
    // dE = dAB [W1_top | W1_bottom]^T.
    transpose(E, ET, p, D);
    transpose(dAB, dABT, p, H2);
    gemmABt(ET, dABT, dW1cat, D, H2, p);
    const gW1 = this.grads.W1;
    for (let d = 0; d < D; d++) {
      const src = d * H2;
      const top = d * H;
      const bottom = (D + d) * H;
      for (let j = 0; j < H; j++) {
        gW1[top + j] = dW1cat[src + j];
        gW1[bottom + j] = dW1cat[src + H + j];
      }
    }
    for (let d = 0; d < D; d++) {
      const dst = d * H2;
      const top = d * H;
      const bottom = (D + d) * H;
      for (let j = 0; j < H; j++) {
        W1cat[dst + j] = W1[top + j];
        W1cat[dst + H + j] = W1[bottom + j];
      }
    }
    gemmABt(dAB, W1cat, dE, p, D, H2);
    this.grads.E.set(dE);
    return value;
  }

  logits(batch: PairBatch, out: FloatArray): void {
    checkBatch(batch, this.p);
    const size = batch.n * this.p;
    if (out.length < size) {
      throw new Error(`logits: expected an output array of at least ${size} values (n x classes), found ${out.length}`);
    }
    this.forward(batch, false);
    const Z = this.Z;
    for (let x = 0; x < size; x++) out[x] = Z[x];
  }

  /** Fills Z (n x p) and G (and GELU' in Gp when the backward pass will need it). */
  private forward(batch: PairBatch, withDerivative: boolean): void {
    const n = batch.n;
    const p = this.p;
    const f32 = this.f32;
    if (f32) {
      this.E.set(this.params.E);
      this.W1.set(this.params.W1);
      this.b1.set(this.params.b1);
      this.W2.set(this.params.W2);
      this.b2.set(this.params.b2);
    }
    this.G = ensureCapacity(this.G, n * H);
    if (withDerivative) this.Gp = ensureCapacity(this.Gp, n * H);
    this.Z = ensureCapacity(this.Z, n * p);
    const { E, W1, b1, W2, b2, W1catT, AB, W2T, G, Gp, Z } = this;

    // AB = E [W1_top | W1_bottom]: the first layer once per token.
    for (let d = 0; d < D; d++) {
      const top = d * H;
      const bottom = (D + d) * H;
      for (let j = 0; j < H; j++) {
        W1catT[j * D + d] = W1[top + j];
        W1catT[(H + j) * D + d] = W1[bottom + j];
      }
    }
    gemmABt(E, W1catT, AB, p, H2, D);
    if (f32) roundToFloat32(AB, p * H2);

    // h = A[a] + B[b] + b1, g = h Phi(h), GELU'(h) = Phi(h) + h phi(h).
    const a = batch.a;
    const b = batch.b;
    for (let i = 0; i < n; i++) {
      const o = i * H;
      const ra = a[i] * H2;
      const rb = b[i] * H2 + H;
      for (let j = 0; j < H; j++) {
        let h = AB[ra + j] + AB[rb + j] + b1[j];
        if (f32) h = Math.fround(h);
        const phi = 0.5 * (1 + erf(h * SQRT1_2));
        G[o + j] = f32 ? Math.fround(h * phi) : h * phi;
        if (withDerivative) {
          const d = phi + h * INV_SQRT_2PI * exp(-0.5 * h * h);
          Gp[o + j] = f32 ? Math.fround(d) : d;
        }
      }
    }

    // z = g W2 + b2
    transpose(W2, W2T, H, p);
    gemmABt(G, W2T, Z, n, p, H);
    for (let i = 0; i < n; i++) {
      const o = i * p;
      if (f32) for (let c = 0; c < p; c++) Z[o + c] = Math.fround(Z[o + c] + b2[c]);
      else for (let c = 0; c < p; c++) Z[o + c] = Z[o + c] + b2[c];
    }
  }
}
