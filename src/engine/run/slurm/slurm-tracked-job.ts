/**
 * One instance's Slurm job as the coordinator tracks it, and the files it shares with the job (see
 * slurm-job.ts): the spec it reads, the script sbatch runs, Slurm's log, the events file the job appends
 * the stage's log lines and progress to, and the result marker it writes at the end.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorEvents, InstanceRun, RunResult } from '../executor.ts';
import type { SlurmJobMarker, SlurmJobSpec } from './slurm-job.ts';
import type { JobState } from './slurm-queue.ts';
import type { Progress } from '../../stage.ts';

export interface JobFiles {
  spec: string;
  events: string;
  marker: string;
  out: string;
  script: string;
}

export interface TrackedJob {
  run: InstanceRun;
  events: ExecutorEvents;
  settle: (r: RunResult) => void;
  files: JobFiles;
  /** '' until sbatch has accepted the job. */
  jobId: string;
  attempts: number;
  state: string;
  reason: string;
  /** Bytes of the events file already passed on. */
  eventsAt: number;
  /** When the job was first seen in a terminal state (or missing from the queue) without a marker. */
  endedAt?: number;
  /** A failed marker waits for Slurm's terminal state (to name it) until this time. */
  failedMarker?: { marker: SlurmJobMarker; until: number };
}

/** A word for sh, single-quoted. */
export function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** File-name-safe form of an instance name (`cell[p=59,rho=1.15]` -> `cell_p=59,rho=1.15_`). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.,=+-]/g, '_').slice(0, 120);
}

/**
 * Writes the spec and the script of the run's `n`th job into the run's folder; the script runs the job
 * entry (slurm-job.ts) with this node.js and the tsx loader.
 */
export function writeJobFiles(runDir: string, n: number, root: string, run: InstanceRun, job: { entry: string; loader: string }): JobFiles {
  const base = join(runDir, `${n}-${safeName(run.instance)}`);
  const files = { spec: `${base}.job.json`, events: `${base}.events`, marker: `${base}.result.json`, out: `${base}.out`, script: `${base}.sh` };
  const spec: SlurmJobSpec = { root, work: run.work, events: files.events, marker: files.marker };
  writeFileSync(files.spec, JSON.stringify(spec));
  writeFileSync(files.script, `#!/bin/sh\n# ${run.instance}\nexec ${quote(process.execPath)} --import ${quote(job.loader)} ${quote(job.entry)} ${quote(files.spec)}\n`);
  return files;
}

/** Passes on the whole lines the job has appended to its events file since the last call. */
export function drainEvents(job: TrackedJob): void {
  let fd: number;
  try {
    fd = openSync(job.files.events, 'r');
  } catch {
    return;
  }
  try {
    const size = statSync(job.files.events).size;
    if (size <= job.eventsAt) return;
    const buf = Buffer.alloc(size - job.eventsAt);
    readSync(fd, buf, 0, buf.length, job.eventsAt);
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return;
    job.eventsAt += Buffer.byteLength(text.slice(0, end + 1));
    for (const line of text.slice(0, end).split('\n')) {
      try {
        const e = JSON.parse(line) as { log?: string; progress?: Progress };
        if (e.log !== undefined) job.events.log(e.log);
        else if (e.progress) job.events.progress(e.progress);
      } catch {
        job.events.log(line);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The job's result marker, or null while it is not there (or not yet whole). */
export function readMarker(job: TrackedJob): SlurmJobMarker | null {
  if (!existsSync(job.files.marker)) return null;
  try {
    return JSON.parse(readFileSync(job.files.marker, 'utf8')) as SlurmJobMarker;
  } catch {
    return null;
  }
}

/** Records the job's Slurm state and tells the reporter when it changed. */
export function showState(job: TrackedJob, st: JobState): void {
  if (st.state === job.state && st.reason === job.reason) return;
  job.state = st.state;
  job.reason = st.reason;
  const why = st.state === 'PENDING' && st.reason ? ` (${st.reason})` : '';
  job.events.state?.(`${st.state} job ${job.jobId}${why}`);
}
