/**
 * Experiment 4, the collapse grid (CE, per modulus): rho in {1.00, 1.05, 1.10, 1.15} x tau in {1.0, 1.3, 1.7}.
 * Ordinary least squares on the cell medians (one observation per cell that counts):
 *   ln T ~ L,   ln T ~ rho,   ln T ~ L + rho,
 * with each R^2 and delta R^2 = R^2(L + rho) - R^2(L): what the norm adds once the logit scale is known.
 * Cells whose median T_grok is not finite have no ln T and no L: they are listed and left out.
 */
import { log } from '../math.ts';
import { type OlsFit, ordinaryLeastSquares } from '../stats/ols.ts';
import { type CellResult, type CellSummary, cellLoss, cellModel, cellModulus, describeCell, requireRho, summarizeCell } from './cells.ts';

export interface GridCell {
  rho: number;
  tau: number;
  summary: CellSummary;
  lnTGrok: number | null;
  used: boolean;
}

/** The parts of an OLS fit the report needs (residuals are per used cell, in `cells` order). */
export interface GridFit {
  regressors: string[];
  intercept: number;
  slopes: number[];
  standardErrors: number[] | null;
  rSquared: number | null;
  residuals: number[];
}

export interface CollapseGridResult {
  analysis: 'collapse-grid';
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  /** Cells sorted by rho, then tau. */
  cells: GridCell[];
  usedCount: number;
  /** Null when there are too few used cells for the fit (a fit needs more cells than coefficients). */
  fitL: GridFit | null;
  fitRho: GridFit | null;
  fitBoth: GridFit | null;
  rSquaredL: number | null;
  rSquaredRho: number | null;
  rSquaredBoth: number | null;
  /** R^2(L + rho) - R^2(L). */
  deltaRSquaredRhoGivenL: number | null;
}

export function analyzeCollapseGrid(cells: readonly CellResult[]): CollapseGridResult {
  const where = 'analyzeCollapseGrid';
  if (cells.length === 0) throw new Error(`${where}: expected the grid cells of one modulus, found none`);
  const model = cellModel(cells[0]);
  const loss = cellLoss(cells[0]);
  const p = cellModulus(cells[0]);
  for (const c of cells) {
    if (cellModel(c) !== model || cellLoss(c) !== loss || cellModulus(c) !== p) {
      throw new Error(`${where}: expected every cell to be ${model}/${loss} p=${p}, found ${describeCell(c)}; call once per modulus`);
    }
  }
  const rows: GridCell[] = cells
    .map((c) => {
      const summary = summarizeCell(c);
      const used = summary.medianTGrok !== null && summary.logitScaleAtGrok !== null;
      return {
        rho: requireRho(c, where),
        tau: summary.tau,
        summary,
        lnTGrok: summary.medianTGrok === null ? null : log(summary.medianTGrok),
        used,
      };
    })
    .sort((a, b) => a.rho - b.rho || a.tau - b.tau);
  const used = rows.filter((r) => r.used);
  const y = used.map((r) => r.lnTGrok as number);
  const L = used.map((r) => r.summary.logitScaleAtGrok as number);
  const rho = used.map((r) => r.rho);
  const fitL = tryFit([L], y, ['L'], 2);
  const fitRho = tryFit([rho], y, ['rho'], 2);
  const fitBoth = tryFit([L, rho], y, ['L', 'rho'], 3);
  const r2 = (f: GridFit | null) => (f === null ? null : f.rSquared);
  const rSquaredL = r2(fitL);
  const rSquaredBoth = r2(fitBoth);
  return {
    analysis: 'collapse-grid',
    model,
    loss,
    p,
    cells: rows,
    usedCount: used.length,
    fitL,
    fitRho,
    fitBoth,
    rSquaredL,
    rSquaredRho: r2(fitRho),
    rSquaredBoth,
    deltaRSquaredRhoGivenL: rSquaredL === null || rSquaredBoth === null ? null : rSquaredBoth - rSquaredL,
  };
}

/** Fit only when there are more observations than coefficients; otherwise R^2 would be 1 by construction. */
function tryFit(columns: number[][], y: number[], names: string[], coefficients: number): GridFit | null {
  if (y.length <= coefficients) return null;
  const f: OlsFit = ordinaryLeastSquares(columns, y, names);
  return {
    regressors: f.regressors,
    intercept: f.intercept,
    slopes: f.slopes,
    standardErrors: f.standardErrors,
    rSquared: f.rSquared,
    residuals: f.residuals,
  };
}
