/**
 * C (+)= A B on SIMD lanes of T (f32: 4 lanes, f64: 2), register-blocked 4 rows x 2 vectors.
 *
 * A is addressed by strides, A(i, k) at a + i*ai + k*ak elements, so the same kernel multiplies by A or
 * by its transpose without copying (dW2 = G^T dZ, dW1 = E^T dAB). B is row-major (row stride ldb), C too.
 * N must be a multiple of the lane count; M and K are free.
 *
 * Determinism: every element of C is its initial value plus the products over k = 0, 1, ..., K-1 added
 * one at a time in that order (in build/kernels.wasm a separate multiply and add, in build/kernels-fma.wasm
 * one fused multiply-add: madd.ts). Blocking changes which elements are computed together, never the order
 * of any sum, so results do not depend on tile sizes.
 */
import { madd } from './madd';

/** How C starts: zero, its current contents (accumulate), or a bias row broadcast down the rows. */
export const INIT_ZERO: i32 = 0;
export const INIT_LOAD: i32 = 1;
export const INIT_BIAS: i32 = 2;

@inline
function start<T>(init: i32, pc: usize, pbias: usize): v128 {
  if (init == INIT_LOAD) return v128.load(pc);
  if (init == INIT_BIAS) return v128.load(pbias);
  return v128.splat<T>(<T>0);
}

// 4 rows x 2 vectors: 8 accumulators, 2 B loads and 4 broadcasts per k (fits the 16 SIMD registers).
// The tiles are inlined into gemm: as separate functions V8 compiles their loops about 20% slower.
@inline
function tile4x2<T>(K: i32, pa: usize, ai: usize, ak: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, init: i32, pbias: usize): void {
  let c00 = start<T>(init, pc, pbias);
  let c01 = start<T>(init, pc + 16, pbias + 16);
  let c10 = start<T>(init, pc + ldc, pbias);
  let c11 = start<T>(init, pc + ldc + 16, pbias + 16);
  let c20 = start<T>(init, pc + 2 * ldc, pbias);
  let c21 = start<T>(init, pc + 2 * ldc + 16, pbias + 16);
  let c30 = start<T>(init, pc + 3 * ldc, pbias);
  let c31 = start<T>(init, pc + 3 * ldc + 16, pbias + 16);
  const a2 = ai << 1;
  const a3 = a2 + ai;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let s = v128.load_splat<T>(pa);
    c00 = madd<T>(c00, s, b0);
    c01 = madd<T>(c01, s, b1);
    s = v128.load_splat<T>(pa + ai);
    c10 = madd<T>(c10, s, b0);
    c11 = madd<T>(c11, s, b1);
    s = v128.load_splat<T>(pa + a2);
    c20 = madd<T>(c20, s, b0);
    c21 = madd<T>(c21, s, b1);
    s = v128.load_splat<T>(pa + a3);
    c30 = madd<T>(c30, s, b0);
    c31 = madd<T>(c31, s, b1);
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  v128.store(pc + ldc, c10);
  v128.store(pc + ldc, c11, 16);
  v128.store(pc + 2 * ldc, c20);
  v128.store(pc + 2 * ldc, c21, 16);
  v128.store(pc + 3 * ldc, c30);
  v128.store(pc + 3 * ldc, c31, 16);
}

@inline
function tile4x1<T>(K: i32, pa: usize, ai: usize, ak: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, init: i32, pbias: usize): void {
  let c0 = start<T>(init, pc, pbias);
  let c1 = start<T>(init, pc + ldc, pbias);
  let c2 = start<T>(init, pc + 2 * ldc, pbias);
  let c3 = start<T>(init, pc + 3 * ldc, pbias);
  const a2 = ai << 1;
  const a3 = a2 + ai;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    c0 = madd<T>(c0, v128.load_splat<T>(pa), b0);
    c1 = madd<T>(c1, v128.load_splat<T>(pa + ai), b0);
    c2 = madd<T>(c2, v128.load_splat<T>(pa + a2), b0);
    c3 = madd<T>(c3, v128.load_splat<T>(pa + a3), b0);
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c0);
  v128.store(pc + ldc, c1);
  v128.store(pc + 2 * ldc, c2);
  v128.store(pc + 3 * ldc, c3);
}

