/**
 * Where each instance stands, without writing anything: up to date (its folder holds the outputs of its
 * current key), restorable (the store has a run record for the key), stale (it must run), or waiting
 * (an upstream must run first, so its key is not known yet). With `why`, each changed key component
 * against the last recorded build (lock file, then manifest), old beside new.
 */
import { readManifest, type Manifest } from '../store/artifacts.ts';
import { ABSENT, diffComponents, type Change } from '../keys/component-diff.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import type { KeyComponents } from '../keys/instance-key.ts';
import type { LockFile } from '../store/lock-file.ts';
import { decide } from './decide.ts';
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
    const waitingOn = inst.deps.flatMap((d) => d.instances).filter((u) => {
      const a = byName.get(u);
      return !a || a.state === 'stale' || a.state === 'waiting';
    });
    const a: Assessment = { instance: inst.name, state: 'stale', key: null, components: null, outputs: null, reasons: [], changes: [], baseline: null };
    const d = waitingOn.length ? null : decide(p, (u) => byName.get(u)!.outputs!, { root: plan.root, profile: plan.profile, lock: ctx.lock, store: ctx.store, cache: ctx.cache, force: ctx.force });
    if (!d) {
      a.state = 'waiting';
      a.reasons.push(`waits for ${waitingOn.length === 1 ? waitingOn[0] : `${waitingOn[0]} and ${waitingOn.length - 1} more`} to run; its key depends on their outputs`);
    } else if (d.action === 'invalid') {
      a.reasons.push(d.reason);
    } else {
      a.key = d.key;
      a.components = d.components;
      if (d.action === 'up-to-date') (a.state = 'up-to-date'), (a.outputs = d.outputs);
      else if (d.action === 'restorable') (a.state = 'restorable'), (a.outputs = d.record.outputs), a.reasons.push(d.reason);
      else a.reasons.push(d.reason);
    }
    if (a.state !== 'up-to-date' && ctx.why) {
      const base = baselineFor(p, plan.profile, ctx.lock, ctx.store, readManifest(plan.root, inst.name));
      if (base) {
        a.baseline = base.label;
        a.changes = diffComponents(base.components, a.components ?? p.fixed);
      } else if (d?.action === 'run' && d.keyDiffersFromLock) {
        a.reasons[0] += ', and no local run record holds the old components';
      }
    }
    byName.set(inst.name, a);
    out.push(a);
  }
  return out;
}

export { ABSENT };
