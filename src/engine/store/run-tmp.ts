/**
 * The scratch folder of one grokpipe process: .grokpipe/tmp/<pid>/. Stage output folders and restores
 * are staged there. A process removes only its own folder, and at start the folders of processes that
 * no longer exist, never the whole of .grokpipe/tmp: a still-running stage of another process (an
 * orphan of a killed grokpipe finishing its last write, a `verify --lock` next door) keeps its folder.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DOT } from '../dot-grokpipe.ts';

export const TMP_DIR = DOT.tmp;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates this process's scratch folder (emptied) after removing those of dead processes. */
export function openRunTmp(root: string): { dir: string; remove(): void } {
  const base = join(root, TMP_DIR);
  mkdirSync(base, { recursive: true });
  for (const name of readdirSync(base)) {
    const pid = /^[0-9]+$/.test(name) ? Number(name) : null;
    // Our own pid's folder is a leftover of an earlier call in this process (tests, the API).
    if (pid !== null && pid !== process.pid && processAlive(pid)) continue;
    // Also anything else: the flat layout of earlier versions (run-*, restore-*) belongs to no one.
    rmSync(join(base, name), { recursive: true, force: true });
  }
  const dir = join(base, String(process.pid));
  mkdirSync(dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
