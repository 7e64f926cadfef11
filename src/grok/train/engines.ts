/**
 * Which compute engine builds a cell's kernels. 'ts' is the TypeScript kernels (always present); 'wasm'
 * and 'tfjs' are resolved by dynamic import so that a cell runs when those engines are absent (and
 * importing the trainer costs nothing when they are not used). A custom factory can be passed instead.
 */
import type { FloatArray, Kernel, ModelKind, Precision } from '../kernels/contract.ts';
import { createKernel } from '../kernels/ts/index.ts';

export type EngineName = 'ts' | 'wasm' | 'tfjs';

export interface KernelRequest {
  model: ModelKind;
  p: number;
  precision: Precision;
}

export type AnyKernel = Kernel<Record<string, FloatArray>>;
export type KernelFactory = (opts: KernelRequest) => AnyKernel | Promise<AnyKernel>;

/**
 * The kernel factory of an engine; a clear error when the engine's module cannot be loaded. The imports
 * are literal so that a stage's code closure (which follows import specifiers) holds the engines' code.
 */
export async function kernelFactoryFor(engine: EngineName): Promise<KernelFactory> {
  if (engine === 'ts') return (opts) => createKernel(opts);
  if (engine === 'wasm') {
    const { createWasmKernel } = await loadEngine('wasm', () => import('../kernels/wasm/fma.ts'));
    return (opts) => createWasmKernel(opts) as unknown as AnyKernel;
  }
  if (engine === 'tfjs') {
    const { createTfjsKernel } = await loadEngine('tfjs', () => import('../kernels/tfjs/index.ts'));
    return async (opts) => (await createTfjsKernel(opts)) as unknown as AnyKernel;
  }
  throw new Error(`engine: expected 'ts', 'wasm' or 'tfjs', found ${JSON.stringify(engine)}`);
}

async function loadEngine<M>(engine: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (err) {
    throw new Error(
      `engine '${engine}': could not load its module (${(err as Error).message}). ` +
        `Use engine 'ts' (the TypeScript kernels), or install/build the ${engine} engine.`,
    );
  }
}
