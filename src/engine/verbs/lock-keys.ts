/**
 * The keys the lock implies. Every locked instance's key is computed from its upstream instances' outputs
 * as the lock records them, and compared with the key the lock holds: no stage runs, nothing is read but
 * the code, the params and the lock. A difference means the code, a param, a package or the compute
 * identity moved a key since the lock was written, and a rebuild would change grokpipe.lock.
 *
 * Why: on a fresh clone status can compare only the instances that have no upstream (the others wait for
 * their inputs), so a key that moved deep in the graph (a comment edited in a file one late stage imports)
 * went unseen until a rebuild of hours reached it. repro --frozen checks this before anything runs.
 */
import type { LockEntry, LockFile } from '../store/lock-file.ts';
import type { KeyComponents } from '../keys/instance-key.ts';
import type { Instance } from '../pipeline/plan.ts';
import { diffComponents } from '../keys/component-diff.ts';
import { GrokpipeError } from '../errors.ts';
import { LOCK_FILE } from '../store/lock-file.ts';
import { decide } from './decide.ts';
import type { Workspace } from './workspace.ts';

export interface KeyDrift {
  instance: string;
  /** The key grokpipe.lock holds. */
  locked: string;
  /** The key the code gives with the lock's upstream outputs. */
  now: string;
  /** What changed, component by component, where a run record of the locked key says what it was built from. */
  changes: string[];
}

export interface LockKeys {
  /** Instances whose key differs from the lock's. */
  drift: KeyDrift[];
  /** Selected instances the lock has no entry for (a rebuild would add them). */
  unlocked: string[];
  /** Instances whose key was computed and compared. */
  checked: number;
}

/**
 * One locked instance's key from its upstream instances' locked outputs, beside the lock's: the key and
 * components (for a rebuild), and the drift when they differ. `lock` is the lock `section` belongs to.
 */
export function keyAgainstLock(ws: Workspace, inst: Instance, section: Record<string, LockEntry>, lock: LockFile = ws.lock): { invalid: string } | { key: string; components: KeyComponents; drift: KeyDrift | null } {
  const entry = section[inst.name]!;
  const p = ws.prepared.byName.get(inst.name)!;
  // force: the decision gives the key and stops there, reading neither the folder nor the store.
  const d = decide(p, (u) => section[u]!.outputs, { root: ws.root, profile: ws.plan.profile, lock, store: ws.store, cache: ws.cache, force: true });
  if (d.action === 'invalid') return { invalid: d.reason };
  if (d.key === entry.key) return { key: d.key, components: d.components, drift: null };
  const rec = ws.store.readRecord(entry.key);
  const changes = rec ? diffComponents(rec.components, d.components).map((c) => `${c.component} ${c.what}: ${c.old} -> ${c.new}`) : [];
  return { key: d.key, components: d.components, drift: { instance: inst.name, locked: entry.key, now: d.key, changes } };
}

export function lockKeys(ws: Workspace, instances: Instance[], section: Record<string, LockEntry>): LockKeys {
  const drift: KeyDrift[] = [];
  const unlocked: string[] = [];
  let checked = 0;
  for (const inst of instances) {
    const entry = section[inst.name];
    if (!entry) {
      unlocked.push(inst.name);
      continue;
    }
    // An upstream the lock lacks leaves this key unknown; the upstream itself is reported as unlocked.
    if (inst.deps.some((d) => d.instances.some((u) => !section[u]))) continue;
    const k = keyAgainstLock(ws, inst, section);
    if ('invalid' in k) continue;
    checked++;
    if (k.drift) drift.push(k.drift);
  }
  return { drift, unlocked, checked };
}

/**
 * repro --frozen, before anything runs: every selected instance must be in the lock under the key the code
 * gives it now. Refused with the instances and what moved their keys, so that CI fails in seconds, not
 * after the hours a rebuild takes to reach the first instance whose key moved.
 */
export function refuseLockChanges(ws: Workspace): void {
  const section = ws.lock.profiles[ws.plan.profile] ?? {};
  const { drift, unlocked } = lockKeys(ws, ws.selected, section);
  if (!drift.length && !unlocked.length) return;
  const lines = [
    ...drift.map((d) => `${d.instance}: the lock has key ${d.locked.slice(0, 12)}, the code now gives ${d.now.slice(0, 12)}${d.changes.length ? ` (${d.changes.slice(0, 2).join('; ')})` : ''}`),
    ...unlocked.map((n) => `${n}: not in the lock`),
  ];
  const count = drift.length + unlocked.length;
  throw new GrokpipeError({
    title: `repro --frozen: ${count} instance${count === 1 ? '' : 's'} of profile ${ws.plan.profile} would change grokpipe.lock, and the lock may not change`,
    file: LOCK_FILE,
    expected: 'every instance in grokpipe.lock under the key its code, params and upstream outputs give it now',
    found: `${lines.slice(0, 8).join('\n')}${lines.length > 8 ? `\n…and ${lines.length - 8} more` : ''}`,
    hint: 'a key moves when code, params, packages or the compute identity change. Rebuild with grokpipe repro (without --frozen), review the change to grokpipe.lock (grokpipe status --why names what moved) and commit it',
  });
}
