/**
 * The weight norm ||W|| over the decayed tensors (SPEC: Frobenius over E, W1, W2 for the MLP; every
 * tensor for the transformer), per-tensor norms, and the clamp that rescales those tensors by one common
 * factor so that ||W|| equals a target (or, for the layer-allocation experiment, each tensor to its own norm). Sums run in double in a fixed order (tensor order, then index).
 */
import type { FloatArray } from '../kernels/contract.ts';
import type { TensorSpec } from '../kernels/contract.ts';

/**
 * The sum of squares in double, as four interleaved sums (element i goes to sum i mod 4) added as
 * (s0 + s1) + (s2 + s3): a fixed order, so the same bits everywhere, and four independent chains, since
 * one chain waits on every add (the clamp runs this over every decayed tensor each step: one sequential
 * chain was 2-4% of a clamped MLP cell's time at p = 59, measured with --cpu-prof).
 */
export function sumOfSquares(x: FloatArray): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const whole = x.length - (x.length % 4);
  for (let i = 0; i < whole; i += 4) {
    s0 += x[i] * x[i];
    s1 += x[i + 1] * x[i + 1];
    s2 += x[i + 2] * x[i + 2];
    s3 += x[i + 3] * x[i + 3];
  }
  if (whole < x.length) s0 += x[whole] * x[whole];
  if (whole + 1 < x.length) s1 += x[whole + 1] * x[whole + 1];
  if (whole + 2 < x.length) s2 += x[whole + 2] * x[whole + 2];
  return s0 + s1 + (s2 + s3);
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

/** Per-tensor targets: every decayed tensor by name, each rescaled to its own Frobenius norm (SPEC 7.1). */
export type TensorNormTargets = Readonly<Record<string, number>>;

/**
 * Rescales each decayed tensor to its own target norm, so that ||W|| = sqrt(sum of the targets squared).
 * Every decayed tensor must have a target: one left out would escape the clamp and the total would drift.
 */
export function clampTensorNorms(params: Record<string, FloatArray>, specs: readonly TensorSpec[], targets: TensorNormTargets): void {
  checkTensorTargets(specs, targets, 'clampTensorNorms');
  for (const spec of specs) {
    if (!spec.decayed) continue;
    const x = params[spec.name];
    const norm = Math.sqrt(sumOfSquares(x));
    if (!(norm > 0)) throw new Error(`clampTensorNorms: tensor ${spec.name} has norm ${norm}; cannot rescale it to ${targets[spec.name]}`);
    const factor = targets[spec.name] / norm;
    for (let i = 0; i < x.length; i++) x[i] = x[i] * factor;
  }
}

/** Every decayed tensor named once with a positive finite norm, and nothing else. */
export function checkTensorTargets(specs: readonly TensorSpec[], targets: TensorNormTargets, where: string): void {
  const decayed = specs.filter((s) => s.decayed).map((s) => s.name);
  const given = Object.keys(targets);
  const missing = decayed.filter((n) => !(n in targets));
  const unknown = given.filter((n) => !decayed.includes(n));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(
      `${where}: expected one target norm for each clamped tensor [${decayed.join(', ')}], found [${given.join(', ')}]` +
        (missing.length ? `; missing ${missing.join(', ')}` : '') +
        (unknown.length ? `; not clamped tensors: ${unknown.join(', ')}` : ''),
    );
  }
  for (const n of decayed) {
    const t = targets[n];
    if (!(t > 0 && Number.isFinite(t))) throw new Error(`${where}: the target norm of ${n} must be positive and finite, found ${t}`);
  }
}
