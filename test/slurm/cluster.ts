/**
 * The Slurm tests run wherever a Slurm cluster answers (CI starts a single-node one with
 * scripts/slurm-up.sh; as root with Debian's slurmctld slurmd slurm-client munge installed, so can you)
 * and are skipped with the reason elsewhere. They do not start a cluster themselves: on a shared machine
 * one test run stopping the daemons would pull them from under another's.
 */
import { spawnSync } from 'node:child_process';

function probeCluster(): string | null {
  const sbatch = spawnSync('sbatch', ['--version'], { encoding: 'utf8' });
  if (sbatch.error || sbatch.status !== 0) return 'no Slurm here: sbatch not found (scripts/slurm-up.sh starts a single-node cluster, as root)';
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
  if (sinfo.status !== 0) return `Slurm does not answer: sinfo exited with ${sinfo.status}: ${sinfo.stderr.trim()} (scripts/slurm-up.sh starts a single-node cluster)`;
  if (!/\b(idle|mix|alloc)/.test(sinfo.stdout)) return `no Slurm node is up (sinfo says: ${sinfo.stdout.trim() || 'nothing'})`;
  return null;
}

/** Why the Slurm tests are skipped here, or null when a cluster answers. */
export const noSlurm = probeCluster();

export interface QueuedJob {
  id: string;
  name: string;
  state: string;
  command: string;
}

/** Job states Slurm never leaves (COMPLETING is on the way to one of these, not one of them). */
export const FINAL_STATES: ReadonlySet<string> = new Set(['CANCELLED', 'COMPLETED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);

/** Every job Slurm still lists (finished ones too, while younger than MinJobAge). */
export function queue(): QueuedJob[] {
  const r = spawnSync('squeue', ['-h', '-t', 'all', '-o', '%i|%j|%T|%o'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, name, state, command] = l.split('|');
      return { id: id!, name: name!, state: state!, command: command ?? '' };
    });
}

export async function waitFor<T>(what: string, f: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
