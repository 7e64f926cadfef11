/**
 * runCell: trains one cell of the study (one model, modulus, loss, temperature, precision, clamp; several
 * seeds in lockstep, in the fixed order of config.seeds) and returns its JSON-able result and final state.
 *
 * Per step t (t = 1, 2, ...), for each seed: full-batch loss and gradients, AdamW, then the clamp when
 * t >= clamp.tInt. Every evalEvery steps (step 0 included): train/test accuracy over all p^2 pairs and
 * T_mem / T_grok. Every logEvery steps, at the start and at the final step: the measurements of SPEC
 * section 4. The cell stops at its budget (an absolute step), or at an evaluated step where every seed
 * has grokked (stopWhenAllGrokked, default) or met stopAt, but never before stopNotBefore.
 *
 * A cell can start from a saved TrainState (initialState): the fork stage trains freely to t_fork, saves,
 * and runs each arm from that state with clamp = { tInt: t_fork, targets: per-seed norms }.
 */
import type { LossKind, ModelKind, Precision } from '../kernels/contract.ts';
import { type SplitsFile, allPairs, makeSplit, splitFromFile } from '../data.ts';
import { initializeParameters } from '../models/init.ts';
import { classCount, tensorSpecs } from '../models/spec.ts';
import { medianOfTimes } from '../stats/median.ts';
import { type AnyKernel, type EngineName, type KernelFactory, kernelFactoryFor } from './engines.ts';
import { checkTensorTargets, type TensorNormTargets } from './norms.ts';
import { SeedRun, type SeedEval, type SeedLog } from './seed-run.ts';
import { STATE_FORMAT, type TrainState } from './state.ts';

export interface ClampConfig {
  /** First step after which the norm is clamped (after every optimizer step t >= tInt). */
  tInt: number;
  /** Absolute target norm ||W|| per seed, in the order of config.seeds. */
  targets: number[];
  /**
   * Layer allocation (SPEC 7.1): each clamped tensor held at its own norm instead of one common factor,
   * the same for every seed. `targets` must then hold, per seed, the total these imply.
   */
  perTensor?: TensorNormTargets;
}

export interface CellConfig {
  model: ModelKind;
  p: number;
  /** Share of the p^2 pairs used for training: 0.4 in the paper. */
  trainFraction: number;
  seeds: number[];
  loss: LossKind;
  tau: number;
  precision: Precision;
  engine: EngineName;
  /** Default 1e-3 for the MLP, 5e-4 for the transformer. */
  lr?: number;
  /** Default 1.0. */
  weightDecay?: number;
  /** The last step the cell may train to (absolute step count). */
  budget: number;
  /** Default 25. */
  evalEvery?: number;
  /** Default 200. */
  logEvery?: number;
  clamp?: ClampConfig | null;
  /** Default true: stop at the first evaluated step where every seed has grokked. */
  stopWhenAllGrokked?: boolean;
  /** Also stop when every seed has grokked / memorised, or at a given step. */
  stopAt?: 'grok' | 'memorize' | number;
  /** Never stop before this step (except at the budget). Default 0. */
  stopNotBefore?: number;
  /** Informational: the held norm relative to w_c, carried into the result for the analyses. */
  rho?: number;
}

export type ResolvedCellConfig = Required<Omit<CellConfig, 'stopAt' | 'rho' | 'clamp'>> & {
  clamp: ClampConfig | null;
  stopAt?: 'grok' | 'memorize' | number;
  rho?: number;
};

export interface SeedResult {
  seed: number;
  tMem: number | null;
  tGrok: number | null;
  /** T_grok - T_mem when both were reached. */
  delay: number | null;
  normAtMem: number | null;
  normAtGrok: number | null;
  /** ||W|| at the last step trained. */
  finalNorm: number;
  finalStep: number;
}

export interface CellResult {
  config: ResolvedCellConfig;
  /** The engine that ran, with the kernel's identity (e.g. "kernels-ts/1"). */
  engine: { name: string; identity: string };
  startStep: number;
  finalStep: number;
  seeds: SeedResult[];
  /** Median over seeds with non-grokked seeds as +Infinity; null unless most seeds grokked. */
  medianTGrok: number | null;
  medianTMem: number | null;
  grokkedCount: number;
  memorizedCount: number;
  /** Mean over seeds of L at the logged step nearest medianTGrok (earlier step on a tie); null if none. */
  logitScaleAtGrok: number | null;
  logSteps: number[];
  /** Per seed, aligned with logSteps. */
  log: SeedLog[];
  evalSteps: number[];
  /** Per seed, aligned with evalSteps. */
  eval: SeedEval[];
}

