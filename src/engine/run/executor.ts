/**
 * How an instance runs, apart from what runs next. The coordinator (repro.ts) decides which instance is
 * ready, computes its key, and afterwards stores its outputs and records it in the lock; an executor only
 * takes one prepared instance (a module request or a command line, and the empty folder its outputs go
 * to) and reports how it went. The implementations are named in executors.ts: the local process pool
 * (local-executor.ts) and Slurm (slurm/slurm-executor.ts), in the spirit of Snakemake's executor plugins:
 * submit, poll states, cancel. This file is the contract between them and the coordinator, so it imports
 * nothing from an implementation.
 */
import type { Progress } from '../stage.ts';
import type { RunRequest } from './worker-protocol.ts';

/** What to run: a module stage's request for the worker, or a cmd stage's argument list. */
export type Work = { kind: 'module'; request: RunRequest } | { kind: 'cmd'; argv: string[]; /** Declared environment variables (stage-env.ts). */ env?: Record<string, string | null> };

export interface InstanceRun {
  instance: string;
  stage: string;
  work: Work;
  /** The empty folder the instance writes its outputs to (on a filesystem the executor's workers see). */
  outDir: string;
}

/**
 * What a running instance reports. The coordinator backs it with a StageOutput (stage-output.ts): raw
 * output is streamed to the instance's log file and only a bounded tail is kept in memory.
 */
export interface RunEvents {
  /** Raw bytes the stage wrote to stdout or stderr. */
  output(stream: 'out' | 'err', data: Buffer): void;
  /** One message or line of output (ctx.log of a module stage; a line of a remote job's log). */
  log(line: string): void;
  progress(p: Progress): void;
  /** The last lines of output, for a failure message. */
  tail(): string[];
}

/** What an executor reports while an instance runs: the stage's log and progress, and its own state. */
export interface ExecutorEvents extends RunEvents {
  /** The instance's state in the executor's words when it changes, e.g. "PENDING job 42 (Resources)". */
  state?(text: string): void;
}

/**
 * Why the engine stopped a running stage: the reason its AbortSignal was aborted with. Anything else
 * (a plain abort()) counts as an interruption.
 */
export type StopReason = 'interrupted' | 'timeout';

export function stopReason(signal: AbortSignal): StopReason | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'timeout' ? 'timeout' : 'interrupted';
}

export type RunResult = { ok: true } | { ok: false; reason: string; detail: string[]; stopped?: StopReason };

export interface Executor {
  /** Shown in the progress header, e.g. "local" or "slurm". */
  readonly name: string;
  /** How many instances the coordinator hands over at once. */
  readonly slots: number;
  /**
   * Runs one instance to its end. Resolves (never rejects) with the outcome; an aborted signal stops the
   * instance (a local child is asked to stop, a Slurm job is cancelled) and resolves as failed.
   */
  run(job: InstanceRun, events: ExecutorEvents, signal: AbortSignal): Promise<RunResult>;
  /** Called once after the last run: cancels whatever is still running and frees the executor's resources. */
  close(): Promise<void>;
}
