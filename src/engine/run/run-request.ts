/**
 * The request a module stage's process gets (worker-protocol.ts): what to import, the instance's params,
 * inputs, files and output folder, and the part that depends on sharding: the phase and shard to run, and
 * the seed of ctx.rng. A shard's stream is seeded from its params and its place (phase, value), so the
 * shards of one instance (which share their params) draw different numbers; an unsharded instance's seed is
 * as before.
 */
import { join } from 'node:path';
import type { PreparedInstance } from '../keys/prepare.ts';
import { declaredFilePaths } from '../pipeline/repo-files.ts';
import { rngSeedFor } from './rng-seed.ts';
import type { InputSpec, RunRequest } from './worker-protocol.ts';

function shardRequest(p: PreparedInstance): Pick<RunRequest, 'rngSeed' | 'shard'> {
  const role = p.instance.shard;
  if (!role) return { rngSeed: rngSeedFor(p.params) };
  return { rngSeed: rngSeedFor({ params: p.params, shard: p.fixed.shard ?? null }), shard: { axis: role.axis, phase: role.phase, value: role.value } };
}

/** The run request of the module stage instance `p` (repro and verify --lock build it the same way). */
export function moduleRunRequest(root: string, p: PreparedInstance, inputs: Record<string, InputSpec | InputSpec[]>, outDir: string): RunRequest {
  const inst = p.instance;
  return {
    type: 'run',
    module: join(root, p.stage.module!),
    ...(p.code ? { code: p.code } : {}),
    instance: inst.name,
    stage: inst.stage,
    params: p.params,
    matrix: inst.matrix ?? {},
    inputs,
    files: declaredFilePaths(root, inst.files, p.fixed.files),
    outDir,
    ...(p.fixed.env ? { env: p.fixed.env } : {}),
    ...shardRequest(p),
  };
}
