/**
 * The probe: before the first job of a run, a tiny job checks that a compute node can run this node.js
 * and read a file the coordinator has just written, i.e. that the nodes see this repository at the same
 * path. Without it, every job of a misconfigured cluster would fail one by one with a vaguer message.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { JobCanceller } from './slurm-cancel.ts';
import { resourceArgs, type SlurmSettings } from './slurm-config.ts';
import { MARKER_GRACE_MS, TICK_MS } from './slurm-poll.ts';
import { queueStates, TERMINAL_STATES } from './slurm-queue.ts';
import type { JobSubmitter } from './slurm-submit.ts';
import { quote } from './slurm-tracked-job.ts';

const PROBE_FILES = ['probe.token', 'probe.seen', 'probe.sh', 'probe.out'];

export interface ProbeContext {
  root: string;
  /** The run's folder under .grokpipe/slurm/, where the probe's files go. */
  runDir: string;
  settings: SlurmSettings;
  submitter: JobSubmitter;
  canceller: JobCanceller;
  warn: (m: string) => void;
  /** True once the run is interrupted or closed: the probe stops waiting. */
  stopped: () => boolean;
}

/** null when a compute node read the token; otherwise what went wrong ('interrupted' when the run stopped first). */
export async function probeComputeNodes(p: ProbeContext): Promise<string | null> {
  const { runDir, settings } = p;
  const token = randomBytes(8).toString('hex');
  const tokenFile = join(runDir, 'probe.token');
  const seen = join(runDir, 'probe.seen');
  const script = join(runDir, 'probe.sh');
  writeFileSync(tokenFile, token);
  writeFileSync(script, `#!/bin/sh\nexec ${quote(process.execPath)} -e ${quote('const fs=require("fs");fs.writeFileSync(process.argv[2],fs.readFileSync(process.argv[1],"utf8")+" "+require("os").hostname())')} ${quote(tokenFile)} ${quote(seen)}\n`);
  const sub = await p.submitter.sbatch('the probe job', script, join(runDir, 'probe.out'), [...resourceArgs(settings, { cpus: 1, timeMs: 60_000 })]);
  if ('refused' in sub) return `Slurm refused the probe job: ${sub.refused}`;
  let endedAt: number | undefined;
  let last = 0;
  let shown = '';
  let warned = false;
  const submittedAt = performance.now();
  for (;;) {
    if (existsSync(seen) && readFileSync(seen, 'utf8').startsWith(token)) {
      p.canceller.forget(sub.id);
      return null;
    }
    if (p.stopped()) return 'interrupted';
    const now = performance.now();
    if (now - last >= Math.min(settings.pollMs, 1000)) {
      last = now;
      const st = (await queueStates(p.submitter.runName))?.get(sub.id);
      // A probe that waits in the queue for long delays the whole run: say so once.
      if (st?.state === 'PENDING' && !warned && now - submittedAt > 10_000) {
        warned = true;
        p.warn(`waiting for the Slurm probe job ${sub.id} (PENDING${st.reason ? `: ${st.reason}` : ''}); it checks that the compute nodes see this repository`);
      }
      if (st) shown = st.state;
      if ((!st || TERMINAL_STATES.has(st.state)) && endedAt === undefined) endedAt = now;
    }
    if (endedAt !== undefined && now - endedAt > MARKER_GRACE_MS) {
      p.canceller.forget(sub.id);
      const log = existsSync(join(runDir, 'probe.out')) ? readFileSync(join(runDir, 'probe.out'), 'utf8').trim() : '';
      return `the Slurm probe job ${sub.id} ended${shown ? ` ${shown}` : ''} without showing that a compute node can read ${relative(p.root, tokenFile)}: grokpipe needs the compute nodes to see this repository (${p.root}) at the same path, on a shared filesystem, and to run ${process.execPath}${log ? `; its log says: ${log.split('\n').slice(-3).join(' / ')}` : ''}`;
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
}

export function removeProbeFiles(runDir: string): void {
  for (const f of PROBE_FILES) rmSync(join(runDir, f), { force: true });
}
