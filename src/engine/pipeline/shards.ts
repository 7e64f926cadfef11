/**
 * Shards: a stage that declares `shard: { axis, count, barrier }` runs each of its instances as one
 * instance per shard (value 0 .. count-1 of the axis, one process each) plus a merge instance under the
 * instance's own name, so every selector downstream still names the merged result.
 *
 *   without a barrier:  run[axis=i] (i < count)  ->  merge
 *   with a barrier:     run[axis=i]  ->  barrier  ->  finish[axis=i]  ->  merge
 *
 * The barrier is a fan-in over the shards' first outputs that writes what couples them (for training
 * seeds: the step where the cell stops); each finish continues its shard to that. Keys follow output
 * hashes, so a new shard that leaves the barrier's bytes unchanged leaves the other finishes up to date.
 * The shard phases do not receive the `count` param (only the merge and the barrier see every shard):
 * growing the count adds shards without changing the keys of the existing ones. With one shard the
 * barrier and finish are skipped (nothing to couple): the module's contract is that finish is a no-op
 * for a shard that is already where the barrier says.
 *
 * Names: the shard's final instance is `stage[<matrix>,axis=i]`; before a barrier, its first phase is
 * `stage.run[<matrix>,axis=i]`; the barrier is `stage.barrier[<matrix>]`. The engine's own dependencies
 * between phases carry names starting with `@`, which pipeline.yaml cannot use.
 */
import type { Json } from '../../core/canonical-json.ts';
import { describeValue } from '../errors.ts';
import { instanceName, MAX_INSTANCES, type MatrixPoint } from './matrix.ts';
import type { DepSpec, Instance, ShardRole } from './instance.ts';
import type { RawShard } from './project.ts';
import type { ShardPhase } from '../stage.ts';
import type { FieldPath, YamlSource } from '../yaml-source.ts';

export type { ShardPhase };

export type { ShardRole } from './instance.ts';

/** Engine dependencies between the phases (names pipeline.yaml cannot use). */
export const SHARDS_DEP = '@shards';
export const RUN_DEP = '@run';
export const BARRIER_DEP = '@barrier';

/** What enters the key of a shard-phase instance besides its params: which phase, which shard. */
export function shardKeyComponent(role: ShardRole): Record<string, Json> {
  return role.value === null ? { axis: role.axis, phase: role.phase } : { axis: role.axis, phase: role.phase, value: role.value };
}

/** The params a phase receives: the run and finish phases do not see the shard count. */
export function phaseParams(params: Record<string, Json>, role: ShardRole | undefined): Record<string, Json> {
  if (!role || role.phase === 'merge' || role.phase === 'barrier') return params;
  const out = { ...params };
  delete out[role.countParam];
  return out;
}

const internalDep = (name: string, instances: string[], single: boolean): DepSpec => ({ name, selector: name, files: null, single, instances });

/**
 * Expands one instance of a sharded stage: returns the shard instances (dependencies before dependents)
 * and turns `parent` into the merge, depending on every shard's final instance.
 */
export function expandShards(parent: Instance, spec: RawShard, src: YamlSource): Instance[] {
  const stage = parent.stage;
  const at: FieldPath[] = [['stages', stage, 'params', spec.count], ['stages', stage, 'shard', 'count']];
  const count = Object.prototype.hasOwnProperty.call(parent.params, spec.count) ? parent.params[spec.count] : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_INSTANCES) {
    throw src.errorAt(at, {
      title: `shard count of \`${parent.name}\` is not ${typeof count === 'number' && count > MAX_INSTANCES ? 'a count grokpipe can plan' : 'a positive integer'}`,
      field: `stages.${stage}.params.${spec.count}`,
      expected: `an integer from 1 to ${MAX_INSTANCES.toLocaleString('en-US')} in param \`${spec.count}\` (named by stages.${stage}.shard.count; each shard is an instance)`,
      found: count === undefined ? 'no such param' : describeValue(count),
    });
  }
  if (parent.matrix && Object.prototype.hasOwnProperty.call(parent.matrix, spec.axis)) {
    throw src.errorAt([['stages', stage, 'shard', 'axis']], {
      title: `shard axis \`${spec.axis}\` of stage \`${stage}\` is also a matrix axis`,
      expected: 'an axis name the matrix does not use',
      found: `\`${spec.axis}\``,
    });
  }
  const point = (i: number): MatrixPoint => ({ ...(parent.matrix ?? {}), [spec.axis]: i });
  const role = (phase: ShardPhase, value: number | null): ShardRole => ({ axis: spec.axis, phase, value, countParam: spec.count });
  const make = (name: string, r: ShardRole, matrix: MatrixPoint | null, extra: DepSpec[]): Instance => ({
    name,
    stage,
    matrix,
    params: parent.params,
    deps: [...parent.deps, ...extra],
    command: null,
    files: parent.files,
    shard: r,
  });
  const coupled = spec.barrier === true && count > 1;
  const out: Instance[] = [];
  const runs: Instance[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(make(instanceName(coupled ? `${stage}.run` : stage, point(i)), role('run', i), point(i), []));
  }
  out.push(...runs);
  let finals = runs;
  if (coupled) {
    const barrier = make(instanceName(`${stage}.barrier`, parent.matrix), role('barrier', null), parent.matrix, [internalDep(SHARDS_DEP, runs.map((r) => r.name), false)]);
    out.push(barrier);
    finals = runs.map((run, i) => make(instanceName(stage, point(i)), role('finish', i), point(i), [internalDep(RUN_DEP, [run.name], true), internalDep(BARRIER_DEP, [barrier.name], true)]));
    out.push(...finals);
  }
  parent.shard = role('merge', null);
  parent.deps = [...parent.deps, internalDep(SHARDS_DEP, finals.map((f) => f.name), false)];
  return out;
}
