/**
 * The training stages' cost model for `grokpipe plan` (pipeline.yaml: `estimate: stages/estimate/training.ts`).
 * It is not imported by any stage module, so it is in no stage's key: recalibrating it (cost-model.ts)
 * changes predictions, never results.
 */
import type { ShardEstimate } from '../../src/engine/stage.ts';
import { expectedSteps, seedShardSteps, trainingSeconds } from '../../src/grok/train/cost-model.ts';
import type { TrainParams } from '../support/training.ts';

export type EstimatedParams = TrainParams & { rho?: number; heldNorm?: number; arm?: string };

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

export default function estimate(params: EstimatedParams, shard?: ShardEstimate): { seconds: number; basis: string } {
  return estimateTraining(params, undefined, shard);
}
