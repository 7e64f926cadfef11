/**
 * The Slurm executor: each instance handed over is one sbatch job that runs slurm-job.ts (and through it
 * the same worker as the local pool) on a compute node. The job and the coordinator share only the
 * filesystem: the job writes its outputs into the instance's folder under .grokpipe/, appends its log and
 * progress to an events file and finally writes a result marker. The work is split as in Snakemake's
 * executor plugins: submitting (slurm-submit.ts), polling the states of all of this run's jobs at once
 * (slurm-poll.ts) and cancelling (slurm-cancel.ts); this file only ties them to the Executor contract.
 *
 * Requirement: the compute nodes see this repository at the same path (NFS, Lustre, ...). Before the first
 * job, a probe job checks that it can read a file the coordinator has just written (slurm-probe.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Executor, ExecutorEvents, InstanceRun, RunResult } from '../executor.ts';
import { tsxLoaderUrl } from '../run-stage.ts';
import { JobCanceller } from './slurm-cancel.ts';
import { JobPoller } from './slurm-poll.ts';
import { probeComputeNodes, removeProbeFiles } from './slurm-probe.ts';
import type { SlurmSettings } from './slurm-config.ts';
import { requireSlurmCommands } from './slurm-queue.ts';
import { JobSubmitter, type SlurmRunSettings } from './slurm-submit.ts';
import { writeJobFiles, type TrackedJob } from './slurm-tracked-job.ts';
import { slurmRunDir } from '../../dot-grokpipe.ts';

export type { SlurmRunSettings } from './slurm-submit.ts';

// slurm-job.js beside the compiled engine (dist/), slurm-job.ts beside the sources (src/).
const JOB_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './slurm-job.ts' : './slurm-job.js', import.meta.url));

export async function slurmExecutor(run: SlurmRunSettings, slots: number, warn: (m: string) => void = () => {}): Promise<Executor> {
  await requireSlurmCommands();
  const runName = `grokpipe-${randomBytes(4).toString('hex')}`;
  const runDir = slurmRunDir(run.root, runName);
  mkdirSync(runDir, { recursive: true });
  return new SlurmExecutor(run, runName, runDir, slots, warn);
}

class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  private readonly canceller = new JobCanceller();
  private readonly submitter: JobSubmitter;
  private readonly poller: JobPoller;
  private readonly job = { entry: JOB_ENTRY, loader: tsxLoaderUrl() };
  /** Numbers this run's jobs, for their file names. */
  private counter = 0;
  private probe: Promise<string | null> | null = null;
  /** Set when the run is interrupted or closed: a waiting probe gives up. */
  private stopped = false;
  private readonly root: string;
  private readonly slurm: SlurmSettings;

  constructor(
    run: SlurmRunSettings,
    runName: string,
    private readonly runDir: string,
    readonly slots: number,
    private readonly warn: (m: string) => void,
  ) {
    this.root = run.root;
    this.slurm = run.settings;
    this.submitter = new JobSubmitter(run, runName, this.canceller);
    this.poller = new JobPoller(run.root, run.settings, this.submitter, this.canceller, warn);
  }

  async run(instance: InstanceRun, events: ExecutorEvents, signal: AbortSignal): Promise<RunResult> {
    const problem = await this.probed(signal);
    if (problem) return { ok: false, reason: problem, detail: [] };
    if (signal.aborted) return { ok: false, reason: 'interrupted', detail: [] };
    const files = writeJobFiles(this.runDir, ++this.counter, this.root, instance, this.job);
    return new Promise<RunResult>((resolve) => {
      const job: TrackedJob = { run: instance, events, settle: resolve, files, jobId: '', attempts: 0, state: '', reason: '', eventsAt: 0 };
      const onAbort = () => {
        if (!this.poller.watching(job)) return;
        if (job.jobId) this.canceller.soon(job.jobId);
        this.poller.finish(job, { ok: false, reason: `interrupted: Slurm job ${job.jobId} cancelled (scancel ${job.jobId})`, detail: [] });
      };
      void this.submitter.submit(job).then((refused) => {
        if (refused) return resolve(refused);
        this.poller.watch(job);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      });
    });
  }

  /** Waits for the run's one probe (the first run starts it): null when the compute nodes see this repository. */
  private async probed(signal: AbortSignal): Promise<string | null> {
    this.probe ??= probeComputeNodes({ root: this.root, runDir: this.runDir, settings: this.slurm, submitter: this.submitter, canceller: this.canceller, warn: this.warn, stopped: () => this.stopped });
    const onAbort = () => (this.stopped = true);
    signal.addEventListener('abort', onAbort, { once: true });
    const problem = await this.probe;
    signal.removeEventListener('abort', onAbort);
    return problem === 'interrupted' ? 'interrupted before the Slurm probe job finished' : problem;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.poller.stop();
    await this.canceller.all();
    this.poller.finishAll((job) => ({ ok: false, reason: `Slurm job ${job.jobId} cancelled: the run ended`, detail: [] }));
    removeProbeFiles(this.runDir);
    try {
      if (readdirSync(this.runDir).length === 0) rmdirSync(this.runDir);
    } catch {
      // Already gone.
    }
  }
}
