/**
 * A cell's seeds as separate units of work, with the numbers of the lockstep cell (cell.ts, runCell).
 *
 * Seeds never interact while training; the one coupling is the stopping rule: a lockstep cell stops at the
 * first evaluated step where every seed has met its condition (grokked, or memorised, never before
 * stopNotBefore), or at its budget or stopAt step. The flags are sticky, so that step is the latest of the
 * steps where each seed, trained alone under the same rule, stops: cellStopStep. A seed that stopped
 * earlier is continued from its saved state to that step (continueSeed), and the cell's result is
 * assembled from the seeds' pieces (assembleCell) with runCell's own summary (cellResult), in seed order.
 *
 * Splicing the series: runCell measures at its first and last step and every logEvery steps, and
 * evaluates on the evalEvery grid, the first step included. A seed alone logs its own stopping step even
 * off the logEvery grid, which the lockstep cell (stopping later) does not; its continuation evaluates
 * and logs its start again. Both are dropped.
 */
import { type CellConfig, type CellResult, type CellRun, type RunCellOptions, cellResult, resolveCellConfig, runCell } from './cell.ts';
import type { SeedEval, SeedLog } from './seed-run.ts';
import type { TrainState } from './state.ts';

/** The cell's config for one of its seeds (by position in config.seeds): its seed, its clamp target. */
export function seedConfig(config: CellConfig, index: number): CellConfig {
  const seed = config.seeds[index];
  if (seed === undefined) throw new Error(`seedConfig: the cell has ${config.seeds.length} seeds, no seed at position ${index}`);
  const out: CellConfig = { ...config, seeds: [seed] };
  // Every other clamp field (perTensor: layer allocation) is the same for every seed.
  if (config.clamp) out.clamp = { ...config.clamp, targets: [config.clamp.targets[index]] };
  return out;
}

/** One seed's state from a cell's state (e.g. the fork's), as a one-seed state. */
export function seedState(state: TrainState, seed: number): TrainState {
  const s = state.seeds.find((x) => x.seed === seed);
  if (!s) throw new Error(`seedState: the state holds seeds [${state.seeds.map((x) => x.seed).join(', ')}], not seed ${seed}`);
  return { ...state, seeds: [s] };
}

/** The step where the lockstep cell stops: the latest of its seeds' own stopping steps. */
export function cellStopStep(seedFinalSteps: readonly number[]): number {
  if (seedFinalSteps.length === 0) throw new Error('cellStopStep: expected the final step of at least one seed, found none');
  return Math.max(...seedFinalSteps);
}

/**
 * Continues one seed (trained alone: `alone`, a one-seed CellRun) to the cell's stopping step. Returns the
 * seed's piece from the cell's start to `stopStep`, and its state there; the same objects when it is
 * already there.
 */
export async function continueSeed(config: CellConfig, alone: CellRun, stopStep: number, options: RunCellOptions = {}): Promise<CellRun> {
  const first = alone.result;
  if (first.seeds.length !== 1) throw new Error(`continueSeed: expected a one-seed result, found ${first.seeds.length} seeds`);
  if (first.finalStep === stopStep) return alone;
  if (first.finalStep > stopStep) throw new Error(`continueSeed: seed ${first.seeds[0].seed} already trained to step ${first.finalStep}, past the cell's stopping step ${stopStep}`);
  const cfg = resolveCellConfig(config);
  const more = await runCell({ ...config, stopWhenAllGrokked: false, stopAt: stopStep, stopNotBefore: 0 }, { ...options, initialState: alone.state });
  const from = first.finalStep;
  const r = more.result;
  const dropLastLog = from % cfg.logEvery !== 0 ? 1 : 0;
  const dropFirstEval = from % cfg.evalEvery === 0 ? 1 : 0;
  const cut = <T>(a: readonly T[], b: readonly T[]) => [...a.slice(0, a.length - dropLastLog), ...b.slice(1)];
  const cutEval = <T>(a: readonly T[], b: readonly T[]) => [...a, ...b.slice(dropFirstEval)];
  const la = first.log[0];
  const lb = r.log[0];
  const log: SeedLog = {
    trainAcc: cut(la.trainAcc, lb.trainAcc),
    testAcc: cut(la.testAcc, lb.testAcc),
    trainLoss: cut(la.trainLoss, lb.trainLoss),
    testLoss: cut(la.testLoss, lb.testLoss),
    norm: cut(la.norm, lb.norm),
    tensorNorms: Object.fromEntries(Object.keys(la.tensorNorms).map((k) => [k, cut(la.tensorNorms[k], lb.tensorNorms[k])])),
    L: cut(la.L, lb.L),
    collapse: cut(la.collapse, lb.collapse),
    saturation: cut(la.saturation, lb.saturation),
  };
  const evals: SeedEval = { trainAcc: cutEval(first.eval[0].trainAcc, r.eval[0].trainAcc), testAcc: cutEval(first.eval[0].testAcc, r.eval[0].testAcc) };
  const piece: CellResult = {
    ...first,
    finalStep: r.finalStep,
    seeds: r.seeds,
    logSteps: cut(first.logSteps, r.logSteps),
    log: [log],
    evalSteps: cutEval(first.evalSteps, r.evalSteps),
    eval: [evals],
  };
  return { result: assembleCell([piece]), state: more.state };
}

/**
 * The cell's result from its seeds' pieces (one-seed results, each trained to the cell's stopping step),
 * in seed order: what runCell in lockstep returns for the same seeds.
 */
export function assembleCell(pieces: readonly CellResult[]): CellResult {
  if (pieces.length === 0) throw new Error('assembleCell: expected at least one seed, found none');
  const head = pieces[0];
  for (const p of pieces) {
    const seed = p.seeds.map((s) => s.seed).join(', ');
    if (p.seeds.length !== 1) throw new Error(`assembleCell: expected one-seed pieces, found one with seeds [${seed}]`);
    for (const field of ['startStep', 'finalStep'] as const) {
      if (p[field] !== head[field]) throw new Error(`assembleCell: seed ${seed} has ${field} ${p[field]}, seed ${head.seeds[0].seed} has ${head[field]}; continue every seed to the cell's stopping step first`);
    }
    if (p.logSteps.length !== head.logSteps.length || p.evalSteps.length !== head.evalSteps.length) {
      throw new Error(`assembleCell: seed ${seed} was logged or evaluated at other steps than seed ${head.seeds[0].seed}; the pieces come from different cells`);
    }
  }
  const clamps = pieces.map((p) => p.config.clamp);
  const config: CellConfig = {
    ...head.config,
    seeds: pieces.map((p) => p.config.seeds[0]),
    clamp: clamps[0] ? { ...clamps[0], targets: clamps.map((c) => c!.targets[0]) } : null,
  };
  return cellResult({
    config: resolveCellConfig(config),
    engine: head.engine,
    startStep: head.startStep,
    finalStep: head.finalStep,
    seeds: pieces.map((p) => p.seeds[0]),
    logSteps: head.logSteps,
    log: pieces.map((p) => p.log[0]),
    evalSteps: head.evalSteps,
    eval: pieces.map((p) => p.eval[0]),
  });
}
