/**
 * Experiment 8, the float64 audit (p = 59, CE): the rho 1.15 and 1.25 cells trained in float32 and float64.
 * Softmax collapse (the correct-class probability rounding to exactly 1, which zeroes its CE gradient) is a
 * float32 artefact; if a slowdown comes with collapse and disappears in float64, it was the precision.
 *
 * Per cell, in each precision: median T_grok, and the softmax-collapse fraction sc (mean over seeds of the
 * logged fraction) read at the logged step nearest the median T_grok, or at the last logged step when the
 * cell did not grok ("at grokking or at the end"). Verdict, exactly as SPEC 5.8:
 *   "precision-robust" if sc32 < 0.05 and T64 is within 1.3x of T32 (max(T64/T32, T32/T64) <= 1.3),
 *   otherwise "float32 softmax-collapse confounded".
 * A precision that did not grok within its budget has no T, so "within 1.3x" fails; `checks` says which
 * condition failed, and when float64 did not grok, t64OverT32AtLeast bounds the ratio from below by the
 * last step float64 trained to.
 */
import {
  type CellResult,
  type CellSummary,
  type SeriesReading,
  cellLoss,
  cellModel,
  cellModulus,
  cellPrecision,
  describeCell,
  requireRho,
  sameGridValue,
  seriesAtGrokOrEnd,
  summarizeCell,
} from './cells.ts';

export type AuditVerdict = 'precision-robust' | 'float32 softmax-collapse confounded';

export interface PrecisionReading {
  summary: CellSummary;
  medianTGrok: number | null;
  /** Softmax-collapse fraction at grokking (or at the end). */
  collapse: SeriesReading;
  /** Share of training pairs with max probability > 0.999, read at the same step. */
  saturation: SeriesReading;
  /** The logit scale L and the training loss at the same step: float32's other trace is a loss at its resolution. */
  logitScale: SeriesReading;
  trainLoss: SeriesReading;
}

export interface AuditCell {
  rho: number;
  f32: PrecisionReading;
  f64: PrecisionReading;
  /** T64 / T32 when both grokked. */
  t64OverT32: number | null;
  /** When float64 did not grok: (last float64 step) / T32, a lower bound of the ratio. */
  t64OverT32AtLeast: number | null;
  checks: {
    float32CollapseBelowThreshold: boolean;
    float32Grokked: boolean;
    float64Grokked: boolean;
    timesWithinTolerance: boolean;
  };
  verdict: AuditVerdict;
}

export interface Float64AuditResult {
  analysis: 'float64-audit';
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  collapseThreshold: number;
  timeTolerance: number;
  cells: AuditCell[];
}

export interface Float64AuditOptions {
  /** sc32 must be below this (SPEC: 0.05). */
  collapseThreshold?: number;
  /** T64 within this factor of T32 (SPEC: 1.3). */
  timeTolerance?: number;
}

export function analyzeFloat64Audit(
  pairs: ReadonlyArray<{ f32: CellResult; f64: CellResult }>,
  options: Float64AuditOptions = {},
): Float64AuditResult {
  const where = 'analyzeFloat64Audit';
  const collapseThreshold = options.collapseThreshold ?? 0.05;
  const timeTolerance = options.timeTolerance ?? 1.3;
  if (pairs.length === 0) throw new Error(`${where}: expected float32/float64 cell pairs, found none`);
  const model = cellModel(pairs[0].f32);
  const loss = cellLoss(pairs[0].f32);
  const p = cellModulus(pairs[0].f32);
  const cells: AuditCell[] = pairs.map(({ f32, f64 }) => {
    for (const [c, want] of [[f32, 'f32'], [f64, 'f64']] as const) {
      if (cellPrecision(c) !== want) throw new Error(`${where}: expected a ${want} cell, found ${describeCell(c)}; pass { f32, f64 } pairs`);
      if (cellModel(c) !== model || cellLoss(c) !== loss || cellModulus(c) !== p) {
        throw new Error(`${where}: expected ${model}/${loss} p=${p} in every cell, found ${describeCell(c)}`);
      }
    }
    const rho = requireRho(f32, where);
    if (!sameGridValue(rho, requireRho(f64, where))) {
      throw new Error(`${where}: a pair mixes ${describeCell(f32)} with ${describeCell(f64)}; expected the same rho in both precisions`);
    }
    const r32 = readPrecision(f32);
    const r64 = readPrecision(f64);
    const t32 = r32.medianTGrok;
    const t64 = r64.medianTGrok;
    const t64OverT32 = t32 !== null && t64 !== null ? t64 / t32 : null;
    const t64OverT32AtLeast = t32 !== null && t64 === null ? r64.summary.finalStep / t32 : null;
    const checks = {
      float32CollapseBelowThreshold: r32.collapse.value < collapseThreshold,
      float32Grokked: t32 !== null,
      float64Grokked: t64 !== null,
      timesWithinTolerance: t64OverT32 !== null && Math.max(t64OverT32, 1 / t64OverT32) <= timeTolerance,
    };
    const verdict: AuditVerdict =
      checks.float32CollapseBelowThreshold && checks.timesWithinTolerance ? 'precision-robust' : 'float32 softmax-collapse confounded';
    return { rho, f32: r32, f64: r64, t64OverT32, t64OverT32AtLeast, checks, verdict };
  });
  cells.sort((a, b) => a.rho - b.rho);
  return { analysis: 'float64-audit', model, loss, p, collapseThreshold, timeTolerance, cells };
}

function readPrecision(c: CellResult): PrecisionReading {
  const summary = summarizeCell(c);
  return {
    summary,
    medianTGrok: summary.medianTGrok,
    collapse: seriesAtGrokOrEnd(c, 'collapse'),
    saturation: seriesAtGrokOrEnd(c, 'saturation'),
    logitScale: seriesAtGrokOrEnd(c, 'L'),
    trainLoss: seriesAtGrokOrEnd(c, 'trainLoss'),
  };
}
