/** The local executor: each instance is a child process on this machine, `slots` of them at a time. */
import type { Executor, InstanceRun, RunEvents, RunResult } from './executor.ts';
import { runCommandStage, runModuleStage } from './run-stage.ts';

export function localExecutor(root: string, slots: number): Executor {
  return {
    name: 'local',
    slots,
    run(job: InstanceRun, events: RunEvents, signal: AbortSignal): Promise<RunResult> {
      return job.work.kind === 'module' ? runModuleStage(job.work.request, root, events, signal) : runCommandStage(job.work.argv, root, events, signal, job.work.env);
    },
    async close() {},
  };
}