export interface RunCellOptions {
  /** Called after every evaluation: steps done since the start, steps to the budget or to a numeric stopAt
   * (whichever comes first, never before stopNotBefore), phase, and each
   * seed's latest test accuracy with how many seeds have grokked (worth watching on a long cell). */
  progress?(done: number, total: number, phase: string, detail: string): void;
  /** Start from this state instead of the seeds' initialisation. */
  initialState?: TrainState;
  /** Build kernels with this factory instead of config.engine's (the result records engine 'custom'). */
  kernelFactory?: KernelFactory;
  /** Train on these splits (the data stage's artifact) instead of deriving them from the seeds. */
  splits?: SplitsFile;
  /** Checked at every evaluation: an aborted signal stops the cell with an error (nothing is returned). */
  signal?: AbortSignal;
}

export interface CellRun {
  result: CellResult;
  state: TrainState;
}

export function resolveCellConfig(config: CellConfig): ResolvedCellConfig {
  const where = `cell ${config.model}/${config.loss} p=${config.p}`;
  const resolved: ResolvedCellConfig = {
    model: config.model,
    p: config.p,
    trainFraction: config.trainFraction,
    seeds: config.seeds.slice(),
    loss: config.loss,
    tau: config.tau,
    precision: config.precision,
    engine: config.engine,
    lr: config.lr ?? (config.model === 'transformer' ? 5e-4 : 1e-3),
    weightDecay: config.weightDecay ?? 1,
    budget: config.budget,
    evalEvery: config.evalEvery ?? 25,
    logEvery: config.logEvery ?? 200,
    clamp: config.clamp ? copyClamp(config.clamp) : null,
    stopWhenAllGrokked: config.stopWhenAllGrokked ?? true,
    stopNotBefore: config.stopNotBefore ?? 0,
  };
  if (config.stopAt !== undefined) resolved.stopAt = config.stopAt;
  if (config.rho !== undefined) resolved.rho = config.rho;
  if (config.model !== 'mlp' && config.model !== 'transformer') throw new Error(`${where}: expected model 'mlp' or 'transformer', found ${JSON.stringify(config.model)}`);
  if (config.loss !== 'ce' && config.loss !== 'mse') throw new Error(`${where}: expected loss 'ce' or 'mse', found ${JSON.stringify(config.loss)}`);
  if (!(config.tau > 0)) throw new Error(`${where}: expected a temperature tau > 0, found ${config.tau}`);
  if (resolved.seeds.length === 0) throw new Error(`${where}: expected at least one seed, found none`);
  if (new Set(resolved.seeds).size !== resolved.seeds.length) throw new Error(`${where}: seeds must be distinct, found [${resolved.seeds.join(', ')}]`);
  if (!Number.isInteger(resolved.budget) || resolved.budget < 0) throw new Error(`${where}: expected an integer budget >= 0, found ${resolved.budget}`);
  for (const key of ['evalEvery', 'logEvery'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) throw new Error(`${where}: expected an integer ${key} >= 1, found ${resolved[key]}`);
  }
  if (resolved.clamp) {
    const { tInt, targets } = resolved.clamp;
    if (targets.length !== resolved.seeds.length) {
      throw new Error(`${where}: clamp.targets has ${targets.length} norms for ${resolved.seeds.length} seeds; give one absolute target per seed, in seed order`);
    }
    if (!Number.isInteger(tInt) || tInt < 1) throw new Error(`${where}: expected an integer clamp.tInt >= 1, found ${tInt}`);
    targets.forEach((t, i) => {
      if (!(t > 0 && Number.isFinite(t))) throw new Error(`${where}: clamp target of seed ${resolved.seeds[i]} must be a positive norm, found ${t}`);
    });
    const perTensor = resolved.clamp.perTensor;
    if (perTensor) {
      checkTensorTargets(tensorSpecs(resolved.model, resolved.p), perTensor, `${where}: clamp.perTensor`);
      const total = Math.sqrt(Object.values(perTensor).reduce((sum, n) => sum + n * n, 0));
      targets.forEach((t, i) => {
        if (Math.abs(t - total) > 1e-9 * total) {
          throw new Error(`${where}: clamp target of seed ${resolved.seeds[i]} is ${t} but the per-tensor norms add up to ${total}; give their total as each seed's target`);
        }
      });
    }
  }
  if (typeof resolved.stopAt === 'number' && !Number.isInteger(resolved.stopAt)) throw new Error(`${where}: expected an integer stopAt step, found ${resolved.stopAt}`);
  return resolved;
}

