/**
 * Submitting: sbatch for every job of the run (named after the run, so that one squeue call finds them
 * all), with the stage's resources; each accepted job id is handed to the canceller until it is over.
 */
import { rmSync } from 'node:fs';
import type { RunResult } from '../executor.ts';
import type { JobCanceller } from './slurm-cancel.ts';
import { resourceArgs, type Resources, type SlurmSettings } from './slurm-config.ts';
import { parseJobId, runProgram } from './slurm-queue.ts';
import { showState, type TrackedJob } from './slurm-tracked-job.ts';

/** What the Slurm executor needs of a run: where the repository is, the project's Slurm settings, each stage's `timeout:`. */
export interface SlurmRunSettings {
  root: string;
  settings: SlurmSettings;
  timeoutMsOf: (stage: string) => number | null | undefined;
}

export type Submission = { id: string } | { refused: string; argv: string[] };

export class JobSubmitter {
  constructor(
    private readonly run: SlurmRunSettings,
    /** The job name of every job of this run. */
    readonly runName: string,
    private readonly canceller: JobCanceller,
  ) {}

  /** One sbatch call; `name` says what the job is for in a refusal. */
  async sbatch(name: string, script: string, out: string, extra: string[]): Promise<Submission> {
    const argv = ['--parsable', `--job-name=${this.runName}`, `--output=${out}`, `--chdir=${this.run.root}`, ...extra, script];
    const r = await runProgram('sbatch', argv);
    const id = r.code === 0 ? parseJobId(r.stdout) : null;
    if (id) {
      this.canceller.track(id);
      return { id };
    }
    const said = (r.stderr || r.stdout).trim().split('\n').filter(Boolean);
    return { refused: said.join('; ') || `sbatch exited with code ${r.code}`, argv: [`sbatch ${argv.join(' ')}`, `(for ${name})`] };
  }

  /**
   * Submits one attempt at the job, from a clean slate (no marker, no events of an earlier attempt).
   * Returns the failure when Slurm refuses it, with what to change; null once it is in the queue.
   */
  async submit(job: TrackedJob): Promise<RunResult | null> {
    job.attempts++;
    rmSync(job.files.marker, { force: true });
    rmSync(job.files.events, { force: true });
    job.eventsAt = 0;
    job.endedAt = undefined;
    job.failedMarker = undefined;
    const sub = await this.sbatch(job.run.instance, job.files.script, job.files.out, resourceArgs(this.run.settings, this.resourcesOf(job.run.stage)));
    if ('refused' in sub) {
      const hint = /memory|node configuration|cpu/i.test(sub.refused) ? `no node can satisfy it: lower resources of stage \`${job.run.stage}\` in pipeline.yaml (\`sinfo -o "%N %c %m"\` lists the nodes)` : 'check the executor: slurm: section and the stage\'s resources: in pipeline.yaml';
      return { ok: false, reason: `Slurm refused the job: ${sub.refused}`, detail: [...sub.argv, hint] };
    }
    job.jobId = sub.id;
    showState(job, { state: 'SUBMITTED', reason: '' });
    return null;
  }

  /**
   * A stage's resources; without a time limit of its own, a stage's `timeout:` (plus a minute for the
   * job to start and the coordinator to stop it first) keeps a forgotten job from holding a node forever.
   */
  private resourcesOf(stage: string): Resources {
    const r = this.run.settings.resources.get(stage) ?? {};
    const timeout = this.run.timeoutMsOf(stage);
    return r.timeMs === undefined && timeout ? { ...r, timeMs: timeout + 60_000 } : r;
  }
}
