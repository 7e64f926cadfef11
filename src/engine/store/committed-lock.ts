/**
 * The lock as committed: what verify --lock compares a rebuild with. The working grokpipe.lock may have
 * been written by a run since the last commit (a repro that recorded new keys), and a rebuild compared
 * with what the same machine just wrote proves nothing; so in a git checkout the evidence is grokpipe.lock
 * as of HEAD. Outside git, or when the lock was never committed, it is the working file, and the note says
 * so.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, parseLock, readLock, type LockFile } from './lock-file.ts';

export interface CommittedLock {
  lock: LockFile;
  /** Where the lock was read: git's HEAD, or the working file. */
  source: 'HEAD' | 'working file';
  /** What a user should know about that choice, or null when HEAD's lock is the working file's. */
  note: string | null;
}

function git(root: string, args: string[]): string | null {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout : null;
}

function workingText(root: string): string | null {
  try {
    return readFileSync(join(root, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
}

export function committedLock(root: string): CommittedLock {
  if (git(root, ['rev-parse', '--is-inside-work-tree'])?.trim() !== 'true') {
    return { lock: readLock(root), source: 'working file', note: `not a git checkout: comparing with ${LOCK_FILE} as it is in the folder` };
  }
  const committed = git(root, ['show', `HEAD:./${LOCK_FILE}`]);
  if (committed === null) {
    return { lock: readLock(root), source: 'working file', note: `${LOCK_FILE} is not committed (HEAD has none): comparing with the working file, which a run may have written; commit it to make it the evidence` };
  }
  const lock = parseLock(committed);
  const same = workingText(root) === committed;
  return { lock, source: 'HEAD', note: same ? null : `${LOCK_FILE} differs from the one committed in HEAD: comparing with HEAD's, the evidence (commit the working file to verify against it)` };
}
