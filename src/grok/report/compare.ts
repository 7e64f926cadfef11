/**
 * Published beside reproduced: the PASS/FAIL/— mark of a comparison and the words for its tolerance.
 * Exported so that `grokpipe verify` can judge claims with the very rule the report prints.
 */
import { formatShort } from './format.ts';
import type { ComparisonCell, Mark, NumberFormat, Quantity, Tolerance } from './model.ts';

/** The mark of a comparison: the one stated in the model if any, else judged from its tolerance. */
export function markOf(cell: ComparisonCell): Mark {
  return cell.mark ?? judge(cell.published, cell.reproduced, cell.tolerance);
}

/**
 * PASS when the reproduced quantity is within tolerance of the published one, FAIL when it is not, and
 * "—" when there is nothing to judge (not reproduced, informational row, or a number compared with text).
 */
export function judge(published: Quantity, reproduced: Quantity | null, tolerance: Tolerance): Mark {
  if (reproduced === null || tolerance.kind === 'none') return '—';
  if (tolerance.kind === 'match') {
    return textOf(published) !== null && textOf(published) === textOf(reproduced) ? 'PASS' : 'FAIL';
  }
  const r = valueOf(reproduced);
  if (r === null) return '—';
  if (!Number.isFinite(r)) return 'FAIL';
  if (tolerance.kind === 'atLeast') return r >= tolerance.bound ? 'PASS' : 'FAIL';
  if (tolerance.kind === 'atMost') return r <= tolerance.bound ? 'PASS' : 'FAIL';
  if (tolerance.kind === 'between') return r >= tolerance.low && r <= tolerance.high ? 'PASS' : 'FAIL';
  const p = valueOf(published);
  if (p === null || !Number.isFinite(p)) return '—';
  switch (tolerance.kind) {
    case 'absolute':
      return Math.abs(r - p) <= tolerance.within ? 'PASS' : 'FAIL';
    case 'relative':
      return Math.abs(r - p) <= tolerance.within * Math.abs(p) ? 'PASS' : 'FAIL';
    case 'factor':
      if (!(r > 0 && p > 0)) return 'FAIL';
      return Math.max(r / p, p / r) <= tolerance.within ? 'PASS' : 'FAIL';
  }
}

/**
 * The tolerance in a few characters: "±0.05", "±20%", "within 1.3×", "≥ 0.95", "in [0.82, 0.85]",
 * "same verdict", "—".
 * Given the published number's format, an absolute tolerance or a bound on a percentage reads in the same
 * units: "±10 pp" (percentage points), "≥ 90%".
 */
export function describeTolerance(tolerance: Tolerance, format?: NumberFormat): string {
  const percent = format?.kind === 'percent';
  const bound = (v: number) => (percent ? `${formatShort(v * 100)}%` : formatShort(v));
  switch (tolerance.kind) {
    case 'absolute':
      return percent ? `±${formatShort(tolerance.within * 100)} pp` : `±${formatShort(tolerance.within)}`;
    case 'relative':
      return `±${formatShort(tolerance.within * 100)}%`;
    case 'factor':
      return `within ${formatShort(tolerance.within)}×`;
    case 'atLeast':
      return `≥ ${bound(tolerance.bound)}`;
    case 'atMost':
      return `≤ ${bound(tolerance.bound)}`;
    case 'between':
      return `in [${bound(tolerance.low)}, ${bound(tolerance.high)}]`;
    case 'match':
      return 'same verdict';
    case 'none':
      return '—';
  }
}

function valueOf(q: Quantity): number | null {
  return 'value' in q ? q.value : null;
}

function textOf(q: Quantity): string | null {
  return 'text' in q ? q.text.trim() : null;
}
