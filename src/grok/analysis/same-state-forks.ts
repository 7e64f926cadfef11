/**
 * Experiment 7, the same-state forks (CE, per modulus). Training runs freely to t_fork; from that one saved
 * state four arms continue: free; clamp at the fork norm N0 ("same"); at rho N0 ("raised"); at N0 / rho
 * ("lowered"), per seed. Because every arm starts from the identical state, the delay from the fork,
 * T_grok - t_fork, isolates the effect of the held norm.
 *
 * Per arm: the median delay from the fork (a seed that never grokked counts as +Infinity). The ratio
 * raised / same of the median delays gets a paired bootstrap interval (the same resampled seeds in every
 * arm). Ordering: for every seed, delay(lowered) < delay(same) < delay(raised), strictly, with a
 * non-grokked arm counted as +Infinity (so two non-grokked arms are not ordered).
 */
import { type BootstrapSettings, type ConfidenceInterval, pairedBootstrap, resolveBootstrapSettings } from '../stats/bootstrap.ts';
import { medianOfTimes } from '../stats/median.ts';
import {
  type AccuracyCurves,
  accuracyCurves,
  type CellResult,
  type CellSummary,
  cellClampTargets,
  cellLoss,
  cellModel,
  cellModulus,
  describeCell,
  requireSameSeeds,
  seedGrokSteps,
  summarizeCell,
} from './cells.ts';

export const FORK_ARMS = ['free', 'same', 'raised', 'lowered'] as const;
export type ForkArmName = (typeof FORK_ARMS)[number];

/**
 * The per-seed norms an arm holds from the fork on, given each seed's norm N0 at the fork: none (free),
 * N0 (same), rho * N0 (raised) or N0 / rho (lowered).
 */
export function armTargets(arm: ForkArmName, forkNorms: readonly number[], rho: number): number[] | null {
  switch (arm) {
    case 'free':
      return null;
    case 'same':
      return forkNorms.slice();
    case 'raised':
      return forkNorms.map((n) => rho * n);
    case 'lowered':
      return forkNorms.map((n) => n / rho);
  }
}

export interface SameStateForksInput {
  /** The fork step: max(800, first evaluated step at which every seed has memorized). */
  tFork: number;
  /** The factor between the arms (SPEC: 1.15). */
  rho: number;
  arms: Record<ForkArmName, CellResult>;
  bootstrap?: Partial<BootstrapSettings>;
}

export interface ForkArm {
  summary: CellSummary;
  /** Test accuracy every evaluated step (per seed and median), for the fork figure; null if not kept. */
  testAccuracy: AccuracyCurves | null;
  /** Median over seeds of T_grok - t_fork; null unless most seeds grokked. */
  medianDelayFromFork: number | null;
  /** Per-seed clamp targets of this arm (null for the free arm). */
  heldNorms: number[] | null;
}

export interface ForkSeed {
  seed: number;
  /** The fork norm N0 (the "same" arm's clamp target), if recorded. */
  forkNorm: number | null;
  delayFromFork: Record<ForkArmName, number | null>;
  /** delay(lowered) < delay(same) < delay(raised), non-grokked = +Infinity. */
  ordered: boolean;
}

export interface SameStateForksResult {
  analysis: 'same-state-forks';
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  tFork: number;
  rho: number;
  seeds: number[];
  arms: Record<ForkArmName, ForkArm>;
  perSeed: ForkSeed[];
  /** median delay(raised) / median delay(same). */
  ratioRaisedOverSame: number | null;
  /** median delay(lowered) / median delay(same). */
  ratioLoweredOverSame: number | null;
  orderedSeedCount: number;
  orderingHoldsForEverySeed: boolean;
  /** Seed-arm pairs whose T_grok is at or before the fork (delay <= 0): a sign t_fork was too late. */
  grokkedAtOrBeforeFork: number;
  /** raised = rho N0 and lowered = N0 / rho per seed (relative 1e-6), checked on the clamp targets; null if absent. */
  heldNormsConsistent: boolean | null;
  bootstrap: {
    settings: BootstrapSettings;
    ratioRaisedOverSame: ConfidenceInterval;
    ratioLoweredOverSame: ConfidenceInterval;
  };
}

