/**
 * The fork's cost for `grokpipe plan`: every seed trained to the fork point, max(minStep, the step every
 * seed has memorized by), which is minStep: the MLP memorizes within a few hundred steps (quick: 800).
 */
import type { ShardEstimate } from '../../src/engine/stage.ts';
import fork from '../fork.ts';
import { estimateTraining, type EstimatedParams } from './training.ts';

const DEFAULT_MIN_STEP = (fork.params as { properties: { minStep: { default: number } } }).properties.minStep.default;

export default function estimate(params: EstimatedParams & { minStep?: number }, shard?: ShardEstimate): { seconds: number; basis: string } {
  return estimateTraining(params, Math.min(params.budget, params.minStep ?? DEFAULT_MIN_STEP), shard);
}
