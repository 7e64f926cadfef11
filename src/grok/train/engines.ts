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

/** The kernel factory of an engine; a clear error when the engine's module cannot be loaded. */
export async function kernelFactoryFor(engine: EngineName): Promise<KernelFactory> {
  if (engine === 'ts') return (opts) => createKernel(opts);
  if (engine === 'wasm') {
    const mod = await importEngine('wasm', '../kernels/wasm/index.ts', 'createWasmKernel');
    return (opts) => mod.createWasmKernel(opts) as AnyKernel | Promise<AnyKernel>;
  }
  if (engine === 'tfjs') {
    const mod = await importEngine('tfjs', '../kernels/tfjs/index.ts', 'createTfjsKernel');
    return (opts) => mod.createTfjsKernel(opts) as AnyKernel | Promise<AnyKernel>;
  }
  throw new Error(`engine: expected 'ts', 'wasm' or 'tfjs', found ${JSON.stringify(engine)}`);
}

async function importEngine(
  engine: string,
  specifier: string,
  exportName: string,
): Promise<Record<string, (opts: KernelRequest) => unknown>> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(
      `engine '${engine}': could not load ${specifier} (${(err as Error).message}). ` +
        `Use engine 'ts' (the TypeScript kernels), or install/build the ${engine} engine.`,
    );
  }
  if (typeof mod[exportName] !== 'function') {
    throw new Error(`engine '${engine}': expected ${specifier} to export a function ${exportName}, found ${typeof mod[exportName]}`);
  }
  return mod as Record<string, (opts: KernelRequest) => unknown>;
}
