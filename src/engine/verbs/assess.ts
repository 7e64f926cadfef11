/**
 * Where each instance stands, without writing anything: up to date (its folder holds the outputs of its
 * current key), restorable (the store has a run record for the key), stale (it must run), or waiting
 * (an upstream must run first, so its key is not known yet). With `why`, each changed key component
 * against the last recorded build (lock file, then manifest), old beside new.
 */
import { manifestIsTrusted, readManifest, type Manifest } from '../store/artifacts.ts';
import { ABSENT, diffComponents, type Change } from '../keys/component-diff.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { inputKey, keyOf, type KeyComponents } from '../keys/instance-key.ts';
import { lockedWithKey, type LockFile } from '../store/lock-file.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { Instance } from '../pipeline/plan.ts';
import type { Prepared, PreparedInstance } from '../keys/prepare.ts';

export type State = 'up-to-date' | 'restorable' | 'stale' | 'waiting';

export interface Assessment {
  instance: string;
  state: State;
  /** Known unless waiting. */
  key: string | null;
  components: KeyComponents | null;
  /** Outputs, when the instance is up to date or restorable. */
  outputs: Record<string, string> | null;
  /** Why it is not up to date (empty when it is). */
  reasons: string[];
  /** Changed components against the last recorded build (with `why`). */
  changes: Change[];
  /** What the changes are measured against. */
  baseline: string | null;
}

/** Builds the inputs component from upstream outputs; returns an error string for a missing file. */
export function inputsComponent(inst: Instance, outputsOf: (name: string) => Record<string, string>): Record<string, string> | string {
  const inputs: Record<string, string> = {};
  for (const dep of inst.deps) {
    for (const up of dep.instances) {
      const outs = outputsOf(up);
      const files = dep.files ?? Object.keys(outs).sort();
      for (const f of files) {
        const sha = outs[f];
        if (sha === undefined) {
          return `dependency \`${dep.name}\` declares file \`${f}\` of \`${up}\`, which \`${up}\` does not produce (it produced: ${Object.keys(outs).join(', ') || 'nothing'})`;
        }
        inputs[inputKey(dep.name, up, f)] = sha;
      }
    }
  }
  return inputs;
}

export function baselineFor(p: PreparedInstance, profile: string, lock: LockFile, store: ObjectStore, manifest: Manifest | null): { label: string; components: KeyComponents } | null {
  const entry = lock.profiles[profile]?.[p.instance.name];
  if (entry) {
    const rec = store.readRecord(entry.key);
    if (rec) return { label: `grokpipe.lock (key ${entry.key.slice(0, 12)})`, components: rec.components };
    if (manifest && manifest.key === entry.key) return { label: `grokpipe.lock (key ${entry.key.slice(0, 12)})`, components: manifest.components };
  }
  if (manifest) return { label: `artifacts/${p.instance.name}/manifest.json (key ${manifest.key.slice(0, 12)})`, components: manifest.components };
  return null;
}

export function assessAll(prepared: Prepared, instances: Instance[], ctx: { lock: LockFile; store: ObjectStore; cache: FileHashCache; why: boolean; force?: boolean }): Assessment[] {
  const { plan } = prepared;
  const byName = new Map<string, Assessment>();
  const out: Assessment[] = [];
  for (const inst of instances) {
    const p = prepared.byName.get(inst.name)!;
    const manifest = readManifest(plan.root, inst.name);
    const waitingOn = inst.deps.flatMap((d) => d.instances).filter((u) => {
      const a = byName.get(u);
      return !a || a.state === 'stale' || a.state === 'waiting';
    });
    const a: Assessment = { instance: inst.name, state: 'stale', key: null, components: null, outputs: null, reasons: [], changes: [], baseline: null };
    let inputs: Record<string, string> | null = null;
    if (waitingOn.length) {
      a.state = 'waiting';
      a.reasons.push(`waits for ${waitingOn.length === 1 ? waitingOn[0] : `${waitingOn[0]} and ${waitingOn.length - 1} more`} to run; its key depends on their outputs`);
    } else {
      const r = inputsComponent(inst, (u) => byName.get(u)!.outputs!);
      if (typeof r === 'string') {
        a.reasons.push(r);
      } else {
        inputs = r;
        const components: KeyComponents = { ...p.fixed, inputs };
        a.components = components;
        a.key = keyOf(components);
        if (ctx.force) {
          a.reasons.push('--force');
        } else if (manifestIsTrusted(plan.root, manifest, a.key, ctx.cache, { record: ctx.store.readRecord(a.key), locked: lockedWithKey(ctx.lock, inst.name, a.key) })) {
          a.state = 'up-to-date';
          a.outputs = manifest!.outputs;
        } else {
          const rec = ctx.store.readRecord(a.key);
          if (rec) {
            a.state = 'restorable';
            a.outputs = rec.outputs;
            a.reasons.push(manifest && manifest.key === a.key ? 'its folder was modified or is incomplete; the store has its outputs' : 'the store has outputs for its key (an earlier build); restores without running');
          } else if (manifest && manifest.key === a.key) {
            a.reasons.push('its folder was modified (or its manifest is vouched for by neither a run record nor grokpipe.lock) and the store has no copy');
          }
        }
      }
    }
    if (a.state !== 'up-to-date') {
      const locked = ctx.lock.profiles[plan.profile]?.[inst.name];
      const base = ctx.why ? baselineFor(p, plan.profile, ctx.lock, ctx.store, manifest) : null;
      if (base) {
        a.baseline = base.label;
        a.changes = diffComponents(base.components, inputs ? { ...p.fixed, inputs } : p.fixed);
      }
      if (a.state === 'stale' && a.reasons.length === 0) {
        if (manifest) a.reasons.push('its key changed');
        else if (locked && a.key === locked.key) a.reasons.push('grokpipe.lock has this key, but there is no local copy of its outputs (a fresh clone?)');
        else if (locked) a.reasons.push(`its key differs from grokpipe.lock (key ${locked.key.slice(0, 12)})${ctx.why && !base ? ', and no local run record holds the old components' : ''}`);
        else a.reasons.push(`never built under profile ${plan.profile}`);
      }
    }
    byName.set(inst.name, a);
    out.push(a);
  }
  return out;
}

export { ABSENT };
