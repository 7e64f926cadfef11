/**
 * The paired seeded bootstrap over seeds (SPEC section 5.3 and 5.7).
 *
 * "Paired" means one list of resampled seed indices is drawn per resample and the SAME list is applied to
 * every cell and every statistic: seed i of the baseline is the same network initialisation and data
 * split as seed i of every other cell, and resampling them together keeps that pairing (the between-seed
 * variation common to all cells cancels in ratios and differences).
 *
 * Interval: the percentile method, with type-7 percentiles (see percentile.ts) of the statistic over the
 * resamples: [q((1 - level)/2), q((1 + level)/2)]. Resamples where a statistic is undefined (null, e.g.
 * a resampled cell whose median T_grok is not finite) are left out of that statistic's percentiles and
 * counted in `undefinedResamples`, so a reader can judge whether the interval is trustworthy.
 *
 * Randomness: Rng.derive(seed, 'paired-bootstrap', n) only; index b*n + i of the draw is rng.int(n),
 * drawn in order b = 0.., i = 0.. . The same (seed, n, resamples) gives the same indices on any machine.
 */
import { Rng } from '../random.ts';
import { percentileOfSorted } from './percentile.ts';

export interface BootstrapSettings {
  /** Number of resamples (SPEC: 4000). */
  resamples: number;
  /** Seed of the resampling stream. */
  seed: number;
  /** Coverage of the interval (SPEC: 0.95). */
  level: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { resamples: 4000, seed: 1, level: 0.95 };

export interface ConfidenceInterval {
  /** The statistic on the full sample (identity indices 0..n-1), not a bootstrap mean. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  level: number;
  resamples: number;
  undefinedResamples: number;
  seed: number;
  method: 'paired percentile bootstrap over seeds (type-7 percentiles)';
}

/** A statistic of the resampled seed indices (indices into each cell's seed list, 0..n-1). */
export type SeedStatistic = (indices: ArrayLike<number>) => number | null;

export interface PairedResamples {
  n: number;
  resamples: number;
  seed: number;
  /** The b-th resample: n indices in 0..n-1 (a view into one shared buffer). */
  resample(b: number): Int32Array;
}

export function drawPairedResamples(n: number, resamples: number, seed: number): PairedResamples {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new Error(`drawPairedResamples: expected a positive whole number of seeds, found ${n}`);
  }
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new Error(`drawPairedResamples: expected a positive whole number of resamples, found ${resamples}`);
  }
  const rng = Rng.derive(seed, 'paired-bootstrap', n);
  const buffer = new Int32Array(n * resamples);
  for (let i = 0; i < buffer.length; i++) buffer[i] = rng.int(n);
  return {
    n,
    resamples,
    seed,
    resample(b: number): Int32Array {
      if (!(b >= 0 && b < resamples)) throw new Error(`resample ${b} is out of range 0..${resamples - 1}`);
      return buffer.subarray(b * n, (b + 1) * n);
    },
  };
}

/**
 * Paired bootstrap of several statistics at once: every statistic sees the same resampled indices.
 * Returns one interval per statistic, under the same keys, in the same key order.
 * Contract: within one resample every statistic receives the very same index array object (and the
 * full-sample estimate one shared identity array), so a caller may cache work keyed on that object.
 * Statistics must not modify the array.
 */
export function pairedBootstrap<K extends string>(
  n: number,
  statistics: Record<K, SeedStatistic>,
  settings: Partial<BootstrapSettings> = {},
): Record<K, ConfidenceInterval> {
  const s = resolveBootstrapSettings(settings);
  const keys = Object.keys(statistics) as K[];
  const draws = drawPairedResamples(n, s.resamples, s.seed);
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const values: Record<string, number[]> = {};
  for (const k of keys) values[k] = [];
  for (let b = 0; b < s.resamples; b++) {
    const idx = draws.resample(b);
    for (const k of keys) {
      const v = statistics[k](idx);
      if (v !== null) {
        if (Number.isNaN(v)) throw new Error(`pairedBootstrap: statistic "${k}" returned NaN; return null for an undefined value`);
        values[k].push(v);
      }
    }
  }
  const out = {} as Record<K, ConfidenceInterval>;
  for (const k of keys) {
    const defined = values[k].sort((a, b) => a - b || 0);
    const alpha = (1 - s.level) / 2;
    out[k] = {
      estimate: statistics[k](identity),
      lower: defined.length > 0 ? percentileOfSorted(defined, alpha) : null,
      upper: defined.length > 0 ? percentileOfSorted(defined, 1 - alpha) : null,
      level: s.level,
      resamples: s.resamples,
      undefinedResamples: s.resamples - defined.length,
      seed: s.seed,
      method: 'paired percentile bootstrap over seeds (type-7 percentiles)',
    };
  }
  return out;
}

export function resolveBootstrapSettings(settings: Partial<BootstrapSettings> = {}): BootstrapSettings {
  const s = { ...DEFAULT_BOOTSTRAP, ...settings };
  if (!(s.level > 0 && s.level < 1)) throw new Error(`bootstrap: expected a level in (0, 1), found ${s.level}; use 0.95 for a 95% interval`);
  if (!Number.isInteger(s.seed)) throw new Error(`bootstrap: expected an integer seed, found ${s.seed}`);
  return s;
}
