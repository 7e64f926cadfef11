/**
 * Medians, including the median of event times where some seeds never reached the event.
 *
 * SPEC section 4: "a cell reports the median over seeds and counts only if most seeds grok". A seed that
 * did not grok within its budget has an event time of +Infinity: it is later than any seed that grokked,
 * which is all we know about it. The median of such times is finite exactly when a strict majority of
 * seeds reached the event (for n = 4: 3 of 4; for n = 5: 3 of 5), which is the "most seeds" rule.
 */

/** The median of finite numbers: the middle value, or the mean of the two middle values for even n. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median: expected at least one value, found an empty list; check that the cell has seeds');
  }
  const sorted = sortedCopy(values, 'median');
  return middleOfSorted(sorted);
}

/**
 * The median of event times where null means "never happened" (counted as +Infinity).
 * Returns null when the median is infinite, i.e. when at most half of the times are finite: such a
 * cell does not count.
 */
export function medianOfTimes(times: ReadonlyArray<number | null>): number | null {
  if (times.length === 0) {
    throw new Error('medianOfTimes: expected at least one event time, found an empty list; check that the cell has seeds');
  }
  const filled = times.map((t) => (t === null ? Number.POSITIVE_INFINITY : t));
  const sorted = sortedCopy(filled, 'medianOfTimes');
  const m = middleOfSorted(sorted);
  return Number.isFinite(m) ? m : null;
}

/** How many of the event times are not null (seeds that reached the event). */
export function countReached(times: ReadonlyArray<number | null>): number {
  let k = 0;
  for (const t of times) if (t !== null) k++;
  return k;
}

function middleOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  const h = n >> 1;
  if (n % 2 === 1) return sorted[h];
  const a = sorted[h - 1];
  const b = sorted[h];
  // Infinity + Infinity stays Infinity; a finite a with an infinite b gives Infinity: the cell does not count.
  return a === b ? a : (a + b) / 2;
}

function sortedCopy(values: readonly number[], where: string): number[] {
  const out = values.slice();
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) {
      throw new Error(`${where}: expected numbers, found NaN at position ${i}; a NaN here means a metric was not computed`);
    }
  }
  out.sort((x, y) => x - y || 0);
  return out;
}
