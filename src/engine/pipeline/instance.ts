/**
 * The plan's types: a stage instance with its params and dependencies, a stage's plan and the whole plan.
 * Apart from plan.ts (which builds them) so that the modules plan.ts uses (shards, os-limits) and the
 * verbs above can name them without importing the builder: no cycle runs through plan.ts.
 */
import type { Json } from '../../core/canonical-json.ts';
import type { ShardPhase } from '../stage.ts';
import type { MatrixPoint } from './matrix.ts';
import type { Project } from './project.ts';
import type { RepoFile } from './repo-files.ts';

/** An instance's place in a sharded stage. */
export interface ShardRole {
  axis: string;
  phase: ShardPhase;
  /** The shard's value on the axis (run and finish), null for the barrier and the merge. */
  value: number | null;
  /** The param holding the shard count; the run and finish phases do not receive it. */
  countParam: string;
}

export interface DepSpec {
  /** The name under `deps:`; the key of ctx.inputs. */
  name: string;
  /** The selector after interpolation, e.g. `data[p=59]`. */
  selector: string;
  /** The declared `files:` subset, or null for all outputs. */
  files: string[] | null;
  single: boolean;
  /** Matched instance names, in instance order. */
  instances: string[];
}

export interface Instance {
  name: string;
  stage: string;
  matrix: MatrixPoint | null;
  /** Params after interpolation; prepare.ts validates them and fills schema defaults. */
  params: Record<string, Json>;
  deps: DepSpec[];
  /** cmd stages: argv with vars/matrix/params resolved; ${deps.*} and ${out} still written out. */
  command: string[] | null;
  /** Set in a sharded stage (shards.ts): the phase and shard this instance runs; the merge keeps the stage's name. */
  shard?: ShardRole;
  /** Repository data files this instance reads (`files:`), in declared order; hashed into its key. */
  files: RepoFile[];
}

export interface StagePlan {
  name: string;
  kind: 'module' | 'cmd';
  /** Repository-relative module path (module stages). */
  module: string | null;
  /** Repository-relative files hashed into the key of a cmd stage. */
  code: string[];
  /** Literal compute identity (cmd stages). */
  compute: string | null;
  /** Environment variables declared under `env:` (sorted, unique): passed to its process, keyed by value. */
  env: string[];
  /** Declared outputs the stage must produce. */
  outputs: string[];
  /** Wall-clock limit of one instance's run in milliseconds (`timeout:`), or null for none. Not keyed. */
  timeoutMs: number | null;
  /** Repository-relative module estimating one run for `grokpipe plan` (`estimate:`), or null. Not keyed. */
  estimate: string | null;
  instances: string[];
}

export interface Plan {
  root: string;
  profile: string;
  stages: Map<string, StagePlan>;
  /** Every instance, dependencies before dependents, otherwise in declaration order. */
  instances: Instance[];
  byName: Map<string, Instance>;
  project: Project;
}

export interface PlanOptions {
  profile?: string;
  /** `--set vars.seeds=3`: a vars path and a YAML scalar. */
  set?: string[];
}
