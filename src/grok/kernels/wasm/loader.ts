/**
 * The WebAssembly SIMD kernels on a compiled binary of ./assembly: the Kernel contract for the MLP and the
 * transformer, float32 and float64, with an optional in-module AdamW (createAdamW, bit-identical to
 * src/grok/train/adamw.ts). Two binaries are built from the same sources (scripts/build-wasm.mjs):
 * build/kernels-fma.wasm, on relaxed_madd, which the study runs (./fma.ts), and build/kernels.wasm,
 * without it (./index.ts), which the bench and the tests hold beside it. Each loader reads and compiles its
 * binary (readKernelBinary) and hands it to the kernels here.
 *
 * The module is compiled once per process and instantiated once per kernel: every kernel owns its own
 * linear memory, laid out completely before any typed-array view is made (growing a memory detaches its
 * views), so params and grads are live views that never move.
 *
 * Why an identity: a stage key's code closure sees TypeScript imports, not a binary file, so the bytes'
 * hash must enter the key explicitly; any change of the kernels changes it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  MLP_EMBED,
  MLP_HIDDEN,
  TF_DIM,
  TF_MLP,
  TF_SEQ,
  type AdamWOptions,
  type FloatArray,
  type Kernel,
  type LossKind,
  type MlpTensors,
  type ModelKind,
  type PairBatch,
  type Precision,
  type TensorSpec,
  type TransformerTensors,
} from '../contract.ts';
import { WasmAdamW } from './wasm-adamw.ts';
import { WebAssemblyApi, type WasmMemory } from './web-assembly.ts';

/** A compiled binary of the kernels: its WebAssembly module, its identity for keys, where it was read. */
export interface KernelBinary {
  readonly module: object;
  readonly identity: string;
  readonly path: string;
}

/**
 * Reads and compiles the binary at `path`; its identity is `name` + "/" + the first 16 hex digits of the
 * bytes' sha256, followed by what `describe` says of the compiled module (the FMA loader's multiply-add).
 */
export function readKernelBinary<B extends object>(
  path: string,
  name: string,
  compile: (bytes: Uint8Array) => object,
  describe: (module: object) => { suffix: string; extra: B },
): KernelBinary & B {
  if (!existsSync(path)) {
    throw new Error(
      `wasm kernels: expected the compiled kernels at ${path}, found no file. ` +
        'Run `npm run build:wasm` (node scripts/build-wasm.mjs) to build them, or choose engine "ts".',
    );
  }
  const bytes = readFileSync(path);
  const module = compile(bytes);
  const { suffix, extra } = describe(module);
  const identity = `${name}/${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}${suffix}`;
  return { ...extra, module, identity, path };
}

/** Examples handed to the module per call; results do not depend on it (sums run in batch order). */
const CHUNK = 4096;
/** Examples per fused block: g, g', dh and the logits of one block stay in the L2 cache. */
const DEFAULT_BLOCK = 64;

/** What differs between the models in the module: tensor names and sizes, slot numbers, entry points. */
interface ModelLayout {
  readonly model: ModelKind;
  readonly tensors: readonly string[];
  sizes(p: number): number[];
  classes(p: number): number;
  readonly slots: { params: number; grads: number; a: number; b: number; y: number; logits: number; moments: number };
  readonly prefix: 'mlp' | 'tf';
}

const MLP_LAYOUT: ModelLayout = {
  model: 'mlp',
  tensors: ['E', 'W1', 'b1', 'W2', 'b2'],
  sizes: (p) => [p * MLP_EMBED, MLP_HIDDEN * MLP_HIDDEN, MLP_HIDDEN, MLP_HIDDEN * p, p],
  classes: (p) => p,
  // assembly/mlp.ts: SLOT_E.. (params 0..4, grads 5..9), SLOT_A 10, SLOT_B 11, SLOT_Y 12, SLOT_LOGITS 13, moments 14..23
  slots: { params: 0, grads: 5, a: 10, b: 11, y: 12, logits: 13, moments: 14 },
  prefix: 'mlp',
};

