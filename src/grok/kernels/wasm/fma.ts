/**
 * Loader of the kernels the study runs, build/kernels-fma.wasm: the same AssemblyScript sources as
 * build/kernels.wasm (./index.ts), built with relaxed SIMD so that every multiply-add of the GEMMs, GELU's
 * polynomial and the attention's sums is one relaxed_madd (assembly/madd.ts). Same exports as ./index.ts
 * (createWasmKernel, wasmIdentity, loadWasmKernels, wasmMathProbe); the kernels are ./loader.ts's.
 *
 * relaxed_madd may fuse (one rounding, where the CPU has an FMA unit: every x86-64 with FMA3, every ARM64)
 * or not (a multiply, then an add): the same binary gives other bits on the two kinds of machine. The
 * loader therefore probes which this machine does when it compiles the module, and the answer is part of
 * the identity that enters every training key: a machine that does not fuse gets other keys, so it never
 * restores or verifies results computed by fused arithmetic, and rebuilds them instead.
 *
 * Node 20 validates relaxed SIMD only behind --experimental-wasm-relaxed-simd (Node 22 and later have it
 * on), and refuses that flag in NODE_OPTIONS. V8 reads it when it compiles a module, so this loader sets
 * it, in this process, right before compiling, and only if the module does not compile without it: every
 * process that loads these kernels (stage workers, tests, the bench) gets it without being started
 * differently.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Precision } from '../contract.ts';
import { kernelLoader, readKernelBinary, type KernelBinary } from './loader.ts';
import { WebAssemblyApi } from './web-assembly.ts';

export { WasmKernel, WasmMlpKernel, WasmTransformerKernel, type WasmKernelOptions } from './loader.ts';
export { WasmAdamW } from './wasm-adamw.ts';

/** Where the build puts the binary (the repository's build/ folder). */
export const WASM_FMA_KERNELS_PATH = fileURLToPath(new URL('../../../../build/kernels-fma.wasm', import.meta.url));

/** The V8 flag under which Node 20 validates relaxed SIMD. */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** Which multiply-add this machine's relaxed_madd is: one rounding, or two. */
export type MultiplyAdd = 'fused' | 'unfused';


/**
 * Compiles a binary that uses relaxed SIMD: as is where the engine has it on, else after turning on
 * Node 20's flag (process-wide; it only lets modules use the relaxed instructions, and changes nothing
 * for a module that does not). Also used by the bench for its FMA ceiling module.
 */
export function compileRelaxedSimd(bytes: Uint8Array, path: string): object {
  try {
    return new WebAssemblyApi.Module(bytes);
  } catch {
    setFlagsFromString(RELAXED_SIMD_FLAG);
  }
  try {
    return new WebAssemblyApi.Module(bytes);
  } catch (error) {
    throw new Error(
      `wasm FMA kernels: ${path} did not compile, even with ${RELAXED_SIMD_FLAG} (${(error as Error).message}). ` +
        'These kernels need WebAssembly relaxed SIMD (Node >= 20); rebuild with `npm run build:wasm` if the file is stale, ' +
        'or choose engine "ts".',
    );
  }
}

interface ProbeExports {
  probeMultiplyAddF32(a: number, b: number, c: number): number;
  probeMultiplyAddF64(a: number, b: number, c: number): number;
}

/**
 * a·b + c on the module's relaxed_madd with a = 1 + 2^-k, b = 1 - 2^-k, c = -1: the exact result is
 * -2^-2k, which a fused multiply-add returns; a multiply then an add rounds a·b = 1 - 2^-2k to 1 first
 * (2k is past the significand: k = 13 for float32's 24 bits, k = 27 for float64's 53) and returns 0.
 */
export function probeMultiplyAdd(module: object): Record<Precision, MultiplyAdd> {
  const x = new WebAssemblyApi.Instance(module, {}).exports as unknown as ProbeExports;
  const answer = (precision: Precision, k: number, value: number): MultiplyAdd => {
    if (value === -(2 ** (-2 * k))) return 'fused';
    if (value === 0) return 'unfused';
    throw new Error(
      `wasm FMA kernels: expected the ${precision} multiply-add probe (1 + 2^-${k})(1 - 2^-${k}) - 1 to give -2^-${2 * k} (fused) ` +
        `or 0 (unfused), found ${value}: this engine's relaxed_madd is neither, so no key can describe its results`,
    );
  };
  return {
    f32: answer('f32', 13, x.probeMultiplyAddF32(Math.fround(1 + 2 ** -13), Math.fround(1 - 2 ** -13), -1)),
    f64: answer('f64', 27, x.probeMultiplyAddF64(1 + 2 ** -27, 1 - 2 ** -27, -1)),
  };
}

interface FmaBinary extends KernelBinary {
  readonly multiplyAdd: Record<Precision, MultiplyAdd>;
}

let compiled: FmaBinary | null = null;

function fmaBinary(): FmaBinary {
  compiled ??= readKernelBinary(
    WASM_FMA_KERNELS_PATH,
    'kernels-wasm-fma',
    (bytes) => compileRelaxedSimd(bytes, WASM_FMA_KERNELS_PATH),
    (module) => {
      const multiplyAdd = probeMultiplyAdd(module);
      const semantics = multiplyAdd.f32 === multiplyAdd.f64 ? multiplyAdd.f32 : `f32-${multiplyAdd.f32}-f64-${multiplyAdd.f64}`;
      return { suffix: `/${semantics}`, extra: { multiplyAdd } };
    },
  );
  return compiled;
}

/**
 * The identity is "kernels-wasm-fma/" + the first 16 hex digits of the sha256 of build/kernels-fma.wasm +
 * "/fused" or "/unfused" (the probe's answer on this machine; "/f32-fused-f64-unfused" and the like if
 * the two precisions disagree).
 */
export const { wasmIdentity, loadWasmKernels, createWasmKernel, wasmMathProbe } = kernelLoader(fmaBinary);

/** The probe's answers on this machine (compiles the module if it is not yet). */
export function multiplyAddSemantics(): Record<Precision, MultiplyAdd> {
  return fmaBinary().multiplyAdd;
}
