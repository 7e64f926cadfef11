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

/** git's answer, or why it gave none (its first line of stderr: a folder that is not a repository, or one it refuses). */
function git(root: string, args: string[]): { out: string } | { refused: string } {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status === 0) return { out: r.stdout };
  return { refused: r.error ? `git could not run (${r.error.message})` : (r.stderr ?? '').trim().split('\n')[0] || `git exited with code ${r.status}` };
}

function workingText(root: string): string | null {
  try {
    return readFileSync(join(root, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
}

export function committedLock(root: string): CommittedLock {
  const inside = git(root, ['rev-parse', '--is-inside-work-tree']);
  if (!('out' in inside) || inside.out.trim() !== 'true') {
    // Not a checkout, or one git refuses to read (a folder owned by another user: "dubious ownership"); say which.
    const why = 'refused' in inside && !/not a git repository/i.test(inside.refused) ? `git cannot read this checkout (${inside.refused})` : 'not a git checkout';
    return { lock: readLock(root), source: 'working file', note: `${why}: comparing with ${LOCK_FILE} as it is in the folder` };
  }
  const shown = git(root, ['show', `HEAD:./${LOCK_FILE}`]);
  const committed = 'out' in shown ? shown.out : null;
  if (committed === null) {
    return { lock: readLock(root), source: 'working file', note: `${LOCK_FILE} is not committed (HEAD has none): comparing with the working file, which a run may have written; commit it to make it the evidence` };
  }
  const lock = parseLock(committed);
  const same = workingText(root) === committed;
  return { lock, source: 'HEAD', note: same ? null : `${LOCK_FILE} differs from the one committed in HEAD: comparing with HEAD's, the evidence (commit the working file to verify against it)` };
}
