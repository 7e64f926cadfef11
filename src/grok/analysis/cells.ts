/**
 * The analyses' view of a trained cell. The trainer (src/grok/train/) owns the real CellResult; this file
 * declares only the fields the analyses read and reads them through the accessors below, so that a rename
 * in the trainer's output is a one-line change here. The trainer's richer object is assignable to this
 * interface structurally.
 *
 * Conventions shared by every analysis:
 * - per-seed arrays (seeds, log) are in the order of config.seeds, and log arrays are aligned with logSteps;
 * - a seed that never grokked has tGrok null, counted as +Infinity in medians (see stats/median.ts);
 * - the cell's median T_grok is recomputed here from the seeds (the bootstrap must recompute it the same way);
 * - L of a cell: the mean over seeds of the logged L, read at the logged step nearest the cell's median
 *   T_grok (an exact tie between two logged steps takes the earlier one).
 */
import { countReached, median, medianOfTimes } from '../stats/median.ts';
import { mean } from '../stats/mean.ts';

export interface CellConfig {
  model: 'mlp' | 'transformer';
  p: number;
  loss: 'ce' | 'mse';
  tau: number;
  precision: 'f32' | 'f64';
  /** Held norm relative to w_c; absent for free (unclamped) cells and for fork arms clamped per seed. */
  rho?: number;
  clamp?: { tInt: number; targets: number[] } | null;
  budget: number;
  seeds: number[];
}

export interface SeedOutcome {
  seed: number;
  tMem: number | null;
  tGrok: number | null;
  normAtGrok: number | null;
  finalStep: number;
}

/** The logged series the analyses read, per seed, aligned with logSteps. */
export interface SeedLog {
  L: number[];
  trainLoss: number[];
  collapse: number[];
  saturation: number[];
  norm: number[];
  /** Frobenius norm of each clamped tensor by name (read by the layer-allocation experiment only). */
  tensorNorms?: Record<string, number[]>;
}

/** The 25-step evaluation curves, per seed, aligned with evalSteps (only the fork figure reads them). */
export interface SeedEval {
  trainAcc: number[];
  testAcc: number[];
}

export interface CellResult {
  config: CellConfig;
  seeds: SeedOutcome[];
  logSteps: number[];
  log: SeedLog[];
  evalSteps?: number[];
  eval?: SeedEval[];
}

export type LoggedSeries = Exclude<keyof SeedLog, 'tensorNorms'>;

// ---- accessors: the only places that know the trainer's field names ----

export const cellModel = (c: CellResult): 'mlp' | 'transformer' => c.config.model;
export const cellModulus = (c: CellResult): number => c.config.p;
export const cellLoss = (c: CellResult): 'ce' | 'mse' => c.config.loss;
export const cellTau = (c: CellResult): number => c.config.tau;
export const cellPrecision = (c: CellResult): 'f32' | 'f64' => c.config.precision;
export const cellBudget = (c: CellResult): number => c.config.budget;
export const cellRho = (c: CellResult): number | null => (typeof c.config.rho === 'number' ? c.config.rho : null);
export const cellClampTargets = (c: CellResult): number[] | null => (c.config.clamp ? c.config.clamp.targets : null);
export const seedIds = (c: CellResult): number[] => c.seeds.map((s) => s.seed);
export const seedGrokSteps = (c: CellResult): Array<number | null> => c.seeds.map((s) => s.tGrok);
export const seedMemorizeSteps = (c: CellResult): Array<number | null> => c.seeds.map((s) => s.tMem);
export const seedNormsAtGrok = (c: CellResult): Array<number | null> => c.seeds.map((s) => s.normAtGrok);
export const seedFinalSteps = (c: CellResult): number[] => c.seeds.map((s) => s.finalStep);
export const loggedSteps = (c: CellResult): number[] => c.logSteps;
export const loggedSeries = (c: CellResult, series: LoggedSeries, seedIndex: number): number[] => c.log[seedIndex][series];
export const evaluatedSteps = (c: CellResult): number[] | null => c.evalSteps ?? null;
export const evaluatedSeries = (c: CellResult, series: keyof SeedEval, seedIndex: number): number[] | null =>
  c.eval && c.eval[seedIndex] ? c.eval[seedIndex][series] : null;

// ---- derived quantities ----

/** "mlp/ce p=59 rho=1.15 tau=1.3 f32": names a cell in error messages. */
export function describeCell(c: CellResult): string {
  const rho = cellRho(c);
  return `${cellModel(c)}/${cellLoss(c)} p=${cellModulus(c)}${rho === null ? '' : ` rho=${rho}`} tau=${cellTau(c)} ${cellPrecision(c)}`;
}

/** The rho of a clamped grid cell, or an error saying which cell lacks it. */
export function requireRho(c: CellResult, where: string): number {
  const rho = cellRho(c);
  if (rho === null) {
    throw new Error(`${where}: expected config.rho on cell ${describeCell(c)}, found none; grid cells must record their rho`);
  }
  return rho;
}

/** Median T_grok over the given seed indices (default: every seed); null unless most of them grokked. */
export function medianGrokStep(c: CellResult, indices?: ArrayLike<number>): number | null {
  return medianOfTimes(pick(seedGrokSteps(c), indices));
}

export function medianMemorizeStep(c: CellResult, indices?: ArrayLike<number>): number | null {
  return medianOfTimes(pick(seedMemorizeSteps(c), indices));
}

export function grokkedCount(c: CellResult): number {
  return countReached(seedGrokSteps(c));
}

