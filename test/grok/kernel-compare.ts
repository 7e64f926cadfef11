/** Helpers the kernel-agreement tests share: fresh kernels from one seed's init, errors, weight hashes. */
import { createHash } from 'node:crypto';
import type { FloatArray, Kernel, ModelKind, Precision } from '../../src/grok/kernels/contract.ts';
import { createKernel } from '../../src/grok/kernels/ts/index.ts';
import { createWasmKernel } from '../../src/grok/kernels/wasm/index.ts';
import { initializeParameters } from '../../src/grok/models/init.ts';

export type AnyKernel = Kernel<Record<string, FloatArray>>;

export function wasmKernel(model: ModelKind, p: number, precision: Precision, seed: number, examplesPerBlock?: number): AnyKernel {
  const kernel = createWasmKernel({ model, p, precision, ...(examplesPerBlock === undefined ? {} : { examplesPerBlock }) }) as unknown as AnyKernel;
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
