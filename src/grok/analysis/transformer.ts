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
 *
 * Two cross-checks sit beside it (SPEC 7.3). The norm series: cells at tau 1 held at several rho, read
 * against the companion paper's released runs (rho 0.85 and 1 grok, rho 1.15 does not within its 30k-step
 * budget). And the held sweep: the tau sweep held at the paper's absolute norm (1.15 x its w_c of 32.49 =
 * 37.37, a published parameter), where the paper's ratio is read again: its w_c sits 12% below ours and
 * the companion's, and the delay is exponential in the held norm, so our rho 1.15 is a much slower cell
 * than the paper's.
 */
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { fitLogLinear, type LogLinearFit } from '../stats/loglinear.ts';
import { medianOfTimes } from '../stats/median.ts';
import {
  type CellResult,
  type CellSummary,
  cellClampTargets,
  cellModel,
  cellRho,
  cellTau,
  describeCell,
  medianGrokStep,
  requireRho,
  sameGridValue,
  seedGrokSteps,
  summarizeCell,
} from './cells.ts';
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
  /** Cells at tau 1 held at several rho (the baseline among them may be passed again): the norm series. */
  normCells?: readonly CellResult[];
  /** The rho of the norm series' lowered and raised cells (SPEC 7.3: 0.85 and 1.15). */
  loweredRho?: number;
  raisedRho?: number;
  /** The companion's budget: a cell "groks within the horizon" when most seeds grok by this step (30000). */
  horizon?: number;
  /** The tau sweep held at one published absolute norm (every cell's clamp target); empty: none run. */
  held?: readonly CellResult[];
}

/** One cell of the norm series (tau 1). */
export interface NormCell {
  rho: number;
  /** The absolute norm the cell held (its clamp target). */
  heldNorm: number;
  summary: CellSummary;
  /** Seeds that grokked by the horizon. */
  grokkedWithinHorizon: number;
  /** Whether most seeds grokked by the horizon; null when the cell stopped before it without that. */
  groksWithinHorizon: boolean | null;
}

export interface HeldSweep {
  /** The absolute norm every cell held. */
  heldNorm: number;
  /** heldNorm / w_c measured here. */
  rho: number;
  /** By increasing tau. */
  cells: Array<{ tau: number; summary: CellSummary }>;
  tGrokTau1: number | null;
  tGrokTauHi: number | null;
  /** T_grok(held, tau 1) / T_grok(held, tau_hi): the paper's ratio at the paper's norm. */
  ratioTau1OverTauHi: number | null;
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
  horizon: number;
  /** The norm series at tau 1, by increasing held norm (empty when none were passed). */
  normSeries: NormCell[];
  /** Its cells at the lowered and raised rho, when present. */
  lowered: NormCell | null;
  raised: NormCell | null;
  /** The sweep at the published absolute norm; null when the profile runs none. */
  held: HeldSweep | null;
  /**
   * The delay law at tau 1: ln T_grok = c + alpha * held norm over the norm series' grokked cells and the
   * held sweep's tau 1 cell; null with fewer than two such cells.
   */
  delayLaw: LogLinearFit | null;
  /** exp(alpha * (raised held norm - published held norm)): how much slower our rho 1.15 cell is than the paper's norm predicts. */
  raisedOverHeldFactor: number | null;
}

export function analyzeTransformerControl(input: TransformerControlInput): TransformerControlResult {
  const where = 'analyzeTransformerControl';
  const tauHi = input.tauHi ?? 1.7;
  for (const c of [input.free, input.baseline, ...input.sweep]) {
    if (cellModel(c) !== 'transformer') throw new Error(`${where}: expected transformer cells, found ${describeCell(c)}`);
  }
  for (const c of [...(input.normCells ?? []), ...(input.held ?? [])]) {
    if (cellModel(c) !== 'transformer') throw new Error(`${where}: expected transformer cells, found ${describeCell(c)}`);
  }
  const free = analyzeFreeControl(input.free);
  const baseline = summarizeCell(input.baseline);
  const horizon = input.horizon ?? 30000;
  const normSeries = normSeriesOf([input.baseline, ...(input.normCells ?? [])], horizon, where);
  const at = (rho: number) => normSeries.find((c) => sameGridValue(c.rho, rho)) ?? null;
  const held = heldSweepOf(input.held ?? [], tauHi, where);
  const raised = at(input.raisedRho ?? 1.15);
  const delayLaw = delayLawOf(normSeries, held);
  const crossChecks = {
    horizon,
    normSeries,
    lowered: at(input.loweredRho ?? 0.85),
    raised,
    held,
    delayLaw,
    raisedOverHeldFactor: delayLaw && raised && held ? Math.exp(delayLaw.alpha * (raised.heldNorm - held.heldNorm)) : null,
  };
  if (input.sweep.length === 0) {
    return { analysis: 'transformer-control', p: baseline.p, free, wc: free.wc, baseline, mediation: null, tauHi, tGrokTau1: null, tGrokTauHi: null, ratioTau1OverTauHi: null, ...crossChecks };
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
    ...crossChecks,
  };
}

