/**
 * What every training stage shares: the params schema of a cell, the seed list, the compute identity that
 * enters the key, and running a cell with its progress forwarded to the engine.
 */
import type { StageContext } from '../../src/engine/stage.ts';
import type { CellConfig, CellRun, RunCellOptions } from '../../src/grok/train/cell.ts';
import { runCell } from '../../src/grok/train/cell.ts';
import { engineIdentity } from '../../src/grok/train/identity.ts';
import { expectedSteps, seedShardSteps, trainingSeconds } from '../../src/grok/train/cost-model.ts';
import type { ShardEstimate } from '../../src/engine/stage.ts';
import type { InputRef } from '../../src/engine/stage.ts';
import type { SplitsFile } from '../../src/grok/data.ts';

export interface TrainParams {
  model: 'mlp' | 'transformer';
  p: number;
  loss: 'ce' | 'mse';
  tau: number;
  seeds: number;
  budget: number;
  precision: 'f32' | 'f64';
  engine: 'ts' | 'wasm' | 'tfjs';
  trainFraction: number;
  lr?: number;
}

/** JSON-schema properties of a training cell; stages add their own (rho, arm, ...). */
export const trainProperties = {
  model: { enum: ['mlp', 'transformer'], default: 'mlp' },
  p: { type: 'integer', minimum: 3 },
  loss: { enum: ['ce', 'mse'], default: 'ce' },
  tau: { type: 'number', exclusiveMinimum: 0, default: 1 },
  seeds: { type: 'integer', minimum: 1, description: 'number of seeds: 0, 1, ..., seeds - 1' },
  budget: { type: 'integer', minimum: 1, description: 'the last step a seed may train to' },
  precision: { enum: ['f32', 'f64'], default: 'f32' },
  engine: { enum: ['ts', 'wasm', 'tfjs'], default: 'wasm' },
  trainFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.4 },
  lr: { type: 'number', exclusiveMinimum: 0, description: 'AdamW step size; default 1e-3 (MLP), 5e-4 (transformer)' },
} as const;

export const trainRequired = ['p', 'seeds', 'budget'] as const;

export function seedList(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

export function computeIdentity(params: TrainParams): Promise<string> {
  return engineIdentity(params.engine, params.model, params.precision);
}

/**
 * For `grokpipe plan`: every seed trained to `steps` when the stage knows them (a fork point), otherwise
 * to where the cell is expected to stop (cost-model.ts: the published T_grok tables, or the budget). A
 * seed shard's run phase trains one seed to its own T_grok, its finish continues it to the cell's stop.
 */
export function estimateTraining(params: TrainParams & { rho?: number; heldNorm?: number; arm?: string }, steps?: number, shard?: ShardEstimate): { seconds: number; basis: string } {
  const work = { model: params.model, p: params.p, precision: params.precision };
  if (shard) {
    if (shard.phase === 'barrier' || shard.phase === 'merge') return { seconds: 1, basis: `${shard.phase} of ${shard.count} seed shards (reads and writes small files; a guess)` };
    const s = seedShardSteps({ ...params, seeds: shard.count }, shard.phase);
    return trainingSeconds({ ...work, seeds: 1, steps: s.steps, stepsBasis: s.basis });
  }
  const stop = steps === undefined ? expectedSteps(params) : { steps, basis: 'the fork point' };
  return trainingSeconds({ ...work, seeds: params.seeds, steps: stop.steps, stepsBasis: stop.basis });
}

/** The per-seed training indices from the data stage; the cell trains on exactly these pairs. */
export async function readSplits(data: InputRef, params: TrainParams): Promise<SplitsFile> {
  const splits = await data.json<SplitsFile>('splits.json');
  if (splits.p !== params.p || splits.trainFraction !== params.trainFraction) {
    throw new Error(
      `${data.instance}/splits.json is for p = ${splits.p}, fraction ${splits.trainFraction}; this cell needs p = ${params.p}, fraction ${params.trainFraction}`,
    );
  }
  return splits;
}

/** The cell's config for these seeds (default: all of them; one in a seed shard, whose params lack `seeds`). */
export function baseConfig(params: TrainParams, seeds: number[] = seedList(params.seeds)): CellConfig {
  return {
    model: params.model,
    p: params.p,
    trainFraction: params.trainFraction,
    seeds,
    loss: params.loss,
    tau: params.tau,
    precision: params.precision,
    engine: params.engine,
    budget: params.budget,
    ...(params.lr === undefined ? {} : { lr: params.lr }),
  };
}

export async function trainWithProgress(
  ctx: StageContext<TrainParams>,
  config: CellConfig,
  splits: SplitsFile,
  options: RunCellOptions = {},
): Promise<CellRun> {
  const run = await runCell(config, {
    ...options,
    splits,
    signal: ctx.signal,
    progress: (done, total, phase, detail) => ctx.progress({ done, total, phase, detail }),
  });
  const { result } = run;
  ctx.log(
    `${result.grokkedCount}/${result.seeds.length} seeds grokked, median T_grok ${result.medianTGrok ?? 'not reached'}, ` +
      `trained to step ${result.finalStep} on ${result.engine.identity}`,
  );
  return run;
}
