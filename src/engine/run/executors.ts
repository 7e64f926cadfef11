/**
 * The executors by name, as Snakemake names its executor plugins: repro (and verify --lock) pick one by
 * the name a user gave and build it from the run's settings, never from the whole workspace. A new
 * executor is one more entry here and an implementation beside the others; no verb tests a name.
 */
import { availableParallelism } from 'node:os';
import type { Project } from '../pipeline/project.ts';
import type { Executor } from './executor.ts';
import { localExecutor } from './local-executor.ts';
import { slurmSettings } from './slurm/slurm-config.ts';
import { slurmExecutor } from './slurm/slurm-executor.ts';

/** What an executor is built from. */
export interface ExecutorSettings {
  /** The repository: every instance runs in it, and its outputs go under its .grokpipe/. */
  root: string;
  /** How many instances the coordinator hands over at once. */
  slots: number;
  /** pipeline.yaml as loaded: an executor's own section (`executor: slurm:`) and each stage's `resources:`. */
  project: Project;
  /** Each stage's `timeout:`, when it has one. */
  timeoutMsOf(stage: string): number | null | undefined;
  /** Tells the user something that does not stop the run (a job resubmitted, a probe still waiting). */
  warn(message: string): void;
}

interface ExecutorKind {
  /** Where its instances run, for a message that names the choices. */
  description: string;
  /** How many instances run at once unless -j says otherwise. */
  defaultSlots(): number;
  create(settings: ExecutorSettings): Executor | Promise<Executor>;
}

/** Jobs in Slurm's queue at once unless -j says otherwise: the queue, not this machine's cores, is the limit. */
const SLURM_DEFAULT_SLOTS = 1000;

const EXECUTORS = {
  local: {
    description: 'this machine, the default',
    defaultSlots: () => availableParallelism(),
    create: (s: ExecutorSettings) => localExecutor(s.root, s.slots),
  },
  slurm: {
    description: 'one sbatch job per instance',
    defaultSlots: () => SLURM_DEFAULT_SLOTS,
    create: (s: ExecutorSettings) => slurmExecutor({ root: s.root, settings: slurmSettings(s.project), timeoutMsOf: s.timeoutMsOf }, s.slots, s.warn),
  },
} satisfies Record<string, ExecutorKind>;

export type ExecutorName = keyof typeof EXECUTORS;

export const DEFAULT_EXECUTOR: ExecutorName = 'local';

/** Every executor's name, in the order a message lists them. */
export const EXECUTOR_NAMES = Object.keys(EXECUTORS) as ExecutorName[];

export function isExecutorName(name: string): name is ExecutorName {
  return Object.hasOwn(EXECUTORS, name);
}

export function executorDescription(name: ExecutorName): string {
  return EXECUTORS[name].description;
}

export function defaultSlots(name: ExecutorName): number {
  return EXECUTORS[name].defaultSlots();
}

export function createExecutor(name: ExecutorName, settings: ExecutorSettings): Promise<Executor> {
  return Promise.resolve(EXECUTORS[name].create(settings));
}