@inline
function tile1x2<T>(K: i32, pa: usize, ak: usize, pb: usize, ldb: usize, pc: usize, init: i32, pbias: usize): void {
  let c0 = start<T>(init, pc, pbias);
  let c1 = start<T>(init, pc + 16, pbias + 16);
  for (let k = 0; k < K; k++) {
    const s = v128.load_splat<T>(pa);
    c0 = madd<T>(c0, s, v128.load(pb));
    c1 = madd<T>(c1, s, v128.load(pb, 16));
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c0);
  v128.store(pc, c1, 16);
}

@inline
function tile1x1<T>(K: i32, pa: usize, ak: usize, pb: usize, ldb: usize, pc: usize, init: i32, pbias: usize): void {
  let c0 = start<T>(init, pc, pbias);
  for (let k = 0; k < K; k++) {
    c0 = madd<T>(c0, v128.load_splat<T>(pa), v128.load(pb));
    pa += ak;
    pb += ldb;
  }
  v128.store(pc, c0);
}

/** Bytes of B kept hot in the L2 cache per pass over the rows of C (half of a 1 MB L2, with room for A and C). */
const B_BUDGET: usize = 256 * 1024;
/** Longest K-chunk, which bounds the packed A strip (4 x K values). */
const MAX_CHUNK: i32 = 2048;
/** Bytes each model layout reserves for packing and hands over with setGemmPackBuffer. */
export const GEMM_PACK_BYTES: usize = B_BUDGET + 16 * 1024 + <usize>MAX_CHUNK * 4 * 8 + 64;

let packB: usize = 0;
let packA: usize = 0;

/** Scratch for the packed panels (GEMM_PACK_BYTES, 16-byte aligned), placed by the model's layout. */
export function setGemmPackBuffer(at: usize): void {
  packB = at;
  packA = at + B_BUDGET + 16 * 1024;
}

/**
 * C[M x N] = init + A B. Pointers are byte addresses; ai, ak, ldb, ldc are in elements of T.
 * bias (for INIT_BIAS) is a row of N values.
 *
 * Each 4-row strip of C streams all of B (its K x N block), so when B is larger than B_BUDGET the
 * product runs in K-chunks that fit: C = init + A[:, chunk 1] B[chunk 1] and then C += A[:, chunk j] B[chunk j].
 * Every element's sum still runs over k in increasing order, so the chunking never changes a bit.
 *
 * When B's rows are 4 KB apart or more (a multiple of 4 KB), a column strip of B maps onto a single
 * L1 set and thrashes: B is then packed into contiguous column panels. Likewise a 4-row strip of A whose
 * k-stride is such a stride (A transposed, A(i, k) = X[k][i] with long rows) is packed into a contiguous
 * K x 4 block. Below that, packing costs more than it saves. Packing copies values and changes no order
 * of operations.
 */
export function gemm<T>(M: i32, N: i32, K: i32, a: usize, ai: i32, ak: i32, b: usize, ldb: i32, c: usize, ldc: i32, init: i32, bias: usize): void {
  const size = <usize>sizeof<T>();
  const rowBytes = <usize>N * size;
  let chunk = K;
  if (<usize>K * rowBytes > B_BUDGET) {
    chunk = <i32>(B_BUDGET / rowBytes) & ~7;
    if (chunk < 16) chunk = 16;
  }
  if (chunk > MAX_CHUNK) chunk = MAX_CHUNK;
  for (let k0 = 0; k0 < K; k0 += chunk) {
    const kc = K - k0 < chunk ? K - k0 : chunk;
    const pa = a + <usize>k0 * <usize>ak * size;
    const pb = b + <usize>k0 * <usize>ldb * size;
    gemmPass<T>(M, N, kc, pa, ai, ak, pb, ldb, c, ldc, k0 == 0 ? init : INIT_LOAD, bias);
  }
}

