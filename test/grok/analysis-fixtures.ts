/**
 * Synthetic CellResults for the analysis tests, built from a few numbers whose consequences the tests can
 * derive (exact exponential laws, linear L curves, constant series), never typed-in answers.
 */
import type { CellResult } from '../../src/grok/analysis/cells.ts';

export interface SeedSpec {
  tGrok: number | null;
  tMem?: number | null;
  normAtGrok?: number | null;
}

export type Series = (step: number, seedIndex: number) => number;

export interface CellSpec {
  model?: 'mlp' | 'transformer';
  p?: number;
  loss?: 'ce' | 'mse';
  tau?: number;
  precision?: 'f32' | 'f64';
  rho?: number;
  clampTargets?: number[];
  budget?: number;
  seeds: SeedSpec[];
  seedIds?: number[];
  /** Logged series as functions of (step, seed index); default constants. */
  L?: Series | number;
  trainLoss?: Series | number;
  collapse?: Series | number;
  saturation?: Series | number;
  norm?: Series | number;
  logEvery?: number;
  /** When given, 25-step evaluation curves are kept (evalSteps, eval) with this test accuracy. */
  testAcc?: Series;
  /** Last trained step; default: the last T_grok if all grokked, else the budget. */
  finalStep?: number;
}

export function makeCell(spec: CellSpec): CellResult {
  const budget = spec.budget ?? 20000;
  const logEvery = spec.logEvery ?? 200;
  const grok = spec.seeds.map((s) => s.tGrok);
  const finalStep = spec.finalStep ?? (grok.every((t) => t !== null) ? Math.max(...(grok as number[])) : budget);
  const logSteps: number[] = [];
  for (let s = 0; s <= finalStep; s += logEvery) logSteps.push(s);
  if (logSteps[logSteps.length - 1] !== finalStep) logSteps.push(finalStep);
  const series = (f: Series | number | undefined, dflt: number) => (typeof f === 'function' ? f : () => (f ?? dflt));
  const L = series(spec.L, 10);
  const trainLoss = series(spec.trainLoss, 1e-3);
  const collapse = series(spec.collapse, 0);
  const saturation = series(spec.saturation, 0);
  const norm = series(spec.norm, 50);
  const ids = spec.seedIds ?? spec.seeds.map((_, i) => i + 1);
  const evalSteps: number[] = [];
  for (let s = 0; s <= finalStep; s += 25) evalSteps.push(s);
  const testAcc = spec.testAcc;
  const evalPart = testAcc
    ? { evalSteps, eval: ids.map((_, i) => ({ trainAcc: evalSteps.map(() => 1), testAcc: evalSteps.map((st) => testAcc(st, i)) })) }
    : {};
  return {
    config: {
      model: spec.model ?? 'mlp',
      p: spec.p ?? 59,
      loss: spec.loss ?? 'ce',
      tau: spec.tau ?? 1,
      precision: spec.precision ?? 'f32',
      ...(spec.rho === undefined ? {} : { rho: spec.rho }),
      clamp: spec.clampTargets ? { tInt: 500, targets: spec.clampTargets } : spec.rho === undefined ? null : { tInt: 500, targets: ids.map(() => 50 * spec.rho!) },
      budget,
      seeds: ids,
    },
    seeds: spec.seeds.map((s, i) => ({
      seed: ids[i],
      tMem: s.tMem === undefined ? (s.tGrok === null ? 1000 : Math.round(s.tGrok / 2)) : s.tMem,
      tGrok: s.tGrok,
      normAtGrok: s.normAtGrok === undefined ? (s.tGrok === null ? null : 50) : s.normAtGrok,
      finalStep,
    })),
    logSteps,
    log: ids.map((_, i) => ({
      L: logSteps.map((st) => L(st, i)),
      trainLoss: logSteps.map((st) => trainLoss(st, i)),
      collapse: logSteps.map((st) => collapse(st, i)),
      saturation: logSteps.map((st) => saturation(st, i)),
      norm: logSteps.map((st) => norm(st, i)),
    })),
    ...evalPart,
  };
}

/** Seeds whose grokking times are `base` scaled by per-seed factors (a fixed, varied set). */
export const SEED_FACTORS = [0.82, 1.0, 1.17, 0.91, 1.25, 0.88, 1.06, 0.95];

export function scaledSeeds(base: number, factors: readonly number[] = SEED_FACTORS): SeedSpec[] {
  return factors.map((f) => ({ tGrok: base * f }));
}

/** Round-tripping through JSON must not change a result: no NaN, Infinity, undefined or typed arrays. */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