export async function runCell(config: CellConfig, options: RunCellOptions = {}): Promise<CellRun> {
  const cfg = resolveCellConfig(config);
  const { model, p, precision } = cfg;
  const specs = tensorSpecs(model, p);
  const factory = options.kernelFactory ?? (await kernelFactoryFor(cfg.engine));
  const initial = options.initialState;
  if (initial) checkStateMatches(initial, cfg);
  const startStep = initial ? initial.step : 0;

  const all = allPairs(p);
  const runs: SeedRun[] = [];
  for (let s = 0; s < cfg.seeds.length; s++) {
    const seed = cfg.seeds[s];
    const split = options.splits ? splitFromFile(checkSplits(options.splits, cfg), seed) : makeSplit(p, seed, cfg.trainFraction);
    const isTrain = new Uint8Array(p * p);
    for (let i = 0; i < split.train.n; i++) isTrain[split.train.a[i] * p + split.train.b[i]] = 1;
    const kernel: AnyKernel = await factory({ model, p, precision });
    checkKernel(kernel, cfg);
    const run = new SeedRun(seed, kernel, specs, split.train, all, isTrain, {
      loss: cfg.loss,
      tau: cfg.tau,
      precision,
      lr: cfg.lr,
      weightDecay: cfg.weightDecay,
    });
    if (initial) run.restore(initial.seeds[s], startStep);
    else initializeParameters(kernel.params, model, p, seed);
    runs.push(run);
  }

  const evalSteps: number[] = [];
  const logSteps: number[] = [];
  const evaluate = (t: number) => {
    evalSteps.push(t);
    for (const run of runs) run.evaluate(t);
  };
  const measure = (t: number) => {
    logSteps.push(t);
    for (const run of runs) run.measure(t);
  };
  const stopAtStep = typeof cfg.stopAt === 'number' ? cfg.stopAt : Infinity;
  const conditionMet = () => {
    if (cfg.stopWhenAllGrokked || cfg.stopAt === 'grok') if (runs.every((r) => r.tGrok !== null)) return true;
    if (cfg.stopAt === 'memorize') if (runs.every((r) => r.tMem !== null)) return true;
    return false;
  };

  let t = startStep;
  // Evaluations stay on the evalEvery grid (a resumed cell re-evaluating off-grid could set T_mem at a
  // step the straight run never evaluates, and resuming must not change anything).
  if (t % cfg.evalEvery === 0) evaluate(t);
  let done = t >= cfg.budget || (t >= stopAtStep && t >= cfg.stopNotBefore) || (t >= cfg.stopNotBefore && conditionMet());
  measure(t);
  // The steps this run trains at most: to the budget, or to a fixed stopping step when that comes first
  // (a continuation runs to the barrier's step), so the bar ends where the run does.
  const total = Math.max(0, Math.min(cfg.budget, Math.max(stopAtStep, cfg.stopNotBefore)) - startStep);
  while (!done) {
    t += 1;
    const clampOn = cfg.clamp !== null && t >= cfg.clamp.tInt;
    for (let s = 0; s < runs.length; s++) runs[s].step(clampOn ? (cfg.clamp!.perTensor ?? cfg.clamp!.targets[s]) : null);
    const evalNow = t % cfg.evalEvery === 0;
    if (evalNow) evaluate(t);
    done = t >= cfg.budget || (t >= stopAtStep && t >= cfg.stopNotBefore) || (evalNow && t >= cfg.stopNotBefore && conditionMet());
    if (t % cfg.logEvery === 0 || done) measure(t);
    if (evalNow || done) {
      if (options.signal?.aborted) {
        throw new Error(`runCell: aborted at step ${t} of ${cfg.budget} (${String(options.signal.reason ?? 'signal')})`);
      }
      options.progress?.(t - startStep, total, 'train', progressDetail(runs));
    }
  }

  const seeds = runs.map((r) => ({
    seed: r.seed,
    tMem: r.tMem,
    tGrok: r.tGrok,
    delay: r.tMem !== null && r.tGrok !== null ? r.tGrok - r.tMem : null,
    normAtMem: r.normAtMem,
    normAtGrok: r.normAtGrok,
    finalNorm: r.norm(),
    finalStep: t,
  }));
  const result = cellResult({
    config: cfg,
    engine: { name: options.kernelFactory ? 'custom' : cfg.engine, identity: runs[0].kernel.identity },
    startStep,
    finalStep: t,
    seeds,
    logSteps,
    log: runs.map((r) => r.log),
    evalSteps,
    eval: runs.map((r) => r.evals),
  });
  const state: TrainState = {
    format: STATE_FORMAT,
    model,
    p,
    precision,
    trainFraction: cfg.trainFraction,
    step: t,
    seeds: runs.map((r) => r.snapshot()),
  };
  return { result, state };
}

