/**
 * What a stage can see of an upstream instance: a fresh folder holding exactly the files its
 * dependency declares (all outputs, or the `files:` subset), copied there for this run. The key holds
 * the hashes of those files and nothing else, so handing a stage the upstream's own folder (as
 * InputRef.dir and a cmd's ${deps.x} did) let it read undeclared outputs and manifest.json, which
 * are not in its key: a stale result waiting to happen. Keying everything readable instead would make
 * every `files:` subset meaningless (any change upstream would rerun every reader).
 *
 * Copies, not links: a hard link shares the artifact's inode, so a stage writing to its input (or a
 * chmod making it read-only) would change artifacts/. The copies are read-only (mode 0444) to say
 * "input"; the folders stay writable so that removing the view never fails. Reflinks are used where
 * the filesystem has them (COPYFILE_FICLONE), so large inputs cost no data copy there.
 */
import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function materializeView(base: string, source: string, files: string[]): string {
  const view = mkdtempSync(join(base, 'in-'));
  for (const f of files) {
    const from = join(source, f);
    // A declared file the upstream lacks has already failed the instance (its inputs cannot be keyed).
    if (!existsSync(from)) continue;
    const to = join(view, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
    chmodSync(to, 0o444);
  }
  return view;
}

/** Removes the views of one run; best effort (whatever a stage did to them, .grokpipe/tmp is wiped later). */
export function removeViews(base: string): void {
  try {
    rmSync(base, { recursive: true, force: true });
  } catch {
    // A stage made part of its view unremovable; the next repro's cleanup of .grokpipe/tmp retries.
  }
}
