/**
 * An instance's results between the store and artifacts/: storing what a run produced (objects by hash,
 * the run record by key, the folder installed), and restoring a key's record into its folder. Both
 * install by rename (artifacts.ts), so a folder is never half-written.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installInstance, type Manifest } from './artifacts.ts';
import { DOT } from '../dot-grokpipe.ts';
import type { KeyComponents } from '../keys/instance-key.ts';
import type { ObjectStore, RunRecord } from './object-store.ts';

/** Which instance a result belongs to. */
export interface ResultOf {
  instance: string;
  stage: string;
  key: string;
  components: KeyComponents;
}

/**
 * Stores the outputs a run wrote into `outDir` and installs that folder as artifacts/<instance>/. A full
 * disk throws (the caller fails the instance); what was stored before stays valid, being named by content.
 */
export function storeRun(root: string, store: ObjectStore, outDir: string, of: ResultOf, outputs: Record<string, string>, durationMs: number): void {
  for (const [file, sha] of Object.entries(outputs)) store.putFile(join(outDir, file), sha);
  const record: RunRecord = { format: 1, key: of.key, instance: of.instance, stage: of.stage, components: of.components, outputs, durationMs };
  store.writeRecord(record);
  const manifest: Manifest = { format: 1, instance: of.instance, stage: of.stage, key: of.key, outputs, components: of.components, durationMs, producedBy: of.instance, how: 'ran' };
  installInstance(root, outDir, manifest);
}

/**
 * Restores `record` (every byte re-hashed) into artifacts/<instance>/, staged in a folder under `scratch`.
 * A missing or corrupt object (set aside, never used again) leaves the folder as it was and returns what
 * went wrong, for the caller to warn about before it rebuilds.
 */
export function restoreRecord(root: string, store: ObjectStore, record: RunRecord, of: ResultOf, scratch: string): { ok: true } | { ok: false; problem: string } {
  const staged = mkdtempSync(join(scratch, 'restore-'));
  const r = store.restoreInto(record.outputs, staged);
  if (!r.ok) {
    rmSync(staged, { recursive: true, force: true });
    if (r.corrupt) {
      store.quarantine(r.corrupt.expected);
      return { ok: false, problem: `store object ${r.corrupt.expected.slice(0, 12)}… (${r.corrupt.file} of ${of.instance}) is corrupt: expected sha256 ${r.corrupt.expected}, found ${r.corrupt.found}; rebuilding` };
    }
    return { ok: false, problem: `store object for ${r.missing} of ${of.instance} is missing; rebuilding` };
  }
  const manifest: Manifest = { format: 1, instance: of.instance, stage: of.stage, key: of.key, outputs: record.outputs, components: of.components, durationMs: record.durationMs, producedBy: record.instance, how: 'restored' };
  installInstance(root, staged, manifest);
  return { ok: true };
}

/**
 * Moves the outputs a run wrote into `outDir` to .grokpipe/diverged/<instance>/ (replacing what an earlier
 * disagreement left there), outside the store and artifacts/, which keep the locked results. Returns the
 * folder, relative to the repository.
 */
export function keepDiverged(root: string, instance: string, outDir: string): string {
  const rel = join(DOT.diverged, instance);
  const target = join(root, rel);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  renameSync(outDir, target);
  return rel;
}
