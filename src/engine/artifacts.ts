/**
 * artifacts/<instance>/: the materialised outputs of one instance, readable by people, plus
 * manifest.json (output hashes, key components, duration, provenance). The folder name is the instance
 * name itself, e.g. artifacts/cell[loss=ce,p=59]/: matrix values are restricted to letters, digits and
 * . _ + - so that names are safe folder names on Linux and macOS.
 *
 * A new folder replaces the old one by two renames (old -> artifacts/.trash/, new -> place). A crash
 * between them leaves the instance folder missing, never half-written; the next repro restores it
 * from the store.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import type { FileHashCache } from './file-hash-cache.ts';
import { listFiles, uniqueSuffix, writeFileAtomic } from './fs-atomic.ts';
import type { KeyComponents } from './instance-key.ts';

export const ARTIFACTS_DIR = 'artifacts';
export const MANIFEST = 'manifest.json';

export interface Manifest {
  format: 1;
  instance: string;
  stage: string;
  key: string;
  outputs: Record<string, string>;
  components: KeyComponents;
  /** Duration of the run that produced the outputs (display only; never hashed). */
  durationMs: number;
  /** The instance whose run produced the outputs, and how this folder got them. */
  producedBy: string;
  how: 'ran' | 'restored';
}

export function instanceDir(root: string, instance: string): string {
  return join(root, ARTIFACTS_DIR, instance);
}

export function readManifest(root: string, instance: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(join(instanceDir(root, instance), MANIFEST), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/**
 * True when the folder holds exactly the manifest's outputs with their hashes (stat-cached), so
 * that a hand-edited or deleted artifact is noticed and restored.
 */
export function isIntact(root: string, instance: string, outputs: Record<string, string>, cache: FileHashCache): boolean {
  const dir = instanceDir(root, instance);
  const { files, special } = listFiles(dir);
  if (special.length) return false;
  const names = files.filter((f) => f !== MANIFEST);
  const expected = Object.keys(outputs);
  if (names.length !== expected.length) return false;
  for (const f of names) {
    const want = outputs[f];
    if (want === undefined) return false;
    try {
      if (cache.hash(join(dir, f)) !== want) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Writes the manifest into `staged` and moves it into place as artifacts/<instance>/. */
export function installInstance(root: string, staged: string, manifest: Manifest): void {
  writeFileAtomic(join(staged, MANIFEST), canonicalJsonPretty(manifest));
  const target = instanceDir(root, manifest.instance);
  const base = join(root, ARTIFACTS_DIR);
  mkdirSync(base, { recursive: true });
  if (existsSync(target)) {
    const trash = join(base, '.trash', `${uniqueSuffix()}`);
    mkdirSync(join(base, '.trash'), { recursive: true });
    renameSync(target, trash);
    renameSync(staged, target);
    rmSync(trash, { recursive: true, force: true });
  } else {
    renameSync(staged, target);
  }
}

/** Removes leftovers of an interrupted install (only call while holding the run lock). */
export function cleanArtifactLeftovers(root: string): void {
  rmSync(join(root, ARTIFACTS_DIR, '.trash'), { recursive: true, force: true });
}
