/**
 * Everything a verb needs, loaded and validated before anything is written: project, plan for the
 * profile, selected instances, prepared key components, file-hash cache, store and lock file.
 */
import { FileHashCache } from '../hashing/file-hash-cache.ts';
import { readLock, type LockFile } from '../store/lock-file.ts';
import { ObjectStore } from '../store/object-store.ts';
import { buildPlan, selectTargets, type Instance, type Plan } from '../pipeline/plan.ts';
import { prepare, type Prepared } from '../keys/prepare.ts';
import { loadProject, type Project } from '../pipeline/project.ts';
import type { ExecutorSettings } from '../run/executors.ts';

export interface OpenOptions {
  profile?: string;
  /** `vars.name=value` overrides. */
  set?: string[];
  /** Selectors or names; empty = every instance. */
  targets?: string[];
  /**
   * false: do not use the persistent stat cache of file hashes (every file is read and hashed). For
   * benchmarks (the naive peer) and for suspicion of a filesystem with unreliable timestamps.
   */
  hashCache?: boolean;
  /** Write nothing at all, not even the hash cache (repro --dry-run). */
  readOnly?: boolean;
}

export interface Workspace {
  root: string;
  project: Project;
  plan: Plan;
  selected: Instance[];
  prepared: Prepared;
  cache: FileHashCache;
  store: ObjectStore;
  lock: LockFile;
}

export async function openWorkspace(root: string, options: OpenOptions = {}): Promise<Workspace> {
  const project = loadProject(root);
  const plan = buildPlan(project, { profile: options.profile, set: options.set });
  const selected = selectTargets(plan, options.targets ?? []);
  const lock = readLock(root);
  const cache = new FileHashCache(root, { persistent: options.hashCache !== false, readOnly: options.readOnly });
  const prepared = await prepare(plan, selected, cache);
  return { root, project, plan, selected, prepared, cache, store: new ObjectStore(root), lock };
}

/** What an executor is built from, out of this workspace: the repository, pipeline.yaml and each stage's timeout. */
export function executorSettings(ws: Workspace, slots: number, warn: (message: string) => void): ExecutorSettings {
  return { root: ws.root, slots, project: ws.project, timeoutMsOf: (stage) => ws.plan.stages.get(stage)?.timeoutMs, warn };
}
