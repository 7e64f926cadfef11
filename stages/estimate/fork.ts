/** The fork's cost for `grokpipe plan`: every seed trained to the fork point (at least 1,000 steps). */
import type { ShardEstimate } from '../../src/engine/stage.ts';
import { estimateTraining, type EstimatedParams } from './training.ts';

export default function estimate(params: EstimatedParams & { minStep: number }, shard?: ShardEstimate): { seconds: number; basis: string } {
  return estimateTraining(params, Math.min(params.budget, Math.max(params.minStep, 1000)), shard);
}
