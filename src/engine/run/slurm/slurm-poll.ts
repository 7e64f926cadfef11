/**
 * Polling, in one place for every job of the run, as Snakemake's remote executors leave it to their base:
 * every tick the jobs' events files and result markers are read (cheap, local to the coordinator); every
 * poll interval one squeue call (sacct for jobs that left squeue, where accounting exists) brings their
 * states. The marker is the final word on success, Slurm's state names what went wrong otherwise; a job
 * lost to its node is submitted again, up to the configured number of times.
 */
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import type { RunResult } from '../executor.ts';
import type { JobCanceller } from './slurm-cancel.ts';
import type { SlurmSettings } from './slurm-config.ts';
import { accountingStates, NODE_FAILURE_STATES, queueStates, TERMINAL_STATES, type JobState } from './slurm-queue.ts';
import type { JobSubmitter } from './slurm-submit.ts';
import { drainEvents, readMarker, showState, type TrackedJob } from './slurm-tracked-job.ts';

/** How often markers and events files are read (cheap, local to the coordinator). */
export const TICK_MS = 250;
/**
 * After Slurm says a job ended, how long its marker may take to become visible here (the attribute
 * caches of NFS clients hold a stale view for a few seconds).
 */
export const MARKER_GRACE_MS = 5000;

/** Why a job that ended without a result did so, in words a user can act on. */
function explainState(state: string): string {
  switch (state) {
    case 'CANCELLED':
      return 'cancelled from outside (scancel or an administrator)';
    case 'TIMEOUT':
      return 'it ran past its time limit; raise the stage\'s resources.time';
    case 'OUT_OF_MEMORY':
      return 'it ran out of memory; raise the stage\'s resources.memory';
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return 'its node failed';
    case 'PREEMPTED':
      return 'preempted by a higher-priority job';
    case 'COMPLETED':
      return 'the job ended but its result is not visible here: do the compute nodes see this repository at the same path (a shared filesystem)?';
    default:
      return 'see the Slurm log';
  }
}

export class JobPoller {
  private readonly jobs = new Set<TrackedJob>();
  private timer: NodeJS.Timeout | null = null;
  private lastPoll = 0;
  private polling = false;
  private sacctAvailable = true;

  constructor(
    private readonly root: string,
    private readonly settings: SlurmSettings,
    private readonly submitter: JobSubmitter,
    private readonly canceller: JobCanceller,
    private readonly warn: (m: string) => void,
  ) {}

  /** Follows a submitted job until it ends; the first job starts the ticks. */
  watch(job: TrackedJob): void {
    this.jobs.add(job);
    this.timer ??= setInterval(() => void this.poll(), TICK_MS);
  }

  watching(job: TrackedJob): boolean {
    return this.jobs.has(job);
  }

  /** Settles a job (once): its last events passed on, its files removed after a success, its log named after a failure. */
  finish(job: TrackedJob, result: RunResult): void {
    if (!this.jobs.delete(job)) return;
    this.canceller.forget(job.jobId);
    drainEvents(job);
    if (result.ok) {
      for (const f of Object.values(job.files)) rmSync(f, { force: true });
    } else {
      result = { ...result, detail: [...result.detail, `(Slurm log: ${relative(this.root, job.files.out)})`] };
    }
    job.settle(result);
    if (this.jobs.size === 0) this.stop();
  }

  /** No more ticks (the run is ending). */
  stop(): void {
    if (this.timer) (clearInterval(this.timer), (this.timer = null));
  }

  /** Settles every job still followed with the result `why` gives it. */
  finishAll(why: (job: TrackedJob) => RunResult): void {
    for (const job of [...this.jobs]) this.finish(job, why(job));
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = performance.now();
      for (const job of [...this.jobs]) this.readResult(job, now);
      if (this.jobs.size === 0 || now - this.lastPoll < this.settings.pollMs) return;
      this.lastPoll = now;
      const states = await this.states();
      if (!states) return;
      for (const job of [...this.jobs]) await this.checkState(job, states.get(job.jobId));
    } finally {
      this.polling = false;
    }
  }

  /** The job's events so far and, when its marker is there, its result. */
  private readResult(job: TrackedJob, now: number): void {
    drainEvents(job);
    const marker = job.failedMarker?.marker ?? readMarker(job);
    if (marker?.ok) {
      this.finish(job, { ok: true });
    } else if (marker && !marker.ok) {
      job.failedMarker ??= { marker, until: now + 2 * this.settings.pollMs + MARKER_GRACE_MS };
      if (TERMINAL_STATES.has(job.state) || now > job.failedMarker.until) {
        this.finish(job, { ok: false, reason: `Slurm job ${job.jobId} ${job.state} on ${marker.host}: ${marker.reason}`, detail: marker.detail });
      }
    }
  }

  /** The states of the run's jobs: one squeue call, and one sacct call for jobs squeue no longer lists. */
  private async states(): Promise<Map<string, JobState> | null> {
    const states = await queueStates(this.submitter.runName);
    if (!states) return null;
    const missing = [...this.jobs].filter((j) => !states.has(j.jobId));
    if (missing.length && this.sacctAvailable) {
      const acct = await accountingStates(this.submitter.runName);
      if (acct) for (const [id, st] of acct) if (!states.has(id)) states.set(id, st);
      else this.sacctAvailable = false;
    }
    return states;
  }

  /**
   * A job Slurm says has ended (or no longer knows) without a marker, once the marker has had time to
   * appear: submitted again after a node failure, failed with Slurm's reason otherwise.
   */
  private async checkState(job: TrackedJob, st: JobState | undefined): Promise<void> {
    if (st) showState(job, st);
    const ended = !st || TERMINAL_STATES.has(st.state);
    if (!ended) job.endedAt = undefined;
    if (!ended || job.failedMarker) return;
    if (readMarker(job)) return;
    job.endedAt ??= performance.now();
    if (performance.now() - job.endedAt < MARKER_GRACE_MS) return;
    const state = st?.state ?? 'UNKNOWN';
    if (NODE_FAILURE_STATES.has(state) && job.attempts <= this.settings.nodeFailureRetries) {
      this.warn(`Slurm job ${job.jobId} (${job.run.instance}) ended ${state}; resubmitting (attempt ${job.attempts + 1} of ${this.settings.nodeFailureRetries + 1})`);
      this.canceller.forget(job.jobId);
      const refused = await this.submitter.submit(job);
      if (refused) this.finish(job, refused);
      return;
    }
    const reason = st
      ? `Slurm job ${job.jobId} ended ${state} without a result: ${explainState(state)}`
      : `Slurm job ${job.jobId} left the queue without a result (squeue no longer lists it${this.sacctAvailable ? ', nor does sacct' : ' and accounting is not available'}); ${explainState('COMPLETED')}`;
    this.finish(job, { ok: false, reason, detail: job.attempts > 1 ? [`submitted ${job.attempts} times`] : [] });
  }
}
