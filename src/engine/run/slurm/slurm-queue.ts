/**
 * The Slurm commands the executor needs, each called once per interval for the whole run and never
 * once per job: sbatch (submit), squeue (states of every job of the run, found by its job name),
 * sacct (the same, where accounting exists, for jobs older than MinJobAge), scancel (by job ids).
 */
import { execFile } from 'node:child_process';
import { GrokpipeError } from '../../errors.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT: not installed). */
  missing?: boolean;
}

export function runProgram(program: string, args: string[], timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: String(e.message), missing: true });
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Refuses to start a Slurm run on a machine without Slurm's client commands. */
export async function requireSlurmCommands(): Promise<void> {
  for (const program of ['sbatch', 'squeue', 'scancel']) {
    const r = await runProgram(program, ['--version']);
    if (r.missing || r.code !== 0) {
      throw new GrokpipeError({
        title: `${program} not found: cannot run with --executor slurm`,
        expected: `Slurm's client commands (sbatch, squeue, scancel) on PATH`,
        found: r.missing ? `no \`${program}\` on PATH` : `\`${program} --version\` exited with code ${r.code}: ${r.stderr.trim()}`,
        hint: 'run grokpipe on a Slurm login node, or drop --executor slurm to run on this machine',
      });
    }
  }
}

/** Slurm states after which a job will not run again. */
export const TERMINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'PREEMPTED', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT']);
/** Terminal states that are the cluster's fault, not the job's: the job is resubmitted (up to a limit). */
export const NODE_FAILURE_STATES = new Set(['NODE_FAIL', 'BOOT_FAIL']);

export interface JobState {
  state: string;
  /** squeue's reason (why PENDING), or '' */
  reason: string;
}

/** `sbatch --parsable` prints `id` or `id;cluster`. */
export function parseJobId(stdout: string): string | null {
  const m = /^(\d+)(;\S+)?\s*$/.exec(stdout.trim());
  return m ? m[1]! : null;
}

/** Lines `id|STATE|reason` (squeue -o '%i|%T|%r') or `id|STATE` (sacct -P) into a map by job id. */
export function parseStates(stdout: string): Map<string, JobState> {
  const out = new Map<string, JobState>();
  for (const line of stdout.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (!id || !state || !/^\d+$/.test(id)) continue;
    // sacct writes "CANCELLED by 0"; the first word is the state.
    out.set(id, { state: state.split(' ')[0]!, reason: reason && reason !== 'None' ? reason : '' });
  }
  return out;
}

/** One squeue call for every job of the run (named after it); null when squeue itself failed. */
export async function queueStates(runName: string): Promise<Map<string, JobState> | null> {
  const r = await runProgram('squeue', ['-h', '-t', 'all', '--name', runName, '-o', '%i|%T|%r']);
  return r.code === 0 ? parseStates(r.stdout) : null;
}

/** One sacct call for every job of the run; null where accounting is not available. */
export async function accountingStates(runName: string): Promise<Map<string, JobState> | null> {
  const r = await runProgram('sacct', ['-n', '-X', '-P', '--name', runName, '--starttime', 'now-7days', '-o', 'JobID,State']);
  return r.code === 0 ? parseStates(r.stdout) : null;
}

export async function cancelJobs(ids: string[]): Promise<CommandResult | null> {
  return ids.length ? runProgram('scancel', ids) : null;
}