export function analyzeSameStateForks(input: SameStateForksInput): SameStateForksResult {
  const where = 'analyzeSameStateForks';
  const { tFork, rho, arms } = input;
  if (!(rho > 1)) throw new Error(`${where}: expected rho > 1 (raised = rho N0, lowered = N0 / rho), found ${rho}`);
  for (const name of FORK_ARMS) {
    if (!arms[name]) throw new Error(`${where}: expected the four arms ${FORK_ARMS.join(', ')}, found no "${name}" arm`);
  }
  const model = cellModel(arms.same);
  const loss = cellLoss(arms.same);
  const p = cellModulus(arms.same);
  for (const name of FORK_ARMS) {
    const c = arms[name];
    if (cellModel(c) !== model || cellLoss(c) !== loss || cellModulus(c) !== p) {
      throw new Error(`${where}: arm "${name}" is ${describeCell(c)}; expected ${model}/${loss} p=${p} like the "same" arm`);
    }
  }
  const seeds = requireSameSeeds(FORK_ARMS.map((a) => arms[a]), where);
  const settings = resolveBootstrapSettings(input.bootstrap);

  const delays = {} as Record<ForkArmName, Array<number | null>>;
  for (const name of FORK_ARMS) delays[name] = seedGrokSteps(arms[name]).map((t) => (t === null ? null : t - tFork));

  const armResults = {} as Record<ForkArmName, ForkArm>;
  for (const name of FORK_ARMS) {
    armResults[name] = {
      summary: summarizeCell(arms[name]),
      testAccuracy: accuracyCurves(arms[name], 'testAcc'),
      medianDelayFromFork: medianOfTimes(delays[name]),
      heldNorms: cellClampTargets(arms[name]),
    };
  }
  const inf = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);
  const forkNorms = armResults.same.heldNorms;
  const perSeed: ForkSeed[] = seeds.map((seed, i) => {
    const d = {} as Record<ForkArmName, number | null>;
    for (const name of FORK_ARMS) d[name] = delays[name][i];
    return {
      seed,
      forkNorm: forkNorms ? forkNorms[i] : null,
      delayFromFork: d,
      ordered: inf(d.lowered) < inf(d.same) && inf(d.same) < inf(d.raised),
    };
  });

  const ratioOn = (num: ForkArmName) => (idx?: ArrayLike<number>): number | null => {
    const pick = (row: Array<number | null>) => (idx === undefined ? row : Array.from(idx, (i) => row[i]));
    const a = medianOfTimes(pick(delays[num]));
    const b = medianOfTimes(pick(delays.same));
    return a === null || b === null || b === 0 ? null : a / b;
  };
  const ci = pairedBootstrap(seeds.length, { ratioRaisedOverSame: ratioOn('raised'), ratioLoweredOverSame: ratioOn('lowered') }, settings);

  let grokkedAtOrBeforeFork = 0;
  for (const name of FORK_ARMS) for (const d of delays[name]) if (d !== null && d <= 0) grokkedAtOrBeforeFork++;

  const orderedSeedCount = perSeed.filter((s) => s.ordered).length;
  return {
    analysis: 'same-state-forks',
    model,
    loss,
    p,
    tFork,
    rho,
    seeds,
    arms: armResults,
    perSeed,
    ratioRaisedOverSame: ratioOn('raised')(),
    ratioLoweredOverSame: ratioOn('lowered')(),
    orderedSeedCount,
    orderingHoldsForEverySeed: orderedSeedCount === seeds.length,
    grokkedAtOrBeforeFork,
    heldNormsConsistent: checkHeldNorms(armResults, rho),
    bootstrap: { settings, ratioRaisedOverSame: ci.ratioRaisedOverSame, ratioLoweredOverSame: ci.ratioLoweredOverSame },
  };
}

function checkHeldNorms(arms: Record<ForkArmName, ForkArm>, rho: number): boolean | null {
  const n0 = arms.same.heldNorms;
  const up = arms.raised.heldNorms;
  const down = arms.lowered.heldNorms;
  if (!n0 || !up || !down) return null;
  if (up.length !== n0.length || down.length !== n0.length) return false;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b);
  return n0.every((n, i) => close(up[i], rho * n) && close(down[i], n / rho));
}