function heldNormOfCell(c: CellResult, where: string): number {
  const targets = cellClampTargets(c);
  if (targets === null || targets.length === 0) throw new Error(`${where}: expected a clamped cell, found ${describeCell(c)} without a clamp`);
  return targets[0];
}

/** The tau-1 cells by held norm, one per rho (the baseline passed twice counts once). */
function normSeriesOf(cells: readonly CellResult[], horizon: number, where: string): NormCell[] {
  const out: NormCell[] = [];
  for (const c of cells) {
    if (!sameGridValue(cellTau(c), 1)) throw new Error(`${where}: the norm series holds tau 1 cells only, found ${describeCell(c)}`);
    const rho = cellRho(c);
    if (rho === null) throw new Error(`${where}: the norm series needs clamped cells that record rho, found ${describeCell(c)}`);
    if (out.some((o) => sameGridValue(o.rho, rho))) continue;
    const summary = summarizeCell(c);
    const within = seedGrokSteps(c).map((t) => (t !== null && t <= horizon ? t : null));
    const groks = medianOfTimes(within) !== null;
    out.push({
      rho,
      heldNorm: heldNormOfCell(c, where),
      summary,
      grokkedWithinHorizon: within.filter((t) => t !== null).length,
      groksWithinHorizon: groks ? true : summary.budget >= horizon ? false : null,
    });
  }
  return out.sort((a, b) => a.heldNorm - b.heldNorm);
}

function heldSweepOf(cells: readonly CellResult[], tauHi: number, where: string): HeldSweep | null {
  if (cells.length === 0) return null;
  const heldNorm = heldNormOfCell(cells[0], where);
  for (const c of cells) {
    if (!sameGridValue(heldNormOfCell(c, where), heldNorm)) {
      throw new Error(`${where}: expected every held cell at the norm ${heldNorm}, found ${describeCell(c)} at ${heldNormOfCell(c, where)}`);
    }
  }
  const sorted = cells.map((c) => ({ tau: cellTau(c), summary: summarizeCell(c) })).sort((a, b) => a.tau - b.tau);
  for (let i = 1; i < sorted.length; i++) {
    if (sameGridValue(sorted[i].tau, sorted[i - 1].tau)) throw new Error(`${where}: two held cells at tau ${sorted[i].tau}; expected one per temperature`);
  }
  const tGrokTau1 = sorted.find((c) => sameGridValue(c.tau, 1))?.summary.medianTGrok ?? null;
  const tGrokTauHi = sorted.find((c) => sameGridValue(c.tau, tauHi))?.summary.medianTGrok ?? null;
  return {
    heldNorm,
    rho: requireRho(cells[0], where),
    cells: sorted,
    tGrokTau1,
    tGrokTauHi,
    ratioTau1OverTauHi: tGrokTau1 === null || tGrokTauHi === null ? null : tGrokTau1 / tGrokTauHi,
  };
}

/** ln T_grok against the held norm at tau 1: the norm series' grokked cells and the held sweep's tau 1 cell. */
function delayLawOf(series: readonly NormCell[], held: HeldSweep | null): LogLinearFit | null {
  const points = series.filter((c) => c.summary.medianTGrok !== null).map((c) => ({ norm: c.heldNorm, t: c.summary.medianTGrok as number }));
  const heldTau1 = held?.cells.find((c) => sameGridValue(c.tau, 1));
  if (held && heldTau1 && heldTau1.summary.medianTGrok !== null && !points.some((q) => sameGridValue(q.norm, held.heldNorm))) {
    points.push({ norm: held.heldNorm, t: heldTau1.summary.medianTGrok });
  }
  if (new Set(points.map((q) => q.norm)).size < 2) return null;
  points.sort((a, b) => a.norm - b.norm);
  return fitLogLinear(points.map((q) => q.norm), points.map((q) => q.t));
}
