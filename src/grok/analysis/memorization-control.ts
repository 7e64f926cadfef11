/**
 * Experiment 6, the memorization control: does temperature change when the network memorizes, or only the
 * delay from memorization to grokking? Across the tau sweep (at the raised norm) each seed's T_grok is
 * split into T_mem and delay = T_grok - T_mem.
 *
 * The share of the change in T_grok carried by the delay, defined (primary figure) on cell medians between
 * the two ends of the sweep, tau_lo = the smallest tau and tau_hi = the largest:
 *   delayShare = (median delay(tau_lo) - median delay(tau_hi)) / (median T_grok(tau_lo) - median T_grok(tau_hi)).
 * 1 means T_mem does not move with tau; above 1, T_mem moves slightly the other way. Medians are not
 * additive (median T_grok != median T_mem + median delay), so two companions are reported:
 * - delayShareOfMeans: the same ratio with means over seeds, exactly additive (it equals 1 minus the T_mem
 *   share); null unless every seed of both end cells grokked;
 * - delayOnTGrok: the OLS slope of median delay on median T_grok across all sweep cells that count
 *   (the share of T_grok's variation along the whole sweep that the delay carries), with its R^2.
 * The primary share gets a paired bootstrap interval (same seed indices in every cell).
 */
import { type BootstrapSettings, type ConfidenceInterval, pairedBootstrap, resolveBootstrapSettings } from '../stats/bootstrap.ts';
import { mean } from '../stats/mean.ts';
import { medianOfTimes } from '../stats/median.ts';
import { simpleLinearRegression } from '../stats/ols.ts';
import {
  type CellResult,
  type CellSummary,
  cellLoss,
  cellModel,
  cellModulus,
  cellTau,
  describeCell,
  requireSameSeeds,
  sameGridValue,
  seedGrokSteps,
  seedMemorizeSteps,
  summarizeCell,
} from './cells.ts';
import { delayOf } from './free-control.ts';

export interface MemorizationCell {
  tau: number;
  summary: CellSummary;
  medianTMem: number | null;
  medianTGrok: number | null;
  /** Median over seeds of T_grok - T_mem (a seed without both counts as +Infinity). */
  medianDelay: number | null;
  /** Means over seeds; null unless every seed memorized and grokked. */
  meanTMem: number | null;
  meanTGrok: number | null;
  meanDelay: number | null;
}

export interface MemorizationSeed {
  seed: number;
  /** Aligned with `cells` (by increasing tau). */
  tMem: Array<number | null>;
  tGrok: Array<number | null>;
  delay: Array<number | null>;
}

export interface MemorizationControlResult {
  analysis: 'memorization-control';
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  tauLo: number;
  tauHi: number;
  cells: MemorizationCell[];
  perSeed: MemorizationSeed[];
  /** Change of median T_grok from tau_lo to tau_hi (lo minus hi). */
  tGrokChange: number | null;
  delayChange: number | null;
  tMemChange: number | null;
  delayShare: number | null;
  delayShareOfMeans: number | null;
  delayOnTGrok: { slope: number; rSquared: number | null; cells: number } | null;
  bootstrap: { settings: BootstrapSettings; delayShare: ConfidenceInterval };
}

export function analyzeMemorizationControl(
  sweep: readonly CellResult[],
  options: { bootstrap?: Partial<BootstrapSettings> } = {},
): MemorizationControlResult {
  const where = 'analyzeMemorizationControl';
  if (sweep.length < 2) throw new Error(`${where}: expected the tau sweep (at least two temperatures), found ${sweep.length} cell(s)`);
  const model = cellModel(sweep[0]);
  const loss = cellLoss(sweep[0]);
  const p = cellModulus(sweep[0]);
  for (const c of sweep) {
    if (cellModel(c) !== model || cellLoss(c) !== loss || cellModulus(c) !== p) {
      throw new Error(`${where}: expected every cell to be ${model}/${loss} p=${p}, found ${describeCell(c)}`);
    }
  }
  const sorted = sweep.map((c) => ({ c, tau: cellTau(c) })).sort((a, b) => a.tau - b.tau);
  for (let i = 1; i < sorted.length; i++) {
    if (sameGridValue(sorted[i].tau, sorted[i - 1].tau)) throw new Error(`${where}: two cells at tau=${sorted[i].tau}; expected one per temperature`);
  }
  const seeds = requireSameSeeds(sorted.map((s) => s.c), where);
  const settings = resolveBootstrapSettings(options.bootstrap);

  const tMem = sorted.map((s) => seedMemorizeSteps(s.c));
  const tGrok = sorted.map((s) => seedGrokSteps(s.c));
  const delay = sorted.map((_, j) => tMem[j].map((m, i) => delayOf(m, tGrok[j][i])));

  const cells: MemorizationCell[] = sorted.map(({ c, tau }, j) => ({
    tau,
    summary: summarizeCell(c),
    medianTMem: medianOfTimes(tMem[j]),
    medianTGrok: medianOfTimes(tGrok[j]),
    medianDelay: medianOfTimes(delay[j]),
    meanTMem: meanIfComplete(tMem[j]),
    meanTGrok: meanIfComplete(tGrok[j]),
    meanDelay: meanIfComplete(delay[j]),
  }));
  const perSeed: MemorizationSeed[] = seeds.map((seed, i) => ({
    seed,
    tMem: tMem.map((row) => row[i]),
    tGrok: tGrok.map((row) => row[i]),
    delay: delay.map((row) => row[i]),
  }));

  const lo = 0;
  const hi = sorted.length - 1;
  const shareOn = (idx?: ArrayLike<number>): number | null => {
    const pickAll = (row: Array<number | null>) => (idx === undefined ? row : Array.from(idx, (i) => row[i]));
    const dT = difference(medianOfTimes(pickAll(tGrok[lo])), medianOfTimes(pickAll(tGrok[hi])));
    const dD = difference(medianOfTimes(pickAll(delay[lo])), medianOfTimes(pickAll(delay[hi])));
    return dT === null || dD === null || dT === 0 ? null : dD / dT;
  };
  const dT = difference(cells[lo].medianTGrok, cells[hi].medianTGrok);
  const dMeanT = difference(cells[lo].meanTGrok, cells[hi].meanTGrok);
  const dMeanD = difference(cells[lo].meanDelay, cells[hi].meanDelay);

  const counting = cells.filter((c) => c.medianTGrok !== null && c.medianDelay !== null);
  let delayOnTGrok: MemorizationControlResult['delayOnTGrok'] = null;
  if (counting.length >= 3 && new Set(counting.map((c) => c.medianTGrok)).size > 1) {
    const fit = simpleLinearRegression(counting.map((c) => c.medianTGrok as number), counting.map((c) => c.medianDelay as number));
    delayOnTGrok = { slope: fit.slope, rSquared: fit.rSquared, cells: counting.length };
  }

  const ci = pairedBootstrap(seeds.length, { delayShare: shareOn }, settings);
  return {
    analysis: 'memorization-control',
    model,
    loss,
    p,
    tauLo: sorted[lo].tau,
    tauHi: sorted[hi].tau,
    cells,
    perSeed,
    tGrokChange: dT,
    delayChange: difference(cells[lo].medianDelay, cells[hi].medianDelay),
    tMemChange: difference(cells[lo].medianTMem, cells[hi].medianTMem),
    delayShare: shareOn(),
    delayShareOfMeans: dMeanT === null || dMeanD === null || dMeanT === 0 ? null : dMeanD / dMeanT,
    delayOnTGrok,
    bootstrap: { settings, delayShare: ci.delayShare },
  };
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function meanIfComplete(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : mean(values as number[]);
}
