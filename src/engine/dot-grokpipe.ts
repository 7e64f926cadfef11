/**
 * Every path under .grokpipe/, the repository's own working folder (ignored by git), named once: the
 * hash cache, the store, logs, scratch, the run lock, Slurm's run folders. hashing/, keys/, store/, run/
 * and verbs/ all write there, so the names live on the ground floor.
 */
import { join } from 'node:path';

export const DOT_GROKPIPE = '.grokpipe';

/** Relative to the repository root, for messages and for files the user is told to open. */
export const DOT = {
  store: join(DOT_GROKPIPE, 'store'),
  cache: join(DOT_GROKPIPE, 'cache'),
  modules: join(DOT_GROKPIPE, 'cache', 'modules'),
  logs: join(DOT_GROKPIPE, 'logs'),
  tmp: join(DOT_GROKPIPE, 'tmp'),
  runLock: join(DOT_GROKPIPE, 'run.lock'),
  slurm: join(DOT_GROKPIPE, 'slurm'),
  /** Outputs of runs that disagreed with grokpipe.lock under the same key, kept to compare. */
  diverged: join(DOT_GROKPIPE, 'diverged'),
} as const;

export const dotGrokpipeDir = (root: string): string => join(root, DOT_GROKPIPE);
export const ownStoreDir = (root: string): string => join(root, DOT.store);
export const hashCacheDir = (root: string): string => join(root, DOT.cache);
export const moduleBundleDir = (root: string): string => join(root, DOT.modules);
export const logsDir = (root: string): string => join(root, DOT.logs);
export const slurmRunDir = (root: string, runName: string): string => join(root, DOT.slurm, runName);
/** A scratch folder of verify --lock (removed when it ends). */
export const verifyScratchDir = (root: string, suffix: string): string => join(root, DOT_GROKPIPE, `verify-${suffix}`);
