/**
 * Piecewise-linear interpolation of y against x, used for T2: T_grok read off the tau sweep (sorted by
 * the logit scale L) at the baseline logit scale L0.
 *
 * Rules, chosen so that a number is never invented:
 * - points are sorted by x (ties in x are merged into one point whose y is the mean of theirs);
 * - x0 inside [min x, max x] is interpolated between its two neighbours (x0 equal to a point's x returns
 *   that point's y exactly);
 * - x0 outside the range is NOT extrapolated: value null, status "below-range" or "above-range";
 * - a neighbour whose y is null (e.g. a cell whose median T_grok is not finite) gives value null,
 *   status "undefined-neighbour".
 */

export interface XYPoint {
  x: number;
  y: number | null;
}

export type InterpolationStatus = 'interpolated' | 'below-range' | 'above-range' | 'undefined-neighbour';

export interface Interpolation {
  value: number | null;
  status: InterpolationStatus;
  /** The bracketing points actually used (equal when x0 hits a point), or null outside the range. */
  lower: XYPoint | null;
  upper: XYPoint | null;
  /** [min x, max x] of the points. */
  range: [number, number];
}

export function interpolateLinear(points: readonly XYPoint[], x0: number): Interpolation {
  if (points.length === 0) {
    throw new Error('interpolateLinear: expected at least one point, found none; the sweep has no usable cells');
  }
  if (!Number.isFinite(x0)) throw new Error(`interpolateLinear: expected a finite x0, found ${x0}`);
  const merged = sortAndMergeTies(points);
  const range: [number, number] = [merged[0].x, merged[merged.length - 1].x];
  if (x0 < range[0]) return { value: null, status: 'below-range', lower: null, upper: null, range };
  if (x0 > range[1]) return { value: null, status: 'above-range', lower: null, upper: null, range };
  // Find the first point with x >= x0 (linear scan: sweeps have a handful of points; order is fixed).
  let hi = 0;
  while (merged[hi].x < x0) hi++;
  const upper = merged[hi];
  if (upper.x === x0) {
    return {
      value: upper.y,
      status: upper.y === null ? 'undefined-neighbour' : 'interpolated',
      lower: upper,
      upper,
      range,
    };
  }
  const lower = merged[hi - 1];
  if (lower.y === null || upper.y === null) {
    return { value: null, status: 'undefined-neighbour', lower, upper, range };
  }
  const w = (x0 - lower.x) / (upper.x - lower.x);
  return { value: lower.y + w * (upper.y - lower.y), status: 'interpolated', lower, upper, range };
}

function sortAndMergeTies(points: readonly XYPoint[]): XYPoint[] {
  for (let i = 0; i < points.length; i++) {
    const { x, y } = points[i];
    if (!Number.isFinite(x)) throw new Error(`interpolateLinear: point ${i} has x = ${x}, expected a finite number`);
    if (y !== null && !Number.isFinite(y)) {
      throw new Error(`interpolateLinear: point ${i} has y = ${y}, expected a finite number or null (undefined)`);
    }
  }
  // Stable sort on x (Array.prototype.sort is stable since ES2019): the order of ties is the input order.
  const sorted = points.map((p) => ({ x: p.x, y: p.y })).sort((a, b) => a.x - b.x);
  const out: XYPoint[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let sum = 0;
    let undefinedY = false;
    while (j < sorted.length && sorted[j].x === sorted[i].x) {
      const y = sorted[j].y;
      if (y === null) undefinedY = true;
      else sum += y;
      j++;
    }
    out.push({ x: sorted[i].x, y: undefinedY ? null : sum / (j - i) });
    i = j;
  }
  return out;
}
