/**
 * What a Slurm job runs: one instance, through the same run-stage.ts (and so the same worker.ts) that the
 * local pool uses. The job has no channel to the coordinator but the shared filesystem: it appends the
 * stage's log lines and progress to an events file and, at the end, writes a result marker atomically.
 * The coordinator reads both; it alone hashes outputs, writes the store and the lock.
 *
 *   node --import <tsx loader> slurm-job.ts <job.json>
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunEvents, RunResult, Work } from '../executor.ts';
import { writeFileAtomic } from '../../fs-atomic.ts';
import { runCommandStage, runModuleStage } from '../run-stage.ts';
import { StageOutput } from '../stage-output.ts';

export interface SlurmJobSpec {
  root: string;
  work: Work;
  /** Appended JSON lines: { log } or { progress }. */
  events: string;
  /** Written once, atomically, when the instance ends: a SlurmJobMarker. */
  marker: string;
}

export type SlurmJobMarker = RunResult & { host: string; signal?: string };

async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as SlurmJobSpec;
  const controller = new AbortController();
  let signal: string | undefined;
  // scancel, a time limit and preemption all send SIGTERM first: stop the stage and still write the marker.
  for (const s of ['SIGTERM', 'SIGINT'] as const) {
    process.on(s, () => {
      signal = s;
      controller.abort();
    });
  }
  const emit = (o: object) => appendFileSync(spec.events, `${JSON.stringify(o)}\n`);
  // Raw stage output is cut into lines (bounded: stage-output.ts) and each line becomes a { log } event.
  const output = new StageOutput(null, (line) => emit({ log: line }));
  const events: RunEvents = output.events((progress) => emit({ progress }));
  const result: RunResult =
    spec.work.kind === 'module' ? await runModuleStage(spec.work.request, spec.root, events, controller.signal) : await runCommandStage(spec.work.argv, spec.root, events, controller.signal, spec.work.env);
  output.close();
  const marker: SlurmJobMarker = { ...result, host: hostname(), ...(signal ? { signal } : {}) };
  writeFileAtomic(spec.marker, JSON.stringify(marker));
}

main(process.argv[2]!).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`grokpipe slurm job: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
