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
import { canonicalJsonPretty } from '../../core/canonical-json.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { listFiles, uniqueSuffix, writeFileAtomic } from '../fs-atomic.ts';
import type { KeyComponents } from '../keys/instance-key.ts';
import { isSha256, unsafeInstanceNameReason, unsafeOutputsReason } from '../../core/safe-names.ts';

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
  /**
   * The Node.js version, platform and architecture of the engine that ran the stage (recorded; only Node's
   * major version is keyed: docs/pipeline.md, "The runtime"); absent for a folder restored from the store.
   */
  runtime?: Runtime;
}

export interface Runtime {
  node: string;
  platform: string;
  arch: string;
}

/** This process's runtime, as a manifest records it. */
export function currentRuntime(): Runtime {
  return { node: process.version, platform: process.platform, arch: process.arch };
}

export function instanceDir(root: string, instance: string): string {
  return join(root, ARTIFACTS_DIR, instance);
}

/**
 * The manifest of artifacts/<instance>/, or null when there is none or it is not one grokpipe could have
 * written for this folder (another instance's, a malformed key, an unsafe output name or hash): such a
 * folder is treated as absent and rebuilt or restored, and none of its names reaches a path.
 */
export function readManifest(root: string, instance: string): Manifest | null {
  if (unsafeInstanceNameReason(instance) !== null) return null;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(join(instanceDir(root, instance), MANIFEST), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (m === null || typeof m !== 'object' || m.instance !== instance || !isSha256(m.key) || unsafeOutputsReason(m.outputs) !== null) return null;
  return m;
}

/**
 * Whether the outputs a manifest lists may be taken as the outputs of `key` without restoring them: the
 * manifest is for that key and the folder holds exactly those files, AND its outputs are the ones the
 * store's run record for the key lists (or, with no record, e.g. in a fresh clone, the ones the lock
 * records for the key). A manifest whose hashes were edited together with the files matches neither, so
 * the folder is restored or rebuilt instead of being copied into the lock.
 */
export function manifestIsTrusted(root: string, manifest: Manifest | null, key: string, cache: FileHashCache, vouchers: { record: { outputs: Record<string, string> } | null; locked: { key: string; outputs: Record<string, string> } | undefined }): boolean {
  if (!manifest || manifest.key !== key) return false;
  const reference = vouchers.record?.outputs ?? (vouchers.locked?.key === key ? vouchers.locked.outputs : undefined);
  if (!reference || !sameOutputs(reference, manifest.outputs)) return false;
  return isIntact(root, manifest.instance, manifest.outputs, cache);
}

/** The files on which two output lists disagree, sorted. */
export function differingFiles(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => a[f] !== b[f]).sort();
}

/** True when both list the same files with the same hashes. */
export function sameOutputs(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && b[k] === a[k]);
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
  const recorded = manifest.how === 'ran' && !manifest.runtime ? { ...manifest, runtime: currentRuntime() } : manifest;
  writeFileAtomic(join(staged, MANIFEST), canonicalJsonPretty(recorded));
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
