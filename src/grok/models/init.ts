/**
 * Deterministic initialisation from a seed, identical for both precisions: every value is drawn in
 * double from the seed's own 'init' stream (tensor order of the model's spec, row-major within a
 * tensor), then stored into the kernel's arrays, which rounds it once for float32.
 */
import type { FloatArray, ModelKind } from '../kernels/contract.ts';
import { Rng } from '../random.ts';
import { tensorSpecs } from './spec.ts';

/** The initial parameters in double, tensor by tensor in spec order. */
export function initialParameters(model: ModelKind, p: number, seed: number): Record<string, Float64Array> {
  const rng = Rng.derive(seed, 'init', model);
  const out: Record<string, Float64Array> = {};
  for (const spec of tensorSpecs(model, p)) {
    const values = new Float64Array(spec.rows * spec.cols);
    if (spec.initScale !== 0) for (let i = 0; i < values.length; i++) values[i] = rng.normal() * spec.initScale;
    out[spec.name] = values;
  }
  return out;
}

/** Fills live parameter views (a kernel's params) with the seed's initial values. */
export function initializeParameters(
  params: Record<string, FloatArray>,
  model: ModelKind,
  p: number,
  seed: number,
): void {
  const values = initialParameters(model, p, seed);
  for (const spec of tensorSpecs(model, p)) {
    const target = params[spec.name];
    if (!target || target.length !== spec.rows * spec.cols) {
      throw new Error(
        `initializeParameters: expected tensor ${spec.name} of ${spec.rows * spec.cols} values for the ${model} at p = ${p}, ` +
          `found ${target ? target.length : 'none'}. Is the kernel built for the same model and modulus?`,
      );
    }
    target.set(values[spec.name]);
  }
}
