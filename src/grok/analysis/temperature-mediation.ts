/**
 * Experiment 3, temperature mediation (CE and MSE, per modulus), and the shared core of experiments 5
 * (MSE dissociation) and 9 (transformer).
 *
 * Cells: the baseline (rho 1, tau 1) gives T0 and the baseline logit scale L0; the raised norm (rho 1.15)
 * swept over tau (tau 1 included) gives T1 (its tau-1 cell) and the curve T_grok against L.
 * T2 = T_grok interpolated linearly on that curve, sorted by L, at L0 (no extrapolation: see
 * stats/interpolate.ts). Recovery fraction = (T1 - T2) / (T1 - T0): the share of the norm-induced slowdown
 * that is undone by bringing the logit scale back to its baseline value.
 *
 * Bootstrap (SPEC 5.3): 4000 paired resamples of seed indices, the same indices in every cell; each cell's
 * median T_grok is recomputed on the resample, T2 is re-interpolated with every cell's L held at its
 * full-sample value (so the curve's abscissae do not move), and T0, T1, T2, the recovery fraction and
 * T1/T0 are recomputed. Percentile intervals.
 */
import { type BootstrapSettings, type ConfidenceInterval, pairedBootstrap, resolveBootstrapSettings } from '../stats/bootstrap.ts';
import { interpolateLinear, type InterpolationStatus } from '../stats/interpolate.ts';
import {
  type CellResult,
  type CellSummary,
  cellLoss,
  cellModel,
  cellModulus,
  cellRho,
  cellTau,
  describeCell,
  medianGrokStep,
  requireSameSeeds,
  sameGridValue,
  summarizeCell,
} from './cells.ts';

export interface TemperatureMediationInput {
  /** rho 1, tau 1. */
  baseline: CellResult;
  /** The raised norm (rho 1.15) at every tau of the sweep, tau 1 included, in any order. */
  sweep: readonly CellResult[];
  bootstrap?: Partial<BootstrapSettings>;
}

export interface SweepCell {
  tau: number;
  summary: CellSummary;
  /** True when the cell has an L (it grokked) and so is a point of the T-against-L curve. */
  onCurve: boolean;
}

export interface CurvePoint {
  tau: number;
  L: number;
  tGrok: number | null;
}

export interface TemperatureMediationResult {
  analysis: 'temperature-mediation';
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  seeds: number[];
  baseline: CellSummary;
  /** Median T_grok of the baseline. */
  t0: number | null;
  /** L of the baseline: the target logit scale. */
  l0: number | null;
  /** rho of the sweep (null if the cells do not record it). */
  raisedRho: number | null;
  /** Median T_grok of the raised cell at tau 1. */
  t1: number | null;
  /** L of the raised cell at tau 1. */
  l1: number | null;
  /** The sweep cells by increasing tau. */
  sweep: SweepCell[];
  /** The curve T_grok against L (the sweep cells that grokked), by increasing L. */
  curve: CurvePoint[];
  /** T_grok on the curve at L0; null when L0 is outside the curve's range or a neighbour is undefined. */
  t2: number | null;
  t2Status: InterpolationStatus | 'no-baseline-scale' | 'empty-curve';
  /** The curve points bracketing L0. */
  t2Bracket: { lower: CurvePoint; upper: CurvePoint } | null;
  /** (T1 - T2) / (T1 - T0); null when any of them is null or T1 = T0. */
  recoveryFraction: number | null;
  /** T1 / T0: the slowdown from raising the norm at tau 1. */
  normUpRatio: number | null;
  /** Logit scale across the sweep: max L / min L over the cells on the curve. */
  logitScaleSwing: { min: number; max: number; ratio: number } | null;
  bootstrap: {
    settings: BootstrapSettings;
    recoveryFraction: ConfidenceInterval;
    normUpRatio: ConfidenceInterval;
    t2: ConfidenceInterval;
  };
}

