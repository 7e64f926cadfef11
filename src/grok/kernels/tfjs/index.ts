/**
 * The TensorFlow.js engine: the paper's models as a Kernel (contract.ts) computed by tfjs, for users who
 * want a general framework's numbers beside the project's own kernels. float32 only.
 *
 *   const kernel = await createTfjsKernel({ model: 'mlp', p: 59, precision: 'f32' });
 *   kernel.identity  // "tfjs/4.22.0/wasm" (or ".../tensorflow" where @tensorflow/tfjs-node loads)
 *
 * tfjs itself is loaded on the first call (dynamic import), never when this module is imported.
 */

import type { ModelKind, Precision } from '../contract.ts';
import { loadTfjs } from './backend.ts';
import { TfjsKernel } from './kernel.ts';
import { mlpModel } from './mlp.ts';
import { transformerModel } from './transformer.ts';

export { tfjsIdentity, loadTfjs } from './backend.ts';
export type { TfjsBackendName, TfjsRuntime } from './backend.ts';
export { TfjsKernel } from './kernel.ts';

export interface TfjsKernelOptions {
  model: ModelKind;
  p: number;
  precision: Precision;
}

export async function createTfjsKernel(opts: TfjsKernelOptions): Promise<TfjsKernel> {
  const { model, p, precision } = opts;
  if (precision === 'f64') {
    throw new Error(
      'tfjs engine: expected precision "f32", found "f64".\n' +
        '  TensorFlow.js has no float64 tensors on any backend, so it cannot run a float64 stage.\n' +
        '  help: use engine "ts" or "wasm" (the project\'s own kernels), which train in float32 and float64.',
    );
  }
  if (precision !== 'f32') {
    throw new Error(`tfjs engine: expected precision "f32", found ${JSON.stringify(precision)}.`);
  }
  if (!(Number.isInteger(p) && p >= 2)) {
    throw new Error(`tfjs engine: expected the modulus p to be an integer >= 2, found ${p}.`);
  }
  if (model !== 'mlp' && model !== 'transformer') {
    throw new Error(`tfjs engine: expected model "mlp" or "transformer", found ${JSON.stringify(model)}.`);
  }
  const runtime = await loadTfjs();
  const network = model === 'mlp' ? mlpModel(p) : transformerModel(p);
  return new TfjsKernel(runtime, network, model, p);
}
