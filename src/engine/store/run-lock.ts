/**
 * One repro at a time per repository: .grokpipe/run.lock holds the pid (and the start time) of the
 * process running. A second repro refuses with the pid, or waits (--wait), saying so, and an abort
 * signal (Ctrl-C, SIGTERM) ends the wait.
 *
 * The lock is created complete or not at all (written to a temporary file, then hard-linked into place),
 * so a lock grokpipe wrote is always readable. A lock is stale, and taken over with a warning, when its
 * pid no longer exists, when that pid now belongs to a process that started later (a reused pid), or
 * when its content is not a lock at all (empty or garbage, as a full disk or a crash can leave it) and
 * has stayed so for a moment.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GrokpipeError } from '../errors.ts';
import { processAlive } from './run-tmp.ts';
import { DOT, dotGrokpipeDir } from '../dot-grokpipe.ts';

export const RUN_LOCK = DOT.runLock;

/** An unreadable lock older than this (by its mtime, or by how long we have watched it) is stale. */
const UNREADABLE_STALE_MS = 1500;
const POLL_MS = 100;

export interface RunLock {
  release(): void;
}

export interface RunLockOptions {
  wait?: boolean;
  command?: string;
  /** Called once when this process starts waiting for a live holder. */
  onWait?: (pid: number) => void;
  /** Called when a stale lock is taken over, with a sentence saying why it was stale. */
  onStale?: (why: string) => void;
  /** Ends the wait (Ctrl-C, SIGTERM): the promise rejects with an "interrupted" error. */
  signal?: AbortSignal;
}

interface Holder {
  pid: number;
  command?: string;
  /** The holder's start time in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  start?: number;
}

/** A process's start time in clock ticks since boot, or undefined where /proc is not available. */
function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (!h || typeof h !== 'object' || !Number.isSafeInteger(h.pid) || (h.pid as number) <= 0) return null;
    return h as Holder;
  } catch {
    return null;
  }
}

function describeContent(text: string): string {
  if (text.length === 0) return 'an empty file';
  if (/^\0+$/.test(text)) return `${text.length} zero bytes`;
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return `${text.length} bytes that are not a run lock (${shown})`;
}

export async function acquireRunLock(root: string, options: RunLockOptions = {}): Promise<RunLock> {
  const dir = dotGrokpipeDir(root);
  mkdirSync(dir, { recursive: true });
  const path = join(root, RUN_LOCK);
  const mine: Holder = { pid: process.pid, command: options.command ?? 'grokpipe', start: startTicks(process.pid) };
  let announced = false;
  let unreadableSince: { ino: number; at: number } | null = null;
  for (;;) {
    if (options.signal?.aborted) {
      throw new GrokpipeError({
        title: 'interrupted while waiting for the run lock; nothing was done',
        file: RUN_LOCK,
        expected: 'the other grokpipe to finish',
        found: 'Ctrl-C or SIGTERM',
      }, 130);
    }
    const tmp = `${path}.${process.pid}.tmp`;
    // The file system's own clock now (the mtime of the claim just written), to age the lock's mtime by:
    // the same clock on a shared or remote disk, and no wall clock in the engine's decisions
    let diskNow = -Infinity; // unknown until the claim is written: then only the observed time ages the lock
    try {
      writeFileSync(tmp, JSON.stringify(mine));
      diskNow = statSync(tmp).mtimeMs;
      linkSync(tmp, path);
      rmSync(tmp, { force: true });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }

    let text: string;
    let ino: number;
    let mtimeMs: number;
    try {
      const st = statSync(path);
      ino = st.ino;
      mtimeMs = st.mtimeMs;
      text = readFileSync(path, 'latin1');
    } catch {
      continue; // Released between our link and our read: try again.
    }
    const holder = parseHolder(text);
    const takeOver = (why: string) => {
      // Remove only the file we judged (a new holder's lock has another inode).
      try {
        if (statSync(path).ino === ino) rmSync(path, { force: true });
      } catch {
        // Already gone.
      }
      options.onStale?.(why);
    };

    if (!holder) {
      // How long this process has seen it unreadable: a monotonic clock, which a clock change cannot move
      const seen = performance.now();
      if (!unreadableSince || unreadableSince.ino !== ino) unreadableSince = { ino, at: seen };
      if (diskNow - mtimeMs > UNREADABLE_STALE_MS || seen - unreadableSince.at > UNREADABLE_STALE_MS) {
        takeOver(`removed a stale ${RUN_LOCK}: it held ${describeContent(text)}, as a crash or a full disk can leave it`);
        unreadableSince = null;
        continue;
      }
      await pause(options.signal);
      continue;
    }
    unreadableSince = null;
    if (holder.pid !== process.pid) {
      if (!processAlive(holder.pid)) {
        takeOver(`removed a stale ${RUN_LOCK} of pid ${holder.pid} (${holder.command ?? 'grokpipe'}), which no longer exists`);
        continue;
      }
      const now = startTicks(holder.pid);
      if (holder.start !== undefined && now !== undefined && now !== holder.start) {
        takeOver(`removed a stale ${RUN_LOCK} of pid ${holder.pid}: that pid now belongs to another process`);
        continue;
      }
    }
    if (!options.wait) {
      throw new GrokpipeError({
        title: `another grokpipe is running in this repository (pid ${holder.pid}: ${holder.command ?? 'grokpipe'})`,
        file: RUN_LOCK,
        expected: 'no other repro, gc or verify running in this repository',
        found: `pid ${holder.pid} holds ${RUN_LOCK}`,
        hint: `wait for it to finish, or pass --wait to queue behind it; if pid ${holder.pid} is not grokpipe, delete ${RUN_LOCK}`,
      });
    }
    if (!announced) {
      announced = true;
      options.onWait?.(holder.pid);
    }
    await pause(options.signal);
  }
}

/** Sleeps one poll interval, or less when `signal` aborts. */
async function pause(signal?: AbortSignal): Promise<void> {
  try {
    await sleep(POLL_MS, undefined, signal ? { signal } : undefined);
  } catch {
    // Aborted: the loop reports it.
  }
}
