/**
 * The Slurm executor's settings: the `executor: slurm:` defaults of pipeline.yaml and each stage's
 * `resources:`, turned into sbatch arguments. The schema has checked the shapes; durations are parsed
 * here (duration.ts) so that a zero or overflowing one is reported at its file:line:col.
 */
import { DURATION_EXPECTED, parseDuration } from '../../duration.ts';
import type { Project, RawResources } from '../../pipeline/project.ts';
import type { FieldPath } from '../../yaml-source.ts';

export interface SlurmSettings {
  partition?: string;
  account?: string;
  /** Extra sbatch arguments for every job, as written. */
  sbatchArgs: string[];
  pollMs: number;
  nodeFailureRetries: number;
  /** By stage name: its resources, the executor's defaults filled in. */
  resources: Map<string, Resources>;
}

export interface Resources {
  cpus?: number;
  memory?: string;
  timeMs?: number;
}

export const DEFAULT_POLL_MS = 5000;
export const DEFAULT_NODE_FAILURE_RETRIES = 2;

function duration(project: Project, text: string | undefined, at: FieldPath): number | undefined {
  if (text === undefined) return undefined;
  const r = parseDuration(text);
  if (r.ok) return r.ms;
  throw project.src.errorAt(at, { title: 'malformed duration in pipeline.yaml', expected: DURATION_EXPECTED, found: r.problem });
}

/** Every stage's resources, validated, whatever executor runs this time (`grokpipe plan` reads cpus). */
export function stageResources(project: Project): Map<string, Resources> {
  const c = project.raw.executor?.slurm ?? {};
  const defaultTime = duration(project, c.time, ['executor', 'slurm', 'time']);
  const out = new Map<string, Resources>();
  for (const [name, st] of Object.entries(project.raw.stages)) {
    const r: RawResources = st.resources ?? {};
    out.set(name, {
      cpus: r.cpus ?? c.cpus,
      memory: r.memory ?? c.memory,
      timeMs: duration(project, r.time, ['stages', name, 'resources', 'time']) ?? defaultTime,
    });
  }
  return out;
}

export function slurmSettings(project: Project): SlurmSettings {
  const c = project.raw.executor?.slurm ?? {};
  return {
    partition: c.partition,
    account: c.account,
    sbatchArgs: c.sbatch_args ?? [],
    pollMs: duration(project, c.poll, ['executor', 'slurm', 'poll']) ?? DEFAULT_POLL_MS,
    nodeFailureRetries: c.node_failure_retries ?? DEFAULT_NODE_FAILURE_RETRIES,
    resources: stageResources(project),
  };
}

/** sbatch's --time takes whole minutes; a limit is rounded up so that a job never gets less than asked. */
export function slurmMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** The sbatch arguments that carry a stage's resources and the executor's defaults. */
export function resourceArgs(s: SlurmSettings, r: Resources | undefined): string[] {
  const a: string[] = [];
  if (s.partition) a.push(`--partition=${s.partition}`);
  if (s.account) a.push(`--account=${s.account}`);
  if (r?.cpus) a.push(`--cpus-per-task=${r.cpus}`);
  if (r?.memory) a.push(`--mem=${r.memory}`);
  if (r?.timeMs) a.push(`--time=${slurmMinutes(r.timeMs)}`);
  return [...a, ...s.sbatchArgs];
}