const TRANSFORMER_LAYOUT: ModelLayout = {
  model: 'transformer',
  tensors: ['E', 'P', 'Wq', 'Wk', 'Wv', 'Wo', 'Win', 'Wout', 'U'],
  sizes: (p) => {
    const v = p + 1;
    const d = TF_DIM;
    return [v * d, TF_SEQ * d, d * d, d * d, d * d, d * d, d * TF_MLP, TF_MLP * d, d * v];
  },
  classes: (p) => p + 1,
  // assembly/transformer.ts: TF_SLOT_PARAMS 0..8, TF_SLOT_GRADS 9..17, A 18, B 19, Y 20, LOGITS 21, moments 22..39
  slots: { params: 0, grads: 9, a: 18, b: 19, y: 20, logits: 21, moments: 22 },
  prefix: 'tf',
};


interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  // per model prefix ('mlp' | 'tf'): Layout, Initialize, Pointer, and per precision F32 | F64:
  // Begin, Train, End, LogitsBegin, Logits
  [entry: string]: unknown;
  adamwF32(param: number, grad: number, m: number, v: number, count: number, beta1: number, beta2: number, eps: number, stepSize: number, inverseC2: number, decay: number): void;
  adamwF64(param: number, grad: number, m: number, v: number, count: number, beta1: number, beta2: number, eps: number, stepSize: number, inverseC2: number, decay: number): void;
  probeExp(input: number, output: number, n: number, bytesPerElement: number): void;
  probeGelu(input: number, gelu: number, derivative: number, n: number, bytesPerElement: number): void;
  probeLog(x: number): number;
}

interface ModelEntries {
  layout(p: number, bytesPerElement: number, chunk: number, examplesPerBlock: number, base: number): number;
  initialize(): void;
  pointer(slot: number): number;
  begin(): void;
  train(count: number, crossEntropy: number, tau: number, scale: number): void;
  end(): number;
  logitsBegin(): void;
  logits(count: number): void;
}

/** The model's entry points of an instance, for one precision. */
function entries(x: KernelExports, binary: KernelBinary, layout: ModelLayout, precision: Precision): ModelEntries {
  const prefix = layout.prefix;
  const width = precision === 'f32' ? 'F32' : 'F64';
  const get = <F>(name: string): F => {
    const f = x[name];
    if (typeof f !== 'function') {
      throw new Error(`wasm kernels: expected ${binary.path} to export ${name}, found none; rebuild with \`npm run build:wasm\``);
    }
    return f as F;
  };
  return {
    layout: get(`${prefix}Layout`),
    initialize: get(`${prefix}Initialize`),
    pointer: get(`${prefix}Pointer`),
    begin: get(`${prefix}${width}Begin`),
    train: get(`${prefix}${width}Train`),
    end: get(`${prefix}${width}End`),
    logitsBegin: get(`${prefix}${width}LogitsBegin`),
    logits: get(`${prefix}${width}Logits`),
  };
}

function instantiate(binary: KernelBinary): KernelExports {
  const instance = new WebAssemblyApi.Instance(binary.module, {});
  return instance.exports as unknown as KernelExports;
}

export interface WasmKernelOptions {
  model: ModelKind;
  p: number;
  precision: Precision;
  /**
   * Examples per fused block (default 64): a speed knob only. Every gradient is a sum over the examples
   * in batch order whatever the block size, so results are bit-identical for every value.
   */
  examplesPerBlock?: number;
}

/** A kernel of the given model on the given binary (read when the first kernel is made). */
export interface CreateWasmKernel {
  (opts: WasmKernelOptions & { model: 'mlp' }): WasmMlpKernel;
  (opts: WasmKernelOptions & { model: 'transformer' }): WasmTransformerKernel;
  (opts: WasmKernelOptions): WasmMlpKernel | WasmTransformerKernel;
}