/** Index into logSteps of the logged step nearest `step`; an exact tie takes the earlier step. */
export function nearestLogIndex(c: CellResult, step: number): number {
  const steps = loggedSteps(c);
  if (steps.length === 0) throw new Error(`cell ${describeCell(c)} has no logged steps; expected a log every 200 steps`);
  let best = 0;
  for (let i = 1; i < steps.length; i++) {
    if (Math.abs(steps[i] - step) < Math.abs(steps[best] - step)) best = i;
  }
  return best;
}

/** Mean over seeds of a logged series at log index k. */
export function seedMeanAt(c: CellResult, series: LoggedSeries, k: number): number {
  const n = c.seeds.length;
  if (c.log.length !== n) {
    throw new Error(`cell ${describeCell(c)}: ${c.log.length} seed logs for ${n} seeds; expected one log per seed`);
  }
  const values: number[] = [];
  for (let s = 0; s < n; s++) {
    const v = loggedSeries(c, series, s);
    if (v.length !== loggedSteps(c).length) {
      throw new Error(
        `cell ${describeCell(c)}: seed ${seedIds(c)[s]} logs ${v.length} values of ${series} for ${loggedSteps(c).length} logged steps; expected them aligned`,
      );
    }
    values.push(v[k]);
  }
  return mean(values);
}

/**
 * The cell's effective logit scale L (SPEC section 4): mean over seeds of the logged L at the logged step
 * nearest the cell's full-sample median T_grok. Null when the cell does not count (median not finite).
 */
export function logitScaleAtGrok(c: CellResult): number | null {
  const t = medianGrokStep(c);
  return t === null ? null : seedMeanAt(c, 'L', nearestLogIndex(c, t));
}

export interface SeriesReading {
  /** Mean over seeds of the series. */
  value: number;
  /** The logged step it was read at. */
  step: number;
  /** "grok": nearest the cell's median T_grok; "end": the last logged step (the cell did not grok). */
  at: 'grok' | 'end';
}

/** A logged series (mean over seeds) at the cell's median T_grok, or at the last logged step if it did not grok. */
export function seriesAtGrokOrEnd(c: CellResult, series: LoggedSeries): SeriesReading {
  const t = medianGrokStep(c);
  const k = t === null ? loggedSteps(c).length - 1 : nearestLogIndex(c, t);
  return { value: seedMeanAt(c, series, k), step: loggedSteps(c)[k], at: t === null ? 'end' : 'grok' };
}

/** A JSON-able summary of one cell, the row every analysis reports. */
export interface CellSummary {
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  precision: 'f32' | 'f64';
  rho: number | null;
  tau: number;
  seeds: number;
  grokkedCount: number;
  memorizedCount: number;
  medianTGrok: number | null;
  medianTMem: number | null;
  /** L at the median T_grok (null if the cell does not count). */
  logitScaleAtGrok: number | null;
  budget: number;
  /** The last step any seed trained to. */
  finalStep: number;
}

export function summarizeCell(c: CellResult): CellSummary {
  return {
    model: cellModel(c),
    loss: cellLoss(c),
    p: cellModulus(c),
    precision: cellPrecision(c),
    rho: cellRho(c),
    tau: cellTau(c),
    seeds: c.seeds.length,
    grokkedCount: grokkedCount(c),
    memorizedCount: countReached(seedMemorizeSteps(c)),
    medianTGrok: medianGrokStep(c),
    medianTMem: medianMemorizeStep(c),
    logitScaleAtGrok: logitScaleAtGrok(c),
    budget: cellBudget(c),
    finalStep: Math.max(...seedFinalSteps(c)),
  };
}

/**
 * Check that every cell holds the same seeds in the same order (the pairing of the bootstrap relies on
 * seed index i meaning the same seed in every cell) and return that seed list.
 */
export function requireSameSeeds(cells: readonly CellResult[], where: string): number[] {
  if (cells.length === 0) throw new Error(`${where}: expected at least one cell, found none`);
  const ref = seedIds(cells[0]);
  for (const c of cells) {
    const ids = seedIds(c);
    if (ids.length !== ref.length || ids.some((s, i) => s !== ref[i])) {
      throw new Error(
        `${where}: cell ${describeCell(c)} has seeds [${ids.join(', ')}] but cell ${describeCell(cells[0])} has ` +
          `[${ref.join(', ')}]; the paired bootstrap needs the same seeds in the same order in every cell`,
      );
    }
  }
  return ref;
}

export interface AccuracyCurves {
  steps: number[];
  /** One curve per seed, in seed order. */
  perSeed: number[][];
  /** Median over seeds at each step. */
  median: number[];
}

/** A cell's per-seed evaluation curves of one accuracy and their median; null if the cell kept none. */
export function accuracyCurves(c: CellResult, series: keyof SeedEval): AccuracyCurves | null {
  const steps = evaluatedSteps(c);
  if (steps === null) return null;
  const perSeed: number[][] = [];
  for (let s = 0; s < c.seeds.length; s++) {
    const v = evaluatedSeries(c, series, s);
    if (v === null) return null;
    if (v.length !== steps.length) {
      throw new Error(
        `cell ${describeCell(c)}: seed ${seedIds(c)[s]} has ${v.length} ${series} values for ${steps.length} evaluated steps; expected them aligned`,
      );
    }
    perSeed.push(v.slice());
  }
  const medianCurve = steps.map((_, k) => median(perSeed.map((v) => v[k])));
  return { steps: steps.slice(), perSeed, median: medianCurve };
}

function pick<T>(values: readonly T[], indices?: ArrayLike<number>): T[] {
  if (indices === undefined) return values.slice();
  const out: T[] = [];
  for (let i = 0; i < indices.length; i++) out.push(values[indices[i]]);
  return out;
}

/** Numbers equal up to rounding of grid values such as 1.15 (0.85 + 6 * 0.05 is not exactly 1.15). */
export function sameGridValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
