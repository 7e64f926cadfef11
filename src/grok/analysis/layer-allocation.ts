/**
 * Experiment 11, layer allocation (SPEC 7.1, the paper's Table 9): the total norm is held at w_c (rho 1)
 * from t_int, but split between the layers. From the free control, each layer's share of ||W|| at
 * grokking, base_frac = (f_E, f_W1, f_W2), renormalised so that the squares sum to 1. For an allocation
 * gamma, W1 keeps its share; E and W2 split the remaining power rem2 = (1 - f_W1^2) w_c^2, W2 taking the
 * fraction theta = clip(theta0 (1 + gamma), 0.02, 0.98), theta0 = f_W2^2 / (f_E^2 + f_W2^2). Each layer is
 * then held at its own norm after every step (the same targets for every seed).
 *
 * The question: if the norm acted only through the logit scale L, moving norm between the embedding and
 * the readout at a fixed total should move T_grok only as far as it moves L. The paper finds a 2.2x swing
 * at p = 59 with L nearly flat, and reads it as supporting evidence only (the move also changes how much
 * the embedding can hold).
 *
 * A seed's share is read at the logged step nearest its T_grok (the trainer logs per-layer norms every 200
 * steps and at the final step, and the free control stops at the evaluation where its last seed groks):
 * the shares move over thousands of steps, so 100 steps either side changes them by far less than the
 * seed-to-seed spread.
 */
import { median, medianOfTimes } from '../stats/median.ts';
import { type CellResult, type CellSummary, cellModel, describeCell, loggedSteps, nearestLogIndex, seedGrokSteps, seedIds, summarizeCell } from './cells.ts';

/** The MLP layers the experiment moves norm between (biases are never clamped). */
export const LAYERS = ['E', 'W1', 'W2'] as const;
export type Layer = (typeof LAYERS)[number];
export type LayerNorms = Record<Layer, number>;

/** SPEC 7.1: theta is clipped to this range, so neither E nor W2 is ever emptied. */
export const THETA_RANGE = [0.02, 0.98] as const;

export interface LayerShares {
  /** base_frac: each layer's share of ||W|| at grokking (median over grokked seeds), squares summing to 1. */
  shares: LayerNorms;
  /** theta0 = f_W2^2 / (f_E^2 + f_W2^2): W2's part of the power E and W2 share. */
  theta0: number;
  /** The seeds the medians were taken over (those that grokked). */
  seeds: number[];
}

/** base_frac from a free control's log: per grokked seed, ||layer|| / ||W|| at its grokking step. */
export function layerSharesAtGrok(free: CellResult): LayerShares {
  const where = 'layerSharesAtGrok';
  if (cellModel(free) !== 'mlp') throw new Error(`${where}: expected the MLP's free control, found ${describeCell(free)}`);
  const ids = seedIds(free);
  const tGrok = seedGrokSteps(free);
  const raw: Record<Layer, number[]> = { E: [], W1: [], W2: [] };
  const seeds: number[] = [];
  for (let s = 0; s < ids.length; s++) {
    const t = tGrok[s];
    if (t === null) continue;
    const log = free.log[s];
    if (!log.tensorNorms) throw new Error(`${where}: seed ${ids[s]} of ${describeCell(free)} has no per-layer norms in its log; expected tensorNorms every logged step`);
    const k = nearestLogIndex(free, t);
    const total = log.norm[k];
    for (const layer of LAYERS) {
      const series = log.tensorNorms[layer];
      if (!series || series.length !== loggedSteps(free).length) {
        throw new Error(`${where}: seed ${ids[s]} of ${describeCell(free)} logs no ${layer} norm aligned with its logged steps`);
      }
      raw[layer].push(series[k] / total);
    }
    seeds.push(ids[s]);
  }
  if (medianOfTimes(tGrok) === null) {
    throw new Error(`${where}: only ${seeds.length} of ${ids.length} seeds of ${describeCell(free)} grokked; the shares at grokking need a strict majority. Raise the free control's budget`);
  }
  const med = { E: median(raw.E), W1: median(raw.W1), W2: median(raw.W2) };
  const scale = Math.sqrt(med.E ** 2 + med.W1 ** 2 + med.W2 ** 2);
  const shares = { E: med.E / scale, W1: med.W1 / scale, W2: med.W2 / scale };
  return { shares, theta0: shares.W2 ** 2 / (shares.E ** 2 + shares.W2 ** 2), seeds };
}