function copyClamp(clamp: ClampConfig): ClampConfig {
  return { tInt: clamp.tInt, targets: clamp.targets.slice(), ...(clamp.perTensor ? { perTensor: { ...clamp.perTensor } } : {}) };
}

/** "test acc 0.43 0.91, grokked 1/2": each seed's latest evaluated test accuracy, in seed order. */
function progressDetail(runs: readonly SeedRun[]): string {
  const accuracies = runs.map((r) => (r.evals.testAcc.length ? r.evals.testAcc[r.evals.testAcc.length - 1].toFixed(2) : '-'));
  const grokked = runs.filter((r) => r.tGrok !== null).length;
  return `test acc ${accuracies.join(' ')}, grokked ${grokked}/${runs.length}`;
}

/** What a cell's training records, seed by seed; cellResult adds the summary over the seeds. */
export type CellRecord = Omit<CellResult, 'medianTGrok' | 'medianTMem' | 'grokkedCount' | 'memorizedCount' | 'logitScaleAtGrok'>;

/**
 * Summarises a cell's seeds into its result: the one place its medians, counts and L at T_grok are
 * computed, for the lockstep cell (runCell) and for a cell assembled from its seeds (assembleCell) alike,
 * so that both give the same bytes.
 */
export function cellResult(record: CellRecord): CellResult {
  const { seeds, logSteps, log } = record;
  const medianTGrok = medianOfTimes(seeds.map((s) => s.tGrok));
  const medianTMem = medianOfTimes(seeds.map((s) => s.tMem));
  return {
    config: record.config,
    engine: record.engine,
    startStep: record.startStep,
    finalStep: record.finalStep,
    seeds,
    medianTGrok,
    medianTMem,
    grokkedCount: seeds.filter((s) => s.tGrok !== null).length,
    memorizedCount: seeds.filter((s) => s.tMem !== null).length,
    logitScaleAtGrok: medianTGrok === null ? null : meanLogAt(log, logSteps, medianTGrok),
    logSteps,
    log,
    evalSteps: record.evalSteps,
    eval: record.eval,
  };
}

/** Mean over seeds of L at the logged step nearest `step` (an exact tie takes the earlier step). */
function meanLogAt(logs: readonly SeedLog[], logSteps: readonly number[], step: number): number {
  let best = 0;
  for (let i = 1; i < logSteps.length; i++) if (Math.abs(logSteps[i] - step) < Math.abs(logSteps[best] - step)) best = i;
  let sum = 0;
  for (const l of logs) sum += l.L[best];
  return sum / logs.length;
}

function checkStateMatches(state: TrainState, cfg: ResolvedCellConfig): void {
  const mismatch = (what: string, found: unknown, expected: unknown) =>
    new Error(`runCell: the initial state has ${what} ${JSON.stringify(found)} but the cell expects ${JSON.stringify(expected)}; start from a state of the same cell family`);
  if (state.format !== STATE_FORMAT) throw mismatch('format', state.format, STATE_FORMAT);
  if (state.model !== cfg.model) throw mismatch('model', state.model, cfg.model);
  if (state.p !== cfg.p) throw mismatch('p', state.p, cfg.p);
  if (state.precision !== cfg.precision) throw mismatch('precision', state.precision, cfg.precision);
  if (state.trainFraction !== cfg.trainFraction) throw mismatch('trainFraction', state.trainFraction, cfg.trainFraction);
  const ids = state.seeds.map((s) => s.seed);
  if (ids.length !== cfg.seeds.length || ids.some((s, i) => s !== cfg.seeds[i])) throw mismatch('seeds', ids, cfg.seeds);
}

function checkSplits(splits: SplitsFile, cfg: ResolvedCellConfig): SplitsFile {
  if (splits.p !== cfg.p || splits.trainFraction !== cfg.trainFraction) {
    throw new Error(
      `runCell: the splits are for p = ${splits.p}, fraction ${splits.trainFraction}; the cell needs p = ${cfg.p}, fraction ${cfg.trainFraction}`,
    );
  }
  return splits;
}

function checkKernel(kernel: AnyKernel, cfg: ResolvedCellConfig): void {
  if (kernel.model !== cfg.model || kernel.p !== cfg.p || kernel.precision !== cfg.precision) {
    throw new Error(
      `runCell: the kernel factory returned a ${kernel.model} kernel for p = ${kernel.p} in ${kernel.precision}; ` +
        `expected ${cfg.model}, p = ${cfg.p}, ${cfg.precision}`,
    );
  }
  if (kernel.classes !== classCount(cfg.model, cfg.p)) {
    throw new Error(`runCell: the kernel has ${kernel.classes} classes; expected ${classCount(cfg.model, cfg.p)} for the ${cfg.model} at p = ${cfg.p}`);
  }
}
