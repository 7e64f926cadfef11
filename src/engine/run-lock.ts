/**
 * One repro at a time per repository: .grokpipe/run.lock holds the pid of the process running. A lock
 * whose pid is dead is stale and taken over. A second repro refuses with the pid, or waits (--wait).
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GrokpipeError } from './errors.ts';

export interface RunLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireRunLock(root: string, options: { wait?: boolean; command?: string; onWait?: (pid: number) => void } = {}): Promise<RunLock> {
  const dir = join(root, '.grokpipe');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'run.lock');
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, command: options.command ?? 'grokpipe' }));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: number; command?: string } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // Being written right now, or garbage: look again shortly.
    }
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && !alive(holder.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    if (typeof holder.pid === 'number' && !options.wait) {
      throw new GrokpipeError({
        title: `another grokpipe is running in this repository (pid ${holder.pid}: ${holder.command ?? 'grokpipe'})`,
        file: '.grokpipe/run.lock',
        expected: 'no other repro, gc or verify running in this repository',
        found: `pid ${holder.pid} holds .grokpipe/run.lock`,
        hint: `wait for it to finish, or pass --wait to queue behind it; if pid ${holder.pid} is not grokpipe, delete .grokpipe/run.lock`,
      });
    }
    if (typeof holder.pid === 'number' && !announced) {
      announced = true;
      options.onWait?.(holder.pid);
    }
    await sleep(200);
  }
}
