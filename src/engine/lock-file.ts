/**
 * grokpipe.lock (committed): canonical, indented JSON with one section per profile,
 * instance -> { key, outputs: { file: sha256 } }. It is what a clean checkout must rebuild to, and
 * what `verify --lock` checks. Written atomically, and only with instances that succeeded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { GrokpipeError } from './errors.ts';
import { writeFileAtomic } from './fs-atomic.ts';

export const LOCK_FILE = 'grokpipe.lock';

export interface LockEntry {
  key: string;
  outputs: Record<string, string>;
}

export interface LockFile {
  format: 1;
  profiles: Record<string, Record<string, LockEntry>>;
}

export function readLock(root: string): LockFile {
  let text: string;
  try {
    text = readFileSync(join(root, LOCK_FILE), 'utf8');
  } catch {
    return { format: 1, profiles: {} };
  }
  try {
    const data = JSON.parse(text) as LockFile;
    if (data.format !== 1 || typeof data.profiles !== 'object' || data.profiles === null) throw new Error('expected { "format": 1, "profiles": {...} }');
    return data;
  } catch (e) {
    throw new GrokpipeError({
      title: `${LOCK_FILE} is malformed`,
      file: LOCK_FILE,
      expected: 'canonical JSON written by grokpipe: { "format": 1, "profiles": { <profile>: { <instance>: { key, outputs } } } }',
      found: (e as Error).message,
      hint: `restore it from git (git checkout ${LOCK_FILE}) or delete it and run repro`,
    });
  }
}

export function lockText(lock: LockFile): string {
  return canonicalJsonPretty(lock);
}

export function writeLock(root: string, lock: LockFile): void {
  writeFileAtomic(join(root, LOCK_FILE), lockText(lock));
}