/** What a binary's loader (./index.ts, ./fma.ts) exports, the same for both. */
export interface KernelLoader {
  /** The binary's identity for stage keys (compiles the module if it is not yet). */
  wasmIdentity(): string;
  /** Compiles the module ahead of the first kernel (optional: createWasmKernel compiles on demand). */
  loadWasmKernels(): Promise<string>;
  createWasmKernel: CreateWasmKernel;
  /** The binary's elementary functions (exp, GELU, log) applied to arrays, for tests. */
  wasmMathProbe(precision: Precision): MathProbe;
}

export function kernelLoader(binary: () => KernelBinary): KernelLoader {
  const createWasmKernel = ((opts: WasmKernelOptions) => {
    const block = opts.examplesPerBlock ?? DEFAULT_BLOCK;
    if (opts.model === 'mlp') return new WasmMlpKernel(binary(), opts.p, opts.precision, block);
    if (opts.model === 'transformer') return new WasmTransformerKernel(binary(), opts.p, opts.precision, block);
    throw new Error(`createWasmKernel: expected model 'mlp' or 'transformer', found ${JSON.stringify(opts.model)}`);
  }) as CreateWasmKernel;
  return {
    wasmIdentity: () => binary().identity,
    loadWasmKernels: async () => binary().identity,
    createWasmKernel,
    wasmMathProbe: (precision) => mathProbeOn(binary(), precision),
  };
}

/**
 * A kernel on one instance of the module: the model's tensors as live views into the instance's memory,
 * laid out once (the memory never grows afterwards, so the views never detach).
 */
export abstract class WasmKernel<T extends object> implements Kernel<T> {
  abstract readonly model: ModelKind;
  readonly classes: number;
  readonly params: T;
  readonly grads: T;
  readonly identity: string;

  private readonly exports: KernelExports;
  private readonly entry: ModelEntries;
  private readonly layout: ModelLayout;
  private readonly indexA: Int32Array;
  private readonly indexB: Int32Array;
  private readonly indexY: Int32Array;
  private readonly logitsBlock: FloatArray;
  private adamw: WasmAdamW | null = null;

  protected constructor(
    binary: KernelBinary,
    layout: ModelLayout,
    readonly p: number,
    readonly precision: Precision,
    examplesPerBlock: number,
  ) {
    if (!Number.isInteger(p) || p < 2 || p > 4096) {
      throw new Error(`createWasmKernel: expected an integer modulus 2 <= p <= 4096, found ${p}`);
    }
    if (precision !== 'f32' && precision !== 'f64') {
      throw new Error(`createWasmKernel: expected precision 'f32' or 'f64', found ${JSON.stringify(precision)}`);
    }
    if (!Number.isInteger(examplesPerBlock) || examplesPerBlock < 1 || examplesPerBlock > CHUNK) {
      throw new Error(`createWasmKernel: expected examplesPerBlock an integer in 1..${CHUNK}, found ${examplesPerBlock}`);
    }
    this.layout = layout;
    this.identity = binary.identity;
    this.classes = layout.classes(p);
    const x = instantiate(binary);
    this.exports = x;
    const entry = entries(x, binary, layout, precision);
    this.entry = entry;
    const end = entry.layout(p, precision === 'f32' ? 4 : 8, CHUNK, examplesPerBlock, x.heapBase());
    const have = x.memory.buffer.byteLength;
    if (end > have) x.memory.grow(Math.ceil((end - have) / 65536));
    entry.initialize();
    // From here on the memory never grows: the views below stay valid for the kernel's lifetime.
    const sizes = layout.sizes(p);
    const tensors = (base: number): T => {
      const out: Record<string, FloatArray> = {};
      layout.tensors.forEach((name, i) => (out[name] = this.view(entry.pointer(base + i), sizes[i])));
      return out as T;
    };
    this.params = tensors(layout.slots.params);
    this.grads = tensors(layout.slots.grads);
    const buffer = x.memory.buffer;
    this.indexA = new Int32Array(buffer, entry.pointer(layout.slots.a), CHUNK);
    this.indexB = new Int32Array(buffer, entry.pointer(layout.slots.b), CHUNK);
    this.indexY = new Int32Array(buffer, entry.pointer(layout.slots.y), CHUNK);
    this.logitsBlock = this.view(entry.pointer(layout.slots.logits), CHUNK * this.classes);
  }

