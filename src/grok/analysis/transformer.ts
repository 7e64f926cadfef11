/**
 * Experiment 9, the no-LayerNorm transformer control (p = 59): its own free control for w_c, the baseline
 * (rho 1, tau 1), and rho 1.15 swept over tau in {1, 1.15, 1.3, 1.5, 1.7}. The headline figure is
 * T_grok(rho 1.15, tau 1) / T_grok(rho 1.15, tau_hi) with tau_hi = 1.7: how much of the raised norm's
 * slowdown temperature removes in a model with attention. The full mediation analysis (T0, T1, T2,
 * recovery fraction and its interval) is reported as well, computed exactly as for the MLP.
 *
 * The sweep may be empty: a profile that cannot afford the raised-norm cells (each needs up to 60k steps
 * of a model about six times the MLP's cost per step) still measures w_c and the baseline, and the
 * ratio and the mediation are then null rather than invented.
 */
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { type CellResult, type CellSummary, cellModel, cellTau, describeCell, medianGrokStep, sameGridValue, summarizeCell } from './cells.ts';
import { analyzeFreeControl, type FreeControlResult } from './free-control.ts';
import { analyzeTemperatureMediation, type TemperatureMediationResult } from './temperature-mediation.ts';

export interface TransformerControlInput {
  free: CellResult;
  baseline: CellResult;
  /** rho 1.15 at every tau, tau 1 included; empty when the profile runs no raised-norm cells. */
  sweep: readonly CellResult[];
  /** The hot end of the ratio (SPEC: 1.7). */
  tauHi?: number;
  bootstrap?: Partial<BootstrapSettings>;
}

export interface TransformerControlResult {
  analysis: 'transformer-control';
  p: number;
  free: FreeControlResult;
  wc: number | null;
  /** The baseline (rho 1, tau 1). */
  baseline: CellSummary;
  /** Null when the sweep is empty (the profile ran no raised-norm cells). */
  mediation: TemperatureMediationResult | null;
  tauHi: number;
  /** Median T_grok of the rho 1.15, tau 1 cell. */
  tGrokTau1: number | null;
  /** Median T_grok of the rho 1.15, tau_hi cell. */
  tGrokTauHi: number | null;
  /** T_grok(rho 1.15, tau 1) / T_grok(rho 1.15, tau_hi). */
  ratioTau1OverTauHi: number | null;
}

export function analyzeTransformerControl(input: TransformerControlInput): TransformerControlResult {
  const where = 'analyzeTransformerControl';
  const tauHi = input.tauHi ?? 1.7;
  for (const c of [input.free, input.baseline, ...input.sweep]) {
    if (cellModel(c) !== 'transformer') throw new Error(`${where}: expected transformer cells, found ${describeCell(c)}`);
  }
  const free = analyzeFreeControl(input.free);
  const baseline = summarizeCell(input.baseline);
  if (input.sweep.length === 0) {
    return { analysis: 'transformer-control', p: baseline.p, free, wc: free.wc, baseline, mediation: null, tauHi, tGrokTau1: null, tGrokTauHi: null, ratioTau1OverTauHi: null };
  }
  const mediation = analyzeTemperatureMediation({ baseline: input.baseline, sweep: input.sweep, bootstrap: input.bootstrap });
  const hot = input.sweep.find((c) => sameGridValue(cellTau(c), tauHi));
  if (!hot) {
    throw new Error(
      `${where}: no sweep cell at tau=${tauHi} (found taus ${input.sweep.map(cellTau).join(', ')}); include it or pass tauHi`,
    );
  }
  const tGrokTau1 = mediation.t1;
  const tGrokTauHi = medianGrokStep(hot);
  return {
    analysis: 'transformer-control',
    p: mediation.p,
    free,
    wc: free.wc,
    baseline,
    mediation,
    tauHi,
    tGrokTau1,
    tGrokTauHi,
    ratioTau1OverTauHi: tGrokTau1 === null || tGrokTauHi === null ? null : tGrokTau1 / tGrokTauHi,
  };
}
