/** Helpers the kernel-agreement tests share: fresh kernels from one seed's init, errors, weight hashes. */
import { createHash } from 'node:crypto';
import type { FloatArray, Kernel, ModelKind, Precision } from '../../src/grok/kernels/contract.ts';
import { createKernel } from '../../src/grok/kernels/ts/index.ts';
import * as fmaKernels from '../../src/grok/kernels/wasm/fma.ts';
import * as wasmKernels from '../../src/grok/kernels/wasm/index.ts';
import type { WasmAdamW } from '../../src/grok/kernels/wasm/wasm-adamw.ts';
import { initializeParameters } from '../../src/grok/models/init.ts';
import type { AdamWOptions, TensorSpec } from '../../src/grok/kernels/contract.ts';

export type AnyKernel = Kernel<Record<string, FloatArray>>;

/** A wasm kernel of either build: the Kernel contract and the in-module AdamW. */
export type AnyWasmKernel = AnyKernel & { createAdamW(specs: readonly TensorSpec[], opts: AdamWOptions): WasmAdamW };

/** A binary of the wasm kernels and its loader: the tests hold both builds to the same comparisons. */
export interface WasmBuild {
  readonly name: string;
  createWasmKernel(opts: wasmKernels.WasmKernelOptions): AnyWasmKernel;
  readonly wasmMathProbe: typeof wasmKernels.wasmMathProbe;
}

/** build/kernels.wasm (no FMA: the bench's and the tests' reference) and build/kernels-fma.wasm (relaxed_madd: the study's kernels). */
export const WASM_BUILDS: readonly WasmBuild[] = [
  {
    name: 'kernels.wasm',
    createWasmKernel: (opts) => wasmKernels.createWasmKernel(opts) as unknown as AnyWasmKernel,
    wasmMathProbe: wasmKernels.wasmMathProbe,
  },
  {
    name: 'kernels-fma.wasm',
    createWasmKernel: (opts) => fmaKernels.createWasmKernel(opts) as unknown as AnyWasmKernel,
    wasmMathProbe: fmaKernels.wasmMathProbe,
  },
];

/**
 * The pinned bits a build must give on this machine: kernels.wasm always gives `plain`; kernels-fma.wasm
 * gives `fused` where the multiply-add fuses and `plain` where it does not (a multiply, then an add, in
 * the same order: wasm-fma.test.ts checks that equality under --no-enable-fma3).
 */
export function pinsFor<T>(build: WasmBuild, plain: T, fused: T): T {
  return build.name === 'kernels-fma.wasm' && fmaKernels.multiplyAddSemantics().f32 === 'fused' ? fused : plain;
}

export function wasmKernel(model: ModelKind, p: number, precision: Precision, seed: number, examplesPerBlock?: number, build: WasmBuild = WASM_BUILDS[0]): AnyKernel {
  const kernel = build.createWasmKernel({ model, p, precision, ...(examplesPerBlock === undefined ? {} : { examplesPerBlock }) });
  initializeParameters(kernel.params, model, p, seed);
  return kernel;
}

export function tsKernel(model: ModelKind, p: number, precision: Precision, seed: number): AnyKernel {
  const kernel = createKernel({ model, p, precision });
  initializeParameters(kernel.params, model, p, seed);
  return kernel;
}

/** ||a - b|| / ||b|| over a whole tensor. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

/** sha256 over the tensors' bytes, in the given order. */
export function hashTensors(tensors: Record<string, FloatArray>, names: readonly string[]): string {
  const h = createHash('sha256');
  for (const name of names) h.update(new Uint8Array(tensors[name].buffer, tensors[name].byteOffset, tensors[name].byteLength));
  return h.digest('hex');
}
