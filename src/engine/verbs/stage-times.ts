/**
 * Where the time of a build went, per stage: how many of the plan's instances ran here or were restored
 * from the store, their run time summed and the longest one. Read from the manifests in artifacts/;
 * durations are for people planning a profile, and never enter a key or the lock file.
 */
import type { Manifest } from '../store/artifacts.ts';

export interface StageTime {
  stage: string;
  /** Instances whose folder was produced by running them here. */
  ran: number;
  /** Instances whose folder was restored from the store (another instance, or an earlier run, had the same key). */
  restored: number;
  /** Instances without a manifest (never built). */
  missing: number;
  /** Run time summed over the instances that ran. */
  ranMs: number;
  longest: { instance: string; ms: number } | null;
}

/** One row per stage that has instances in `instances`, longest summed run time first (ties: plan order). */
export function stageTimes(
  instances: readonly { name: string; stage: string }[],
  manifestOf: (instance: string) => Manifest | null,
): StageTime[] {
  const rows = new Map<string, StageTime>();
  for (const inst of instances) {
    let row = rows.get(inst.stage);
    if (!row) rows.set(inst.stage, (row = { stage: inst.stage, ran: 0, restored: 0, missing: 0, ranMs: 0, longest: null }));
    const m = manifestOf(inst.name);
    if (!m) {
      row.missing++;
      continue;
    }
    if (m.how === 'restored') {
      row.restored++;
      continue;
    }
    row.ran++;
    row.ranMs += m.durationMs;
    if (!row.longest || m.durationMs > row.longest.ms) row.longest = { instance: inst.name, ms: m.durationMs };
  }
  const order = [...rows.keys()];
  return [...rows.values()].sort((a, b) => b.ranMs - a.ranMs || order.indexOf(a.stage) - order.indexOf(b.stage));
}
