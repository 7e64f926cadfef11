/** The arithmetic mean, summed left to right (a fixed order, so the same input gives the same bits). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('mean: expected at least one value, found an empty list');
  }
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new Error(`mean: expected numbers, found NaN at position ${i}`);
    s += v;
  }
  return s / values.length;
}
