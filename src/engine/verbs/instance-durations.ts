/**
 * How long each instance of a plan takes on one core, and how we know: measured (a run record in the
 * store or a manifest in artifacts/ for the same stage, params and compute identity: the same work,
 * whatever code edits changed its key since), estimated by the module the stage names with `estimate:`, or
 * estimated from the measured instances of the same stage (their median). What none of these covers is
 * unknown and counted as zero, and said so.
 */
import { join } from 'node:path';
import { canonicalJson } from '../../core/canonical-json.ts';
import { readManifest } from '../store/artifacts.ts';
import type { KeyComponents } from '../keys/instance-key.ts';
import type { EstimateFunction } from '../stage.ts';
import { importEstimate } from '../keys/stage-modules.ts';
import type { Workspace } from './workspace.ts';

export type DurationSource =
  | { kind: 'measured'; ms: number; from: string }
  | { kind: 'estimated'; ms: number; basis: string }
  | { kind: 'unknown'; ms: number };

/** What identifies the work of a run, as opposed to its key (which also holds code and inputs). */
function workOf(stage: string, c: Pick<KeyComponents, 'params' | 'compute'>): string {
  return canonicalJson([stage, c.params, c.compute]);
}

export async function instanceDurations(ws: Workspace): Promise<Map<string, DurationSource>> {
  const measured = new Map<string, { ms: number; from: string }>();
  const byStage = new Map<string, number[]>();
  const remember = (stage: string, c: KeyComponents, ms: number, from: string) => {
    if (!(ms > 0)) return;
    const k = workOf(stage, c);
    if (!measured.has(k)) measured.set(k, { ms, from });
  };
  for (const key of ws.store.listRecords()) {
    const rec = ws.store.readRecord(key);
    if (rec) remember(rec.stage, rec.components, rec.durationMs, `run of ${rec.instance} (store record ${key.slice(0, 12)}…)`);
  }
  for (const inst of ws.selected) {
    const m = readManifest(ws.root, inst.name);
    if (m) remember(m.stage, m.components, m.durationMs, `artifacts/${inst.name}`);
  }

  const estimators = new Map<string, EstimateFunction | null>();
  const estimator = async (stage: string): Promise<EstimateFunction | null> => {
    if (!estimators.has(stage)) {
      const module = ws.plan.stages.get(stage)!.estimate;
      estimators.set(stage, module ? await importEstimate(ws.root, module, ws.cache.hash(join(ws.root, module))) : null);
    }
    return estimators.get(stage)!;
  };

  const out = new Map<string, DurationSource>();
  for (const inst of ws.selected) {
    const p = ws.prepared.byName.get(inst.name)!;
    const m = measured.get(workOf(inst.stage, p.fixed));
    if (m) {
      out.set(inst.name, { kind: 'measured', ms: m.ms, from: m.from });
      byStage.set(inst.stage, [...(byStage.get(inst.stage) ?? []), m.ms]);
    }
  }
  for (const inst of ws.selected) {
    if (out.has(inst.name)) continue;
    const p = ws.prepared.byName.get(inst.name)!;
    const estimate = await estimator(inst.stage);
    const role = inst.shard;
    const shard = role ? { phase: role.phase, ...(role.value === null ? {} : { value: role.value }), count: Number(inst.params[role.countParam]) } : undefined;
    const e = estimate?.(structuredClone(p.params), shard);
    if (e && Number.isFinite(e.seconds) && e.seconds >= 0) {
      out.set(inst.name, { kind: 'estimated', ms: e.seconds * 1000, basis: e.basis ?? `estimate of ${p.stage.estimate}` });
      continue;
    }
    const same = (byStage.get(inst.stage) ?? []).sort((a, b) => a - b);
    if (same.length) {
      const median = same[Math.floor(same.length / 2)]!;
      out.set(inst.name, { kind: 'estimated', ms: median, basis: `median of ${same.length} measured instance${same.length === 1 ? '' : 's'} of stage ${inst.stage}` });
      continue;
    }
    out.set(inst.name, { kind: 'unknown', ms: 0 });
  }
  return out;
}