  private view(pointer: number, length: number): FloatArray {
    const buffer = this.exports.memory.buffer;
    return this.precision === 'f32' ? new Float32Array(buffer, pointer, length) : new Float64Array(buffer, pointer, length);
  }

  lossAndGrad(batch: PairBatch, loss: LossKind, tau: number): number {
    this.checkBatch(batch, true);
    if (loss !== 'ce' && loss !== 'mse') throw new Error(`lossAndGrad: expected loss 'ce' or 'mse', found ${JSON.stringify(loss)}`);
    if (!(tau > 0) || !Number.isFinite(tau)) throw new Error(`lossAndGrad: expected a finite temperature tau > 0, found ${tau}`);
    const n = batch.n;
    const crossEntropy = loss === 'ce' ? 1 : 0;
    const entry = this.entry;
    entry.begin();
    for (let first = 0; first < n; first += CHUNK) {
      const count = Math.min(CHUNK, n - first);
      this.indexA.set(batch.a.subarray(first, first + count));
      this.indexB.set(batch.b.subarray(first, first + count));
      this.indexY.set(batch.y.subarray(first, first + count));
      entry.train(count, crossEntropy, tau, n * tau);
    }
    const mean = entry.end() / n;
    return this.precision === 'f32' ? Math.fround(mean) : mean;
  }

  logits(batch: PairBatch, out: FloatArray): void {
    this.checkBatch(batch, false);
    const classes = this.classes;
    const n = batch.n;
    if (out.length < n * classes) {
      throw new Error(`logits: expected an output array of at least ${n * classes} values (n x classes), found ${out.length}`);
    }
    this.entry.logitsBegin();
    for (let first = 0; first < n; first += CHUNK) {
      const count = Math.min(CHUNK, n - first);
      this.indexA.set(batch.a.subarray(first, first + count));
      this.indexB.set(batch.b.subarray(first, first + count));
      this.entry.logits(count);
      out.set(this.logitsBlock.subarray(0, count * classes), first * classes);
    }
  }

  /**
   * An AdamW whose update runs inside the module, on moments that live in the module's memory. Same
   * surface and bit-identical results as src/grok/train/adamw.ts (a drop-in for it), several times faster
   * (SIMD, no JavaScript loop). One per kernel: the moments are this kernel's.
   */
  createAdamW(specs: readonly TensorSpec[], opts: AdamWOptions): WasmAdamW {
    if (this.adamw !== null) throw new Error('createAdamW: this kernel already has its AdamW (its moments live in the kernel); create one per kernel');
    const layout = this.layout;
    const names = specs.map((spec) => spec.name);
    if (names.join(',') !== layout.tensors.join(',')) {
      throw new Error(`createAdamW: expected the ${layout.model}'s tensors ${layout.tensors.join(', ')} in that order, found ${names.join(', ')}`);
    }
    const x = this.exports;
    const entry = this.entry;
    const sizes = layout.sizes(this.p);
    const count = layout.tensors.length;
    const tensors = specs.map((spec, i) => {
      const size = spec.rows * spec.cols;
      if (size !== sizes[i]) throw new Error(`createAdamW: tensor ${spec.name} has ${size} values in the spec, ${sizes[i]} in the kernel`);
      return {
        param: entry.pointer(layout.slots.params + i),
        grad: entry.pointer(layout.slots.grads + i),
        m: entry.pointer(layout.slots.moments + i),
        v: entry.pointer(layout.slots.moments + count + i),
        size,
        decayed: spec.decayed,
      };
    });
    const m = tensors.map((t) => this.view(t.m, t.size));
    const v = tensors.map((t) => this.view(t.v, t.size));
    for (const a of [...m, ...v]) a.fill(0);
    const update = this.precision === 'f32' ? x.adamwF32 : x.adamwF64;
    this.adamw = new WasmAdamW(names, m, v, opts, ({ beta1, beta2, eps, stepSize, inverseC2, decay }) => {
      for (const t of tensors) update(t.param, t.grad, t.m, t.v, t.size, beta1, beta2, eps, stepSize, inverseC2, t.decayed ? decay : 0);
    });
    return this.adamw;
  }