export function analyzeTemperatureMediation(input: TemperatureMediationInput): TemperatureMediationResult {
  const where = 'analyzeTemperatureMediation';
  const { baseline, sweep } = input;
  if (sweep.length === 0) throw new Error(`${where}: expected the tau sweep at the raised norm, found no cells`);
  const all = [baseline, ...sweep];
  const model = cellModel(baseline);
  const loss = cellLoss(baseline);
  const p = cellModulus(baseline);
  for (const c of all) {
    if (cellModel(c) !== model || cellLoss(c) !== loss || cellModulus(c) !== p) {
      throw new Error(`${where}: expected every cell to be ${model}/${loss} p=${p} like the baseline, found ${describeCell(c)}`);
    }
  }
  if (!sameGridValue(cellTau(baseline), 1)) {
    throw new Error(`${where}: expected the baseline at tau 1, found ${describeCell(baseline)}`);
  }
  const raisedRho = cellRho(sweep[0]);
  for (const c of sweep) {
    const rho = cellRho(c);
    if ((rho === null) !== (raisedRho === null) || (rho !== null && raisedRho !== null && !sameGridValue(rho, raisedRho))) {
      throw new Error(`${where}: expected every sweep cell at rho=${raisedRho}, found ${describeCell(c)}`);
    }
  }
  const bySweepTau = sweep.map((c) => ({ c, tau: cellTau(c) })).sort((a, b) => a.tau - b.tau);
  for (let i = 1; i < bySweepTau.length; i++) {
    if (sameGridValue(bySweepTau[i].tau, bySweepTau[i - 1].tau)) {
      throw new Error(`${where}: two sweep cells at tau=${bySweepTau[i].tau}; expected one cell per temperature`);
    }
  }
  const tauOne = bySweepTau.find((s) => sameGridValue(s.tau, 1));
  if (!tauOne) {
    throw new Error(
      `${where}: the sweep has taus [${bySweepTau.map((s) => s.tau).join(', ')}] but no tau = 1 cell; ` +
        'T1 is the raised norm at tau 1: include that cell in the sweep',
    );
  }
  const seeds = requireSameSeeds(all, where);
  const settings = resolveBootstrapSettings(input.bootstrap);

  const baselineSummary = summarizeCell(baseline);
  const sweepCells: SweepCell[] = bySweepTau.map(({ c, tau }) => {
    const summary = summarizeCell(c);
    return { tau, summary, onCurve: summary.logitScaleAtGrok !== null };
  });
  // The curve's abscissae: L at full-sample values, fixed for every resample.
  const curveCells = bySweepTau
    .map(({ c, tau }, i) => ({ c, tau, L: sweepCells[i].summary.logitScaleAtGrok }))
    .filter((e): e is { c: CellResult; tau: number; L: number } => e.L !== null)
    .sort((a, b) => a.L - b.L);
  const l0 = baselineSummary.logitScaleAtGrok;

  /** Every quantity of the analysis on one set of seed indices (undefined: full sample). */
  const evaluate = (idx?: ArrayLike<number>) => {
    const t0 = medianGrokStep(baseline, idx);
    const t1 = medianGrokStep(tauOne.c, idx);
    const curve: CurvePoint[] = curveCells.map((e) => ({ tau: e.tau, L: e.L, tGrok: medianGrokStep(e.c, idx) }));
    let t2: number | null = null;
    let t2Status: TemperatureMediationResult['t2Status'];
    let t2Bracket: TemperatureMediationResult['t2Bracket'] = null;
    if (l0 === null) t2Status = 'no-baseline-scale';
    else if (curve.length === 0) t2Status = 'empty-curve';
    else {
      const r = interpolateLinear(curve.map((q) => ({ x: q.L, y: q.tGrok })), l0);
      t2 = r.value;
      t2Status = r.status;
      if (r.lower && r.upper) {
        const lower = curve.find((q) => q.L === r.lower!.x)!;
        const upper = curve.find((q) => q.L === r.upper!.x)!;
        t2Bracket = { lower, upper };
      }
    }
    const recoveryFraction = t0 === null || t1 === null || t2 === null || t1 === t0 ? null : (t1 - t2) / (t1 - t0);
    const normUpRatio = t0 === null || t1 === null ? null : t1 / t0;
    return { t0, t1, curve, t2, t2Status, t2Bracket, recoveryFraction, normUpRatio };
  };

  const full = evaluate();
  // pairedBootstrap hands every statistic the same index array for a resample: evaluate it once.
  let lastIdx: ArrayLike<number> | null = null;
  let last = full;
  const on = (idx: ArrayLike<number>) => {
    if (idx !== lastIdx) {
      lastIdx = idx;
      last = evaluate(idx);
    }
    return last;
  };
  const ci = pairedBootstrap(
    seeds.length,
    {
      recoveryFraction: (idx) => on(idx).recoveryFraction,
      normUpRatio: (idx) => on(idx).normUpRatio,
      t2: (idx) => on(idx).t2,
    },
    settings,
  );
  const ls = curveCells.map((e) => e.L);
  const swing = ls.length === 0 ? null : { min: Math.min(...ls), max: Math.max(...ls), ratio: Math.max(...ls) / Math.min(...ls) };
  return {
    analysis: 'temperature-mediation',
    model,
    loss,
    p,
    seeds,
    baseline: baselineSummary,
    t0: full.t0,
    l0,
    raisedRho,
    t1: full.t1,
    l1: sweepCells.find((s) => sameGridValue(s.tau, 1))!.summary.logitScaleAtGrok,
    sweep: sweepCells,
    curve: full.curve,
    t2: full.t2,
    t2Status: full.t2Status,
    t2Bracket: full.t2Bracket,
    recoveryFraction: full.recoveryFraction,
    normUpRatio: full.normUpRatio,
    logitScaleSwing: swing,
    bootstrap: { settings, recoveryFraction: ci.recoveryFraction, normUpRatio: ci.normUpRatio, t2: ci.t2 },
  };
}
