/**
 * The part of a worker's run request that depends on sharding: the phase and shard to run, and the seed
 * of ctx.rng. A shard's stream is seeded from its params and its place (phase, value), so the shards of
 * one instance (which share their params) draw different numbers; an unsharded instance's seed is as before.
 */
import type { PreparedInstance } from './prepare.ts';
import { rngSeedFor } from './rng-seed.ts';
import type { RunRequest } from './worker-protocol.ts';

export function shardRequest(p: PreparedInstance): Pick<RunRequest, 'rngSeed' | 'shard'> {
  const role = p.instance.shard;
  if (!role) return { rngSeed: rngSeedFor(p.params) };
  return { rngSeed: rngSeedFor({ params: p.params, shard: p.fixed.shard ?? null }), shard: { axis: role.axis, phase: role.phase, value: role.value } };
}
