/** Messages between the engine and a stage's child process (JSON over the IPC channel). */
import type { Json } from '../../core/canonical-json.ts';
import type { InputRef, MatrixValue, Progress, ShardPhase } from '../stage.ts';

/** An upstream's InputRef (stage.ts) as it crosses the channel: its data, without the methods the worker adds. */
export type InputSpec = Pick<InputRef, 'instance' | 'stage' | 'dir' | 'files' | 'matrix'> & { params: Record<string, Json> };

export interface RunRequest {
  type: 'run';
  /** Absolute path of the stage module. */
  module: string;
  /** Absolute path of the file to import instead: the module's bundle (module-bundle.ts); absent, the module. */
  code?: string;
  instance: string;
  stage: string;
  params: Record<string, Json>;
  matrix: Record<string, MatrixValue>;
  inputs: Record<string, InputSpec | InputSpec[]>;
  /** Absolute paths of the instance's declared repository files (`files:`), in declared order. */
  files: string[];
  outDir: string;
  rngSeed: string;
  /** Environment variables the stage declares (`env:`), with the values its key holds (stage-env.ts). */
  env?: Record<string, string | null>;
  /** Sharded stages: the phase to run and the shard's value (null for the barrier and the merge). */
  shard?: { axis: string; phase: ShardPhase; value: number | null };
}

export type WorkerMessage =
  | { type: 'log'; message: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'done' }
  | { type: 'error'; message: string; stack?: string };

export type ParentMessage = RunRequest | { type: 'abort' };
