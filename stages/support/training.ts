/**
 * What every training stage shares: the params schema of a cell, the seed list, the compute identity that
 * enters the key, and running a cell with its progress forwarded to the engine.
 */
import type { StageContext } from '../../src/engine/stage.ts';
import type { CellConfig, CellRun, RunCellOptions } from '../../src/grok/train/cell.ts';
import { runCell } from '../../src/grok/train/cell.ts';
import { engineIdentity } from '../../src/grok/train/identity.ts';
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
