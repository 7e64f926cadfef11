/**
 * The one decision of the engine: from an instance's upstream outputs, its key; from the key, whether its
 * folder is up to date, whether the store can restore it, or whether it must run; and why. repro acts on
 * it, status reports it, verify --lock takes the key from it. Written once, so that what status predicts
 * is what repro does.
 *
 * The committed lock is evidence and outranks every store: a run record or a manifest whose outputs
 * differ from the lock's entry for the same key is not trusted, and the instance is rebuilt and compared
 * with the lock (a disagreement then is nondeterminism or a tampered lock, never an update).
 */
import { differingFiles, manifestIsTrusted, readManifest, sameOutputs } from '../store/artifacts.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { inputKey, keyOf, type KeyComponents } from '../keys/instance-key.ts';
import type { LockEntry, LockFile } from '../store/lock-file.ts';
import type { ObjectStore, RunRecord } from '../store/object-store.ts';
import type { Instance } from '../pipeline/plan.ts';
import type { PreparedInstance } from '../keys/prepare.ts';

export interface DecideContext {
  root: string;
  /** The profile whose lock section names the instance. */
  profile: string;
  lock: LockFile;
  store: ObjectStore;
  cache: FileHashCache;
  /** Run whatever the folder and the store hold (repro --force, verify --lock). */
  force?: boolean;
}

interface Keyed {
  key: string;
  components: KeyComponents;
  /** The lock's entry for this instance and this key (the evidence its outputs must match), if any. */
  evidence: LockEntry | undefined;
}

export type Decision =
  | { action: 'invalid'; reason: string }
  | (Keyed & { action: 'up-to-date'; outputs: Record<string, string> })
  | (Keyed & { action: 'restorable'; record: RunRecord; reason: string })
  | (Keyed & {
      action: 'run';
      reason: string;
      /** The store's record for the key, set aside because grokpipe.lock says otherwise (its files). */
      distrusted?: string[];
      /** The reason says the key differs from the lock's (status --why adds what it measured against). */
      keyDiffersFromLock?: boolean;
    });

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

/**
 * The lock's entry for `instance` under `key`: the profile's own entry first, else any profile's (profiles
 * may share an instance's key).
 */
export function lockEvidence(lock: LockFile, profile: string, instance: string, key: string): LockEntry | undefined {
  const own = lock.profiles[profile]?.[instance];
  if (own && own.key === key) return own;
  for (const section of Object.values(lock.profiles)) {
    const e = section[instance];
    if (e && e.key === key) return e;
  }
  return undefined;
}

export function decide(p: PreparedInstance, outputsOf: (name: string) => Record<string, string>, ctx: DecideContext): Decision {
  const name = p.instance.name;
  const inputs = inputsComponent(p.instance, outputsOf);
  if (typeof inputs === 'string') return { action: 'invalid', reason: inputs };
  const components: KeyComponents = { ...p.fixed, inputs };
  const key = keyOf(components);
  const evidence = lockEvidence(ctx.lock, ctx.profile, name, key);
  const keyed: Keyed = { key, components, evidence };
  if (ctx.force) return { ...keyed, action: 'run', reason: '--force' };

  const record = ctx.store.readRecord(key);
  const recordAgrees = record !== null && (!evidence || sameOutputs(record.outputs, evidence.outputs));
  const manifest = readManifest(ctx.root, name);
  if (manifestIsTrusted(ctx.root, manifest, key, ctx.cache, { record: recordAgrees ? record : null, locked: evidence })) {
    return { ...keyed, action: 'up-to-date', outputs: manifest!.outputs };
  }
  const ownFolder = manifest !== null && manifest.key === key;
  if (recordAgrees) {
    return { ...keyed, action: 'restorable', record: record!, reason: ownFolder ? 'its folder was modified or is incomplete; the store has its outputs' : 'the store has outputs for its key (an earlier build); restores without running' };
  }
  if (record) {
    const files = differingFiles(record.outputs, evidence!.outputs);
    return { ...keyed, action: 'run', distrusted: files, reason: `the store's run record for its key disagrees with grokpipe.lock on ${files.join(', ')}; the committed lock outranks the store, so it is rebuilt and compared with the lock` };
  }
  if (ownFolder) return { ...keyed, action: 'run', reason: 'its folder was modified (or its manifest is vouched for by neither a run record nor grokpipe.lock) and the store has no copy' };
  const locked = ctx.lock.profiles[ctx.profile]?.[name];
  if (manifest) return { ...keyed, action: 'run', reason: 'its key changed' };
  if (locked && key === locked.key) return { ...keyed, action: 'run', reason: 'grokpipe.lock has this key, but there is no local copy of its outputs (a fresh clone?)' };
  if (locked) return { ...keyed, action: 'run', keyDiffersFromLock: true, reason: `its key differs from grokpipe.lock (key ${locked.key.slice(0, 12)})` };
  return { ...keyed, action: 'run', reason: `never built under profile ${ctx.profile}` };
}
