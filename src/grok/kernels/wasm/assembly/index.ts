/**
 * Entry point of build/kernels.wasm: the exports the loader (../index.ts) calls. Everything else is
 * internal. One instance serves one kernel (MLP or transformer); f32 and f64 entry points share the layout.
 */
import { beginLogits, beginStep, endStep, logitsChunk, trainChunk } from './mlp';
import { exp32, exp64 } from './exp';
import { geluInPlace } from './gelu';
import { log64 } from './log';
import { adamwTensor } from './adamw';
import { tfBeginLogits, tfBeginStep, tfEndStep, tfLogitsChunk, tfTrainChunk } from './transformer';

export { mlpLayout, mlpInitialize, mlpPointer } from './mlp';
export { tfLayout, tfInitialize, tfPointer } from './transformer';

/** First byte free for the loader's layout (after the module's own static data). */
export function heapBase(): usize {
  return __heap_base;
}

export function mlpF32Begin(): void { beginStep<f32>(); }
export function mlpF32Train(count: i32, crossEntropy: bool, tau: f64, scale: f64): void { trainChunk<f32>(count, crossEntropy, tau, scale); }
export function mlpF32End(): f64 { return endStep<f32>(); }
export function mlpF32LogitsBegin(): void { beginLogits<f32>(); }
export function mlpF32Logits(count: i32): void { logitsChunk<f32>(count); }

export function mlpF64Begin(): void { beginStep<f64>(); }
export function mlpF64Train(count: i32, crossEntropy: bool, tau: f64, scale: f64): void { trainChunk<f64>(count, crossEntropy, tau, scale); }
export function mlpF64End(): f64 { return endStep<f64>(); }
export function mlpF64LogitsBegin(): void { beginLogits<f64>(); }
export function mlpF64Logits(count: i32): void { logitsChunk<f64>(count); }

export function tfF32Begin(): void { tfBeginStep<f32>(); }
export function tfF32Train(count: i32, crossEntropy: bool, tau: f64, scale: f64): void { tfTrainChunk<f32>(count, crossEntropy, tau, scale); }
export function tfF32End(): f64 { return tfEndStep<f32>(); }
export function tfF32LogitsBegin(): void { tfBeginLogits<f32>(); }
export function tfF32Logits(count: i32): void { tfLogitsChunk<f32>(count); }

export function tfF64Begin(): void { tfBeginStep<f64>(); }
export function tfF64Train(count: i32, crossEntropy: bool, tau: f64, scale: f64): void { tfTrainChunk<f64>(count, crossEntropy, tau, scale); }
export function tfF64End(): f64 { return tfEndStep<f64>(); }
export function tfF64LogitsBegin(): void { tfBeginLogits<f64>(); }
export function tfF64Logits(count: i32): void { tfLogitsChunk<f64>(count); }

/** AdamW on one tensor of a kernel (pointers from mlpPointer); bit-identical to src/grok/train/adamw.ts. */
export function adamwF32(param: usize, grad: usize, m: usize, v: usize, count: i32, beta1: f64, beta2: f64, eps: f64, stepSize: f64, inverseC2: f64, decay: f64): void {
  adamwTensor<f32>(param, grad, m, v, count, beta1, beta2, eps, stepSize, inverseC2, decay);
}
export function adamwF64(param: usize, grad: usize, m: usize, v: usize, count: i32, beta1: f64, beta2: f64, eps: f64, stepSize: f64, inverseC2: f64, decay: f64): void {
  adamwTensor<f64>(param, grad, m, v, count, beta1, beta2, eps, stepSize, inverseC2, decay);
}

/**
 * Probes for the tests of the elementary functions: apply exp or GELU to n values at `input` (n a
 * multiple of the lane count) with the very code the kernels inline.
 */
export function probeExp(input: usize, output: usize, n: i32, bytesPerElement: i32): void {
  const bytes = <usize>n * <usize>bytesPerElement;
  for (let q: usize = 0; q < bytes; q += 16) {
    v128.store(output + q, bytesPerElement == 4 ? exp32(v128.load(input + q)) : exp64(v128.load(input + q)));
  }
}

export function probeGelu(input: usize, gelu: usize, derivative: usize, n: i32, bytesPerElement: i32): void {
  const bytes = <usize>n * <usize>bytesPerElement;
  memory.copy(gelu, input, bytes);
  if (bytesPerElement == 4) geluInPlace<f32>(gelu, derivative, bytes);
  else geluInPlace<f64>(gelu, derivative, bytes);
}

export function probeLog(x: f64): f64 {
  return log64(x);
}
