/**
 * Cancelling: the job ids of this run still in Slurm's hands, and their scancel. Jobs stopped in the same
 * tick (a Ctrl-C stops them all at once) go in one scancel call; at the end of the run every job still
 * live is cancelled, so that nothing this run submitted outlives it.
 */
import { cancelJobs } from './slurm-queue.ts';

export class JobCanceller {
  /** Job ids submitted and not yet known to be over. */
  private readonly live = new Set<string>();
  /** Ids to cancel, gathered for one scancel call per tick. */
  private pending: string[] = [];
  private readonly calls: Array<Promise<unknown>> = [];

  /** A job was submitted: it is cancelled at the end unless forgotten first. */
  track(id: string): void {
    this.live.add(id);
  }

  /** A job is over (its result is in, or Slurm no longer holds it): nothing to cancel. */
  forget(id: string): void {
    this.live.delete(id);
  }

  /** Cancels a job with the others stopped in this tick. */
  soon(id: string): void {
    if (this.pending.push(id) === 1) {
      setImmediate(() => {
        const ids = this.pending;
        this.pending = [];
        this.calls.push(cancelJobs(ids));
      });
    }
  }

  /** Cancels every job still live or waiting to be cancelled, and waits for every scancel call made. */
  async all(): Promise<void> {
    const ids = [...this.live, ...this.pending];
    this.pending = [];
    this.live.clear();
    if (ids.length) this.calls.push(cancelJobs(ids));
    await Promise.all(this.calls);
  }
}
