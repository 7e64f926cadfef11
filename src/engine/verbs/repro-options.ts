/**
 * What repro takes and what it gives back: the options of the command line and of the in-process API
 * (src/index.ts exports both types), apart from the scheduling in repro.ts.
 */
import type { Outcome, Reporter, Summary } from '../ui/reporter.ts';
import type { ExecutorName } from '../run/executors.ts';
import type { RemoteSettings } from '../store/remote-settings.ts';
import type { Assessment } from './assess.ts';
import type { OpenOptions } from './workspace.ts';

export interface ReproOptions extends OpenOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Refuse any change to grokpipe.lock and never write it (CI; store/lock-writer.ts). */
  frozen?: boolean;
  jobs?: number;
  keepGoing?: boolean;
  /** Wait for another repro in this repository instead of refusing. */
  wait?: boolean;
  reporter?: Reporter;
  /**
   * Where instances run (run/executors.ts); local child processes when absent. Built once, after the run
   * lock is taken and only when something may run (not for --dry-run).
   */
  executor?: ExecutorName;
  signal?: AbortSignal;
  /** The command line, recorded in the run lock for a second process's message. */
  command?: string;
  /** A remote store read on a local miss (remote-read-through.ts); none when absent. */
  remote?: RemoteSettings | null;
}

export interface ReproResult {
  summary: Summary;
  outcomes: Map<string, Outcome>;
  /** For --dry-run: what would happen to each instance. */
  plan?: Assessment[];
  exitCode: number;
}