  /**
   * Tokens index rows of the parameter tables inside the module's memory, where an out-of-range index
   * would silently read or corrupt another tensor: check every example before the module sees it.
   */
  private checkBatch(batch: PairBatch, withTargets: boolean): void {
    const { n, a, b, y } = batch;
    const p = this.p;
    if (!(Number.isInteger(n) && n > 0) || a.length < n || b.length < n || (withTargets && y.length < n)) {
      throw new Error(
        `batch: expected n > 0 examples with a, b${withTargets ? ', y' : ''} of length >= n, ` +
          `found n = ${n}, lengths ${a.length}/${b.length}/${y?.length}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const ai = a[i];
      const bi = b[i];
      if (ai < 0 || ai >= p || bi < 0 || bi >= p || (withTargets && (y[i] < 0 || y[i] >= p))) {
        throw new Error(`batch: example ${i} = (${ai}, ${bi}) -> ${withTargets ? y[i] : '?'} is out of range for p = ${p}`);
      }
    }
  }
}

/** The MLP of SPEC section 2 on the WebAssembly kernels (assembly/mlp.ts). */
export class WasmMlpKernel extends WasmKernel<MlpTensors<FloatArray>> {
  readonly model = 'mlp' as const;
  constructor(binary: KernelBinary, p: number, precision: Precision, examplesPerBlock = DEFAULT_BLOCK) {
    super(binary, MLP_LAYOUT, p, precision, examplesPerBlock);
  }
}

/** The no-LayerNorm transformer of SPEC section 2 on the WebAssembly kernels (assembly/transformer.ts). */
export class WasmTransformerKernel extends WasmKernel<TransformerTensors<FloatArray>> {
  readonly model = 'transformer' as const;
  constructor(binary: KernelBinary, p: number, precision: Precision, examplesPerBlock = DEFAULT_BLOCK) {
    super(binary, TRANSFORMER_LAYOUT, p, precision, examplesPerBlock);
  }
}

/**
 * The kernels' elementary functions applied to arrays, for tests: the exact code the kernels inline.
 * Lengths are rounded up to whole SIMD vectors internally.
 */
export interface MathProbe {
  exp(x: ArrayLike<number>): Float64Array;
  gelu(x: ArrayLike<number>): { gelu: Float64Array; derivative: Float64Array };
  log(x: number): number;
}

function mathProbeOn(binary: KernelBinary, precision: Precision): MathProbe {
  const x = instantiate(binary);
  const bytes = precision === 'f32' ? 4 : 8;
  const lanes = 16 / bytes;
  const run = (input: ArrayLike<number>, outputs: number, apply: (pointers: number[], n: number) => void): Float64Array[] => {
    const n = Math.ceil(input.length / lanes) * lanes;
    const base = x.heapBase();
    const need = base + (outputs + 1) * n * bytes + 64;
    const have = x.memory.buffer.byteLength;
    if (need > have) x.memory.grow(Math.ceil((need - have) / 65536));
    const pointers = Array.from({ length: outputs + 1 }, (_, i) => base + i * n * bytes);
    const make = (ptr: number) =>
      bytes === 4 ? new Float32Array(x.memory.buffer, ptr, n) : new Float64Array(x.memory.buffer, ptr, n);
    make(pointers[0]).fill(0);
    make(pointers[0]).set(Array.from(input));
    apply(pointers, n);
    return pointers.slice(1).map((ptr) => Float64Array.from(make(ptr).subarray(0, input.length)));
  };
  return {
    exp: (input) => run(input, 1, ([i, o], n) => x.probeExp(i, o, n, bytes))[0],
    gelu: (input) => {
      const [gelu, derivative] = run(input, 2, ([i, g, d], n) => x.probeGelu(i, g, d, n, bytes));
      return { gelu, derivative };
    },
    log: (v) => x.probeLog(v),
  };
}
