/**
 * Experiment 2, the dose response (per modulus): cells clamped at rho in {0.85, ..., 1.25} x w_c, tau 1.
 * Fit ln T_grok = c + alpha ||W|| with ||W|| the absolute held norm rho * w_c, over the cells free of
 * softmax collapse.
 *
 * The cut, over the cells sorted by rho (a cell gets the first status that applies):
 * 1. collapse ("collapse-cut"): walking up in rho over the cells that have an L, the first cell whose L
 *    differs from the previous such cell's by more than the jump factor (2.5x, either way: the ratio of
 *    the larger to the smaller) starts the cut; it and every cell at a higher rho are not used;
 * 2. cells above rhoMax (1.15) are not used ("above-rho-max");
 * 3. cells whose median T_grok is not finite are not used ("not-grokked"); they have no L at grokking
 *    and are skipped by the jump test.
 * The jump test runs over every cell with an L, including those above rhoMax, so `collapseCutRho` reports
 * where collapse starts even when it starts above the rho cap.
 */
import { log } from '../math.ts';
import { fitLogLinear, type LogLinearFit } from '../stats/loglinear.ts';
import { type CellResult, type CellSummary, cellLoss, cellModulus, cellTau, describeCell, requireRho, sameGridValue, summarizeCell } from './cells.ts';

export interface DoseResponseOptions {
  /** Largest rho kept in the fit (SPEC: 1.15). */
  rhoMax?: number;
  /** L jump between neighbouring cells that marks softmax collapse (SPEC: 2.5). */
  jumpFactor?: number;
}

export type DoseCellStatus = 'used' | 'above-rho-max' | 'not-grokked' | 'collapse-cut';

export interface DoseCell {
  rho: number;
  /** Absolute held norm rho * w_c. */
  heldNorm: number;
  summary: CellSummary;
  /** ln of the median T_grok, null if the cell does not count. */
  lnTGrok: number | null;
  /** L of this cell over L of the previous cell (in rho) that has an L; null for the first or without an L. */
  logitScaleRatioToPrevious: number | null;
  status: DoseCellStatus;
}

export interface DoseResponseResult {
  analysis: 'dose-response';
  p: number;
  loss: 'ce' | 'mse';
  wc: number;
  rhoMax: number;
  jumpFactor: number;
  /** The rho at which the collapse cut starts, or null if L never jumps. */
  collapseCutRho: number | null;
  cells: DoseCell[];
  usedCount: number;
  /** The fit ln T = c + alpha * heldNorm over the used cells; null with fewer than two used cells. */
  fit: LogLinearFit | null;
  /** alpha * w_c: the slope of ln T per unit of rho (for comparing moduli with different w_c). */
  alphaPerRho: number | null;
}

export function analyzeDoseResponse(cells: readonly CellResult[], wc: number, options: DoseResponseOptions = {}): DoseResponseResult {
  const where = 'analyzeDoseResponse';
  const rhoMax = options.rhoMax ?? 1.15;
  const jumpFactor = options.jumpFactor ?? 2.5;
  if (!(wc > 0)) throw new Error(`${where}: expected a positive critical norm w_c, found ${wc}; run the free control first`);
  if (cells.length === 0) throw new Error(`${where}: expected the dose cells of one modulus, found none`);
  const p = cellModulus(cells[0]);
  const loss = cellLoss(cells[0]);
  for (const c of cells) {
    if (cellModulus(c) !== p || cellLoss(c) !== loss) {
      throw new Error(`${where}: expected every cell at p=${p} under ${loss}, found ${describeCell(c)}; call once per modulus`);
    }
    if (!sameGridValue(cellTau(c), 1)) throw new Error(`${where}: expected tau = 1 in every dose cell, found ${describeCell(c)}`);
  }
  const sorted = cells
    .map((c) => ({ c, rho: requireRho(c, where) }))
    .sort((a, b) => a.rho - b.rho);
  for (let i = 1; i < sorted.length; i++) {
    if (sameGridValue(sorted[i].rho, sorted[i - 1].rho)) {
      throw new Error(`${where}: two cells at rho=${sorted[i].rho} (${describeCell(sorted[i].c)}); expected one cell per dose`);
    }
  }

  const rows: DoseCell[] = [];
  let previousL: number | null = null;
  let collapseCutRho: number | null = null;
  for (const { c, rho } of sorted) {
    const summary = summarizeCell(c);
    const L = summary.logitScaleAtGrok;
    const ratio = L !== null && previousL !== null ? L / previousL : null;
    if (collapseCutRho === null && ratio !== null && Math.max(ratio, 1 / ratio) > jumpFactor) collapseCutRho = rho;
    if (L !== null) previousL = L;
    let status: DoseCellStatus = 'used';
    if (collapseCutRho !== null) status = 'collapse-cut';
    else if (rho > rhoMax && !sameGridValue(rho, rhoMax)) status = 'above-rho-max';
    else if (summary.medianTGrok === null) status = 'not-grokked';
    rows.push({
      rho,
      heldNorm: rho * wc,
      summary,
      lnTGrok: summary.medianTGrok === null ? null : log(summary.medianTGrok),
      logitScaleRatioToPrevious: ratio,
      status,
    });
  }
  const used = rows.filter((r) => r.status === 'used');
  const fit = used.length >= 2 ? fitLogLinear(used.map((r) => r.heldNorm), used.map((r) => r.summary.medianTGrok as number)) : null;
  return {
    analysis: 'dose-response',
    p,
    loss,
    wc,
    rhoMax,
    jumpFactor,
    collapseCutRho,
    cells: rows,
    usedCount: used.length,
    fit,
    alphaPerRho: fit === null ? null : fit.alpha * wc,
  };
}
