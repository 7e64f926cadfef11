/**
 * Experiment 1, the free control (per loss and modulus): unclamped training gives the critical norm w_c
 * and the free timescales.
 *
 * w_c = median over the seeds that grokked of ||W|| at their grokking step. A seed that never grokked has
 * no norm at grokking; w_c is reported only when the cell counts (a strict majority of seeds grokked, the
 * same rule as the median T_grok), otherwise null, and the stages that need it must stop there.
 */
import { median, medianOfTimes } from '../stats/median.ts';
import {
  type CellResult,
  type CellSummary,
  describeCell,
  seedGrokSteps,
  seedIds,
  seedMemorizeSteps,
  seedNormsAtGrok,
  summarizeCell,
} from './cells.ts';

export interface FreeControlSeed {
  seed: number;
  tMem: number | null;
  tGrok: number | null;
  /** T_grok - T_mem; null if either is missing. */
  delay: number | null;
  normAtGrok: number | null;
}

export interface FreeControlResult {
  analysis: 'free-control';
  cell: CellSummary;
  /** Critical norm: median ||W|| at grokking over the grokked seeds; null if the cell does not count. */
  wc: number | null;
  medianTGrok: number | null;
  medianTMem: number | null;
  /** Median over seeds of T_grok - T_mem (non-grokked seeds count as +Infinity). */
  medianDelay: number | null;
  perSeed: FreeControlSeed[];
}

export function analyzeFreeControl(cell: CellResult): FreeControlResult {
  const summary = summarizeCell(cell);
  if (summary.rho !== null) {
    throw new Error(
      `analyzeFreeControl: expected a free (unclamped) cell, found ${describeCell(cell)} with rho set; pass the free control cell`,
    );
  }
  const ids = seedIds(cell);
  const tMem = seedMemorizeSteps(cell);
  const tGrok = seedGrokSteps(cell);
  const norms = seedNormsAtGrok(cell);
  const perSeed: FreeControlSeed[] = ids.map((seed, i) => ({
    seed,
    tMem: tMem[i],
    tGrok: tGrok[i],
    delay: delayOf(tMem[i], tGrok[i]),
    normAtGrok: norms[i],
  }));
  const grokkedNorms: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const norm = norms[i];
    if (tGrok[i] === null) continue;
    if (norm === null) {
      throw new Error(
        `analyzeFreeControl: seed ${ids[i]} of ${describeCell(cell)} grokked at step ${tGrok[i]} but has no normAtGrok; ` +
          'the trainer must record ||W|| at the grokking step',
      );
    }
    grokkedNorms.push(norm);
  }
  const wc = summary.medianTGrok === null ? null : median(grokkedNorms);
  return {
    analysis: 'free-control',
    cell: summary,
    wc,
    medianTGrok: summary.medianTGrok,
    medianTMem: summary.medianTMem,
    medianDelay: medianOfTimes(perSeed.map((s) => (s.tGrok === null ? null : s.delay))),
    perSeed,
  };
}

/** The critical norm of a free control, or an error saying why there is none. */
export function requireCriticalNorm(result: FreeControlResult): number {
  if (result.wc === null) {
    const c = result.cell;
    throw new Error(
      `no critical norm w_c for ${c.model}/${c.loss} p=${c.p}: only ${c.grokkedCount} of ${c.seeds} free seeds grokked ` +
        `within ${c.budget} steps; expected a strict majority. Raise the free control's budget`,
    );
  }
  return result.wc;
}

export function delayOf(tMem: number | null, tGrok: number | null): number | null {
  return tMem === null || tGrok === null ? null : tGrok - tMem;
}
