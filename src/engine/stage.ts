/**
 * The stage contract. A stage module default-exports a StageDefinition and imports nothing from the
 * engine at runtime (use `import type` and `satisfies StageDefinition<Params>`), so engine edits never
 * enter a stage's code closure and a stage module anywhere (even a temporary folder) is valid.
 *
 *   import type { StageDefinition } from '../src/engine/stage.ts';
 *   export default {
 *     params: { type: 'object', properties: { p: { type: 'integer' } }, required: ['p'] },
 *     async run(ctx) { await writeFile(join(ctx.outDir, 'x.json'), ...) },
 *   } satisfies StageDefinition<{ p: number }>;
 */

/** A JSON Schema (draft-07, checked by ajv with defaults applied). */
export type JSONSchema = Record<string, unknown>;

export type MatrixValue = number | string | boolean;

export interface Progress {
  done: number;
  total: number;
  /** What the stage is doing now, e.g. "train" or "seed 3/12". */
  phase?: string;
  /** What it has measured so far, shown after the counts, e.g. "test acc 0.43" (a long stage worth watching). */
  detail?: string;
}

/** One upstream instance's outputs, as declared by a `deps:` entry. */
export interface InputRef {
  /** Instance name, e.g. `data[p=59]`. */
  instance: string;
  stage: string;
  /**
   * Absolute path of a folder holding exactly the declared `files` (read-only copies made for this
   * run), not the upstream's own folder: what the stage can read is what its key holds.
   */
  dir: string;
  /** Files this dependency declared (all outputs, or the `files:` subset), relative, sorted. */
  files: string[];
  matrix: Record<string, MatrixValue>;
  params: Record<string, unknown>;
  /** Absolute path of one declared file; throws for a file outside `files`. */
  path(file: string): string;
  read(file: string): Promise<Buffer>;
  text(file: string): Promise<string>;
  json<T = unknown>(file: string): Promise<T>;
}

/** Deterministic random numbers seeded from the instance's resolved params (see docs/pipeline.md). */
export interface SeededRandom {
  /** The 64-hex-digit seed, so a stage can seed a generator of its own. */
  readonly seed: string;
  /** The first 32 bits of the seed as an unsigned integer. */
  readonly seed32: number;
  nextU32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export interface StageContext<P = Record<string, unknown>> {
  instance: string;
  stage: string;
  /** The resolved params, validated by the stage's schema with its defaults filled in. */
  params: P;
  matrix: Record<string, MatrixValue>;
  /** By dependency name: one InputRef for a single-instance selector, a list for a fan-in. */
  inputs: Record<string, InputRef | InputRef[]>;
  /**
   * Absolute paths of the repository files this instance declared under `files:` (e.g.
   * `in/${matrix.i}.txt`), in declared order; their content is in the key, so read only these.
   */
  files: string[];
  /** A fresh empty folder; every file written here (recursively) is an output. */
  outDir: string;
  rng: SeededRandom;
  log(message: string): void;
  progress(p: Progress): void;
  /** Aborted when the run is interrupted (Ctrl-C); long loops should check it. */
  signal: AbortSignal;
  /** Set when the stage is sharded (pipeline.yaml `shard:`): which phase runs, for which shard. */
  shard?: ShardContext;
}

/** The phases of a sharded stage (docs/pipeline.md, "Shards"). */
export type ShardPhase = 'run' | 'barrier' | 'finish' | 'merge';

export interface ShardContext {
  /** The shard axis, e.g. "seed". */
  axis: string;
  phase: ShardPhase;
  /** run, finish: this shard's value on the axis (0 .. count-1). */
  value?: number;
  /** barrier: every shard's run outputs; merge: every shard's final outputs; in shard order. */
  shards?: InputRef[];
  /** finish: this shard's run outputs. */
  run?: InputRef;
  /** finish: the barrier's outputs. */
  barrier?: InputRef;
}

export interface StageDefinition<P = Record<string, unknown>> {
  description?: string;
  /** JSON Schema of the params; the resolved params are validated before anything runs. */
  params: JSONSchema;
  /**
   * The compute engine's identity where it affects numbers, e.g. "tfjs/4.22.0/wasm" or
   * "kernels/1/float32". It enters the key. Evaluated in the engine's process, per instance.
   */
  compute?: (params: P) => string | Promise<string>;
  /** The whole instance; in a sharded stage, one shard (ctx.shard.value; params without the count). */
  run(ctx: StageContext<P>): Promise<void> | void;
  /** Sharded with a barrier: a fan-in over the shards' run outputs that writes what couples them. */
  barrier?(ctx: StageContext<P>): Promise<void> | void;
  /** Sharded with a barrier: continues one shard to what the barrier wrote (a no-op copy when already there). */
  finish?(ctx: StageContext<P>): Promise<void> | void;
  /** Sharded: assembles the instance's outputs from every shard's final outputs (ctx.shard.shards). */
  merge?(ctx: StageContext<P>): Promise<void> | void;
}

/**
 * A stage's cost model for `grokpipe plan`: the default export of the module a stage names with
 * `estimate:` in pipeline.yaml. How long one run of an instance with these params is expected to take on
 * one core; `basis` says where the figure comes from (e.g. "30000 steps x 2 seeds / 197 seed-steps/s").
 * In a sharded stage it is called for each phase instance (params without the count, as run() gets them,
 * and `shard` saying which phase of how many shards). It lives outside the stage module on purpose: a
 * module's code is in its key, and recalibrating an estimate must never rerun a result.
 */
export type EstimateFunction<P = Record<string, unknown>> = (params: P, shard?: ShardEstimate) => Estimate;

/** For an estimate of a sharded stage: which phase the instance is, of how many shards. */
export interface ShardEstimate {
  phase: ShardPhase;
  /** The shard's value (run, finish); absent for the barrier and the merge. */
  value?: number;
  count: number;
}

export interface Estimate {
  seconds: number;
  basis?: string;
}