export interface LayerTargets {
  gamma: number;
  /** W2's fraction of the power E and W2 share, after clipping. */
  theta: number;
  /** The norm each layer is held at. */
  norms: LayerNorms;
  /** sqrt of the sum of the squared targets: w_c by construction. */
  total: number;
}

/** The per-layer norms of allocation gamma at total norm wc (SPEC 7.1). */
export function layerTargets(base: LayerShares, wc: number, gamma: number): LayerTargets {
  if (!(wc > 0 && Number.isFinite(wc))) throw new Error(`layerTargets: expected a positive w_c, found ${wc}`);
  if (!Number.isFinite(gamma)) throw new Error(`layerTargets: expected a finite gamma, found ${gamma}`);
  const theta = Math.min(THETA_RANGE[1], Math.max(THETA_RANGE[0], base.theta0 * (1 + gamma)));
  const rem2 = (1 - base.shares.W1 ** 2) * wc * wc;
  const norms = { E: Math.sqrt((1 - theta) * rem2), W1: base.shares.W1 * wc, W2: Math.sqrt(theta * rem2) };
  return { gamma, theta, norms, total: Math.sqrt(norms.E ** 2 + norms.W1 ** 2 + norms.W2 ** 2) };
}

export interface AllocationCell {
  gamma: number;
  theta: number;
  /** The norms each layer was held at. */
  norms: LayerNorms;
  summary: CellSummary;
}

export interface LayerAllocationResult {
  analysis: 'layer-allocation';
  p: number;
  wc: number;
  shares: LayerNorms;
  theta0: number;
  /** By increasing gamma. */
  cells: AllocationCell[];
  /** max / min of the median T_grok over the gammas whose cell grokked; null with fewer than two. */
  tGrokSwing: number | null;
  /** max / min of L at grokking over the same cells: how far the logit scale moved. */
  logitScaleSwing: number | null;
  /** The gammas at which T_grok is smallest and largest. */
  fastestGamma: number | null;
  slowestGamma: number | null;
  /** Cells whose median T_grok is defined, of all. */
  grokkedCells: number;
}

/** The swing of T_grok and L over the allocations: the experiment's two numbers. */
export function analyzeLayerAllocation(input: { cells: ReadonlyArray<{ cell: CellResult; targets: LayerTargets }>; shares: LayerShares; wc: number }): LayerAllocationResult {
  const where = 'analyzeLayerAllocation';
  if (input.cells.length === 0) throw new Error(`${where}: expected one cell per gamma, found none`);
  const sorted = input.cells.slice().sort((a, b) => a.targets.gamma - b.targets.gamma);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].targets.gamma === sorted[i - 1].targets.gamma) throw new Error(`${where}: two cells at gamma ${sorted[i].targets.gamma}; expected one per gamma`);
  }
  const p = sorted[0].cell.config.p;
  const cells: AllocationCell[] = sorted.map(({ cell, targets }) => {
    if (cell.config.p !== p || cellModel(cell) !== 'mlp') throw new Error(`${where}: expected MLP cells at p = ${p}, found ${describeCell(cell)}`);
    return { gamma: targets.gamma, theta: targets.theta, norms: targets.norms, summary: summarizeCell(cell) };
  });
  const grokked = cells.filter((c) => c.summary.medianTGrok !== null && c.summary.logitScaleAtGrok !== null);
  const ratio = (values: number[]) => (values.length < 2 ? null : Math.max(...values) / Math.min(...values));
  const times = grokked.map((c) => c.summary.medianTGrok as number);
  const byTime = grokked.slice().sort((a, b) => (a.summary.medianTGrok as number) - (b.summary.medianTGrok as number));
  return {
    analysis: 'layer-allocation',
    p,
    wc: input.wc,
    shares: input.shares.shares,
    theta0: input.shares.theta0,
    cells,
    tGrokSwing: ratio(times),
    logitScaleSwing: ratio(grokked.map((c) => c.summary.logitScaleAtGrok as number)),
    fastestGamma: byTime.length ? byTime[0].gamma : null,
    slowestGamma: byTime.length ? byTime[byTime.length - 1].gamma : null,
    grokkedCells: grokked.length,
  };
}
