/**
 * The weight norm ||W|| over the decayed tensors (SPEC: Frobenius over E, W1, W2 for the MLP; every
 * tensor for the transformer), per-tensor norms, and the clamp that rescales those tensors by one common
 * factor so that ||W|| equals a target. Sums run in double in a fixed order (tensor order, then index).
 */
import type { FloatArray } from '../kernels/contract.ts';
import type { TensorSpec } from '../models/spec.ts';

export function sumOfSquares(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** ||W|| = sqrt of the sum of squares of every decayed tensor. */
export function weightNorm(params: Record<string, FloatArray>, specs: readonly TensorSpec[]): number {
  let s = 0;
  for (const spec of specs) if (spec.decayed) s += sumOfSquares(params[spec.name]);
  return Math.sqrt(s);
}

/** Frobenius norm of each decayed tensor, by name. */
export function tensorNorms(params: Record<string, FloatArray>, specs: readonly TensorSpec[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of specs) if (spec.decayed) out[spec.name] = Math.sqrt(sumOfSquares(params[spec.name]));
  return out;
}

/**
 * Rescales every decayed tensor by target / ||W||, so that ||W|| = target (up to the final rounding of
 * each stored value in float32). Returns the factor applied.
 */
export function clampNorm(params: Record<string, FloatArray>, specs: readonly TensorSpec[], target: number): number {
  if (!(target > 0 && Number.isFinite(target))) throw new Error(`clampNorm: expected a positive finite target norm, found ${target}`);
  const norm = weightNorm(params, specs);
  if (!(norm > 0)) throw new Error(`clampNorm: the weight norm is ${norm}; cannot rescale it to ${target}`);
  const factor = target / norm;
  for (const spec of specs) {
    if (!spec.decayed) continue;
    const x = params[spec.name];
    for (let i = 0; i < x.length; i++) x[i] = x[i] * factor;
  }
  return factor;
}
