/**
 * Loader of build/kernels.wasm: the kernels without fused multiply-add (every multiply-add a multiply,
 * then an add), the same on every machine. The study runs build/kernels-fma.wasm (./fma.ts); this binary
 * stays for the bench (its no-FMA ceiling) and for the tests, which hold both builds to the same
 * comparisons with the readable ts engine, and which check that an unfused machine's FMA results are
 * these bits. The kernels themselves are ./loader.ts's.
 */
import { fileURLToPath } from 'node:url';
import { kernelLoader, readKernelBinary, type KernelBinary } from './loader.ts';
import { WebAssemblyApi } from './web-assembly.ts';

export { WasmKernel, WasmMlpKernel, WasmTransformerKernel, type WasmKernelOptions } from './loader.ts';
export { WasmAdamW } from './wasm-adamw.ts';

/** Where the build puts the binary (the repository's build/ folder). */
export const WASM_KERNELS_PATH = fileURLToPath(new URL('../../../../build/kernels.wasm', import.meta.url));

let compiled: KernelBinary | null = null;

function plainBinary(): KernelBinary {
  compiled ??= readKernelBinary(
    WASM_KERNELS_PATH,
    'kernels-wasm',
    (bytes) => {
      try {
        return new WebAssemblyApi.Module(bytes);
      } catch (error) {
        throw new Error(
          `wasm kernels: ${WASM_KERNELS_PATH} did not compile (${(error as Error).message}). ` +
            'This JavaScript engine needs WebAssembly SIMD (Node >= 16.4); rebuild with `npm run build:wasm` if the file is stale.',
        );
      }
    },
    () => ({ suffix: '', extra: {} }),
  );
  return compiled;
}

/** The identity is "kernels-wasm/" + the first 16 hex digits of the sha256 of build/kernels.wasm. */
export const { wasmIdentity, loadWasmKernels, createWasmKernel, wasmMathProbe } = kernelLoader(plainBinary);
