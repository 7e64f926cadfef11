/**
 * Percentiles by linear interpolation between order statistics: Hyndman and Fan's type 7, the default of
 * R's quantile() and of numpy.percentile. For sorted x[0..n-1] and q in [0, 1]:
 *   h = (n - 1) q,  percentile = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 * q = 0 gives the minimum, q = 1 the maximum, q = 0.5 the median.
 */
export function percentile(values: readonly number[], q: number): number {
  const sorted = values.slice();
  for (let i = 0; i < sorted.length; i++) {
    if (Number.isNaN(sorted[i])) throw new Error(`percentile: expected numbers, found NaN at position ${i}`);
  }
  sorted.sort((a, b) => a - b || 0);
  return percentileOfSorted(sorted, q);
}

/** Type-7 percentile of values already sorted ascending (no copy, no check of the order). */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile: expected at least one value, found an empty list');
  if (!(q >= 0 && q <= 1)) throw new Error(`percentile: expected q in [0, 1], found ${q}; pass 0.025 for the 2.5th percentile`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const frac = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  // a + frac*(b - a) is exact at frac = 0 and keeps equal neighbours equal (zero-width intervals stay zero).
  return frac === 0 || a === b ? a : a + frac * (b - a);
}
