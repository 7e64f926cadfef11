/**
 * The identity of the compute engine a cell runs on, for stage keys: the numbers a cell produces depend
 * on it, and a binary (the wasm module) or a library version (tfjs) is invisible to a code closure.
 * 'ts' is the TypeScript kernels' version; 'wasm' and 'tfjs' ask their modules (loaded on demand).
 */
import type { ModelKind, Precision } from '../kernels/contract.ts';
import { TS_KERNELS_IDENTITY } from '../kernels/ts/identity.ts';
import type { EngineName } from './engines.ts';

export async function engineIdentity(engine: EngineName, model: ModelKind, precision: Precision): Promise<string> {
  if (engine === 'ts') return TS_KERNELS_IDENTITY;
  if (engine === 'wasm') {
    const mod = (await import('../kernels/wasm/fma.ts')) as { wasmIdentity?: () => string | Promise<string> };
    if (typeof mod.wasmIdentity !== 'function') throw new Error('engineIdentity: src/grok/kernels/wasm/fma.ts does not export wasmIdentity()');
    return await mod.wasmIdentity();
  }
  if (engine === 'tfjs') {
    if (precision === 'f64') throw new Error(`engineIdentity: tfjs has no float64; run ${model} cells in f64 on engine 'ts' or 'wasm'`);
    const mod = (await import('../kernels/tfjs/index.ts')) as { tfjsIdentity?: () => Promise<string> };
    if (typeof mod.tfjsIdentity !== 'function') throw new Error('engineIdentity: src/grok/kernels/tfjs/index.ts does not export tfjsIdentity()');
    return await mod.tfjsIdentity();
  }
  throw new Error(`engineIdentity: expected engine 'ts', 'wasm' or 'tfjs', found ${JSON.stringify(engine)}`);
}
