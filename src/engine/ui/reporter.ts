/** What the scheduler tells the outside world while it works; progress.ts renders it. */
import type { Progress } from '../stage.ts';

/** `interrupted`: it was running when Ctrl-C or SIGTERM stopped the run (not a failure of the stage). */
export type OutcomeStatus = 'ran' | 'restored' | 'up-to-date' | 'failed' | 'skipped' | 'interrupted';

export interface Outcome {
  status: OutcomeStatus;
  /** Wall time of the run or restore (display only). */
  ms?: number;
  reason?: string;
  detail?: string[];
}

export interface Summary {
  profile: string;
  ran: number;
  restored: number;
  upToDate: number;
  failed: number;
  skipped: number;
  /** Instances stopped while running by Ctrl-C / SIGTERM. */
  interrupted?: number;
  wallMs: number;
}

export interface Reporter {
  /**
   * False when log() would drop the lines (not verbose): the engine then does not split stage output
   * into lines at all. Absent means true.
   */
  readonly wantsLog?: boolean;
  /** `executor`: where instances run when not on this machine ("slurm"), for the header line. */
  begin(info: { profile: string; total: number; jobs: number; executor?: string }): void;
  start(instance: string, action: 'run' | 'restore'): void;
  progress(instance: string, p: Progress): void;
  log(instance: string, line: string): void;
  /** The executor's state of a running instance, e.g. "RUNNING job 42" under Slurm (not reported locally). */
  state?(instance: string, text: string): void;
  warn(message: string): void;
  finish(instance: string, outcome: Outcome): void;
  end(summary: Summary): void;
}

export const silentReporter: Reporter = {
  wantsLog: false,
  begin() {},
  start() {},
  progress() {},
  log() {},
  warn() {},
  finish() {},
  end() {},
};
