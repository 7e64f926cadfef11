/**
 * Factory of the TypeScript kernels (the readable oracle every other engine is tested against).
 */
import type { FloatArray, Kernel, ModelKind, Precision } from '../contract.ts';
import { TsMlpKernel } from './mlp.ts';
import { TsTransformerKernel } from './transformer.ts';
import { TS_KERNELS_IDENTITY } from './identity.ts';

export { TsMlpKernel, TsTransformerKernel, TS_KERNELS_IDENTITY };

export interface KernelOptions {
  model: ModelKind;
  p: number;
  precision: Precision;
}

export function createKernel(opts: KernelOptions): Kernel<Record<string, FloatArray>> {
  if (opts.model === 'mlp') return new TsMlpKernel(opts.p, opts.precision) as unknown as Kernel<Record<string, FloatArray>>;
  if (opts.model === 'transformer') {
    return new TsTransformerKernel(opts.p, opts.precision) as unknown as Kernel<Record<string, FloatArray>>;
  }
  throw new Error(`createKernel: expected model 'mlp' or 'transformer', found ${JSON.stringify(opts.model)}`);
}
