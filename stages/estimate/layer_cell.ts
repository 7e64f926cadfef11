/** A layer-allocation cell's cost for `grokpipe plan`: a cell held at the free control's own norm (rho 1). */
import type { ShardEstimate } from '../../src/engine/stage.ts';
import { estimateTraining, type EstimatedParams } from './training.ts';

export default function estimate(params: EstimatedParams, shard?: ShardEstimate): { seconds: number; basis: string } {
  return estimateTraining({ ...params, rho: 1 }, undefined, shard);
}