/** A stride that maps consecutive k onto one L1 set: 4 KB or more, a multiple of 4 KB (measured: packing
 * pays from there on; at 2 KB it costs more than the conflicts). */
@inline
function conflicting(strideBytes: usize): bool {
  return strideBytes >= 4096 && (strideBytes & 4095) == 0;
}

/** One pass of gemm over all of K (the caller chunks K so that packed B fits B_BUDGET). */
function gemmPass<T>(M: i32, N: i32, K: i32, a: usize, ai: i32, ak: i32, b: usize, ldb: i32, c: usize, ldc: i32, init: i32, bias: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(<usize>16 / size);
  const aiB = <usize>ai * size;
  const akB = <usize>ak * size;
  const ldbB = <usize>ldb * size;
  const ldcB = <usize>ldc * size;
  const kk = <usize>K;
  const wide = (N / (2 * lanes)) * (2 * lanes);
  const panels = <usize>(wide / (2 * lanes));
  // B -> panels of 2 vectors (32 bytes) per k, then one panel of 1 vector for an odd last vector
  const packingB = conflicting(ldbB);
  let pb = b;
  let pbStride = ldbB;
  let pbPanel: usize = 32;
  let narrow = b + panels * 32;
  if (packingB) {
    for (let k: usize = 0; k < kk; k++) {
      const src = b + k * ldbB;
      for (let t: usize = 0; t < panels; t++) {
        const dst = packB + t * kk * 32 + k * 32;
        v128.store(dst, v128.load(src + t * 32));
        v128.store(dst, v128.load(src + t * 32, 16), 16);
      }
      if (wide < N) v128.store(packB + panels * kk * 32 + k * 16, v128.load(src + panels * 32));
    }
    pb = packB;
    pbStride = 32;
    pbPanel = kk * 32;
    narrow = packB + panels * kk * 32;
  }
  const narrowStride: usize = packingB ? 16 : ldbB;
  const packingA = conflicting(akB);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    let pa = a + <usize>i * aiB;
    let paRow = aiB;
    let paK = akB;
    if (packingA) {
      // 4 rows of A -> K x 4 values: the four broadcasts of one k come from one 16/32-byte group
      for (let k: usize = 0; k < kk; k++) {
        const at = pa + k * akB;
        const dst = packA + k * 4 * size;
        store<T>(dst, load<T>(at));
        store<T>(dst + size, load<T>(at + aiB));
        store<T>(dst + 2 * size, load<T>(at + 2 * aiB));
        store<T>(dst + 3 * size, load<T>(at + 3 * aiB));
      }
      pa = packA;
      paRow = size;
      paK = 4 * size;
    }
    const pc = c + <usize>i * ldcB;
    for (let t: usize = 0; t < panels; t++) {
      const off = t * 32;
      tile4x2<T>(K, pa, paRow, paK, pb + t * pbPanel, pbStride, pc + off, ldcB, init, bias + off);
    }
    if (wide < N) {
      const off = panels * 32;
      tile4x1<T>(K, pa, paRow, paK, narrow, narrowStride, pc + off, ldcB, init, bias + off);
    }
  }
  for (; i < M; i++) {
    const pa = a + <usize>i * aiB;
    const pc = c + <usize>i * ldcB;
    for (let t: usize = 0; t < panels; t++) {
      const off = t * 32;
      tile1x2<T>(K, pa, akB, pb + t * pbPanel, pbStride, pc + off, init, bias + off);
    }
    if (wide < N) {
      const off = panels * 32;
      tile1x1<T>(K, pa, akB, narrow, narrowStride, pc + off, init, bias + off);
    }
  }
}
