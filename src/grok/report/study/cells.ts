/**
 * The building blocks of the study's tables: number formats used throughout, cells for step counts that
 * may be missing ("not grokked (budget 30 000)"), bootstrap intervals, and the short notes on seeds.
 */
import type { CellSummary } from '../../analysis/cells.ts';
import type { ConfidenceInterval } from '../../stats/bootstrap.ts';
import { formatNumber, formatShort } from '../format.ts';
import type { Cell, NumberFormat } from '../model.ts';

export const INTEGER: NumberFormat = { kind: 'integer' };
export const fixed = (digits: number): NumberFormat => ({ kind: 'fixed', digits });
export const times = (digits: number): NumberFormat => ({ kind: 'times', digits });
export const percent = (digits: number): NumberFormat => ({ kind: 'percent', digits });
/** The effective logit scale L spans 0.5 (MSE) to 30 (CE): three significant digits suit both. */
export const LOGIT_SCALE: NumberFormat = { kind: 'significant', digits: 3 };
export const R_SQUARED = fixed(3);
export const RATIO = times(2);
export const RECOVERY = fixed(2);
export const SHARE = percent(0);

export function numberCell(value: number | null, format: NumberFormat, missing?: string): Cell {
  return missing === undefined ? { kind: 'number', value, format } : { kind: 'number', value, format, missing };
}

/** "not grokked (budget 30 000)": what a missing median T_grok means, with the budget it ran to. */
export function notGrokked(budget: number): string {
  return `not grokked (budget ${formatNumber(budget, INTEGER)})`;
}

/** A step count (a median T_grok, a delay) that is null when most seeds did not reach the event. */
export function stepsCell(value: number | null, budget: number, event = 'not grokked'): Cell {
  return numberCell(value, INTEGER, event === 'not grokked' ? notGrokked(budget) : `${event} (budget ${formatNumber(budget, INTEGER)})`);
}

/** A cell's median T_grok, "not grokked (budget N)" when it does not count. */
export function grokCell(summary: CellSummary): Cell {
  return stepsCell(summary.medianTGrok, summary.budget);
}

/** L at the median T_grok; a cell that did not grok has none ("—" beside its "not grokked"). */
export function logitScaleCell(summary: CellSummary): Cell {
  return numberCell(summary.logitScaleAtGrok, LOGIT_SCALE);
}

/** A statistic with its bootstrap interval, or the bare value when the interval is undefined. */
export function intervalCell(value: number | null, ci: ConfidenceInterval, format: NumberFormat, missing = 'not defined'): Cell {
  if (value === null) return numberCell(null, format, missing);
  if (ci.lower === null || ci.upper === null) return numberCell(value, format);
  return { kind: 'estimate', value, low: ci.lower, high: ci.upper, format };
}

/** "k/n" seeds. */
export function grokkedOf(summary: CellSummary): string {
  return `${summary.grokkedCount}/${summary.seeds}`;
}

/**
 * "seeds grokked per cell: 4/4 in all 12 cells" or, when some cell fell short,
 * "seeds grokked per cell: 4/4 in 10 of 12 cells; 2/4 at ρ = 1.25; 1/4 at ρ = 1.20".
 */
export function grokkedNote(cells: ReadonlyArray<{ label: string; summary: CellSummary }>, what = 'seeds grokked per cell'): string {
  if (cells.length === 0) return `${what}: no cells`;
  const full = cells.filter((c) => c.summary.grokkedCount === c.summary.seeds);
  const short = cells.filter((c) => c.summary.grokkedCount !== c.summary.seeds);
  const sizes = [...new Set(cells.map((c) => c.summary.seeds))].sort((a, b) => a - b);
  const fullText = sizes.map((n) => `${n}/${n}`).join(' or ');
  if (short.length === 0) return `${what}: ${fullText} in ${cells.length === 1 ? 'the one cell' : `all ${cells.length} cells`}`;
  const shortText = short.map((c) => `${grokkedOf(c.summary)} at ${c.label}`).join('; ');
  if (full.length === 0) return `${what}: ${shortText}`;
  return `${what}: ${fullText} in ${full.length} of ${cells.length} cells; ${shortText}`;
}

/** "seeds 1–12" for a consecutive run, else the list: the seed ids every statistic was computed over. */
export function describeSeeds(ids: readonly number[]): string {
  if (ids.length === 0) return 'no seeds';
  if (ids.length === 1) return `seed ${ids[0]}`;
  const consecutive = ids.every((s, i) => i === 0 || s === ids[i - 1] + 1);
  return consecutive ? `seeds ${ids[0]}–${ids[ids.length - 1]}` : `seeds ${ids.join(', ')}`;
}

/** "ρ = 1.15", "τ = 1.30": grid values with two decimals (the grids step by 0.05), more only if needed. */
export const rhoLabel = (rho: number): string => `ρ = ${gridValue(rho)}`;
export const tauLabel = (tau: number): string => `τ = ${gridValue(tau)}`;
export function gridValue(x: number): string {
  const short = formatShort(x, 6);
  const decimals = short.includes('.') ? short.length - short.indexOf('.') - 1 : 0;
  return decimals <= 2 ? formatNumber(x, { kind: 'fixed', digits: 2 }) : short;
}

/**
 * The bootstrap settings in words, from every interval of a table: "95% paired percentile bootstrap over
 * seeds, 4000 resamples (seed 1)". Settings that differ between rows are listed.
 */
export function bootstrapWords(intervals: readonly ConfidenceInterval[]): string {
  const distinct = (f: (ci: ConfidenceInterval) => string) => [...new Set(intervals.map(f))].join(' or ');
  return (
    `${distinct((ci) => formatShort(ci.level * 100))}% paired percentile bootstrap over seeds, ` +
    `${distinct((ci) => formatNumber(ci.resamples, INTEGER))} resamples (seed ${distinct((ci) => String(ci.seed))})`
  );
}

/**
 * Notes for the intervals whose statistic had no value on some resamples (a resampled cell did not grok):
 * those resamples are left out of the percentiles, which a reader must know to trust the interval.
 */
export function undefinedResampleNotes(intervals: ReadonlyArray<{ label: string; ci: ConfidenceInterval }>): string[] {
  return intervals
    .filter(({ ci }) => ci.undefinedResamples > 0)
    .map(
      ({ label, ci }) =>
        `bootstrap of ${label}: ${formatNumber(ci.undefinedResamples, INTEGER)} of ${formatNumber(ci.resamples, INTEGER)} resamples ` +
        'gave no value (a resampled cell did not grok) and are left out of the interval',
    );
}

/** "p = 59" */
export const modulusLabel = (p: number): string => `p = ${p}`;

/** A loss as the paper writes it. */
export const lossLabel = (loss: 'ce' | 'mse'): string => (loss === 'ce' ? 'CE' : 'MSE');

/** Sorts by a numeric key, then a text key: fixed iteration order for the tables. */
export function byKey<T>(items: readonly T[], ...keys: Array<(item: T) => number | string>): T[] {
  return items.slice().sort((a, b) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
}
