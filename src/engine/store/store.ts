/**
 * A store, wherever it is: run records by key and objects by sha256, the two halves of Bazel's remote
 * cache (the action cache and the content-addressed storage). FolderStore (object-store.ts) is the folder
 * of today, .grokpipe/store or GROKPIPE_STORE; HttpStore (http-store.ts) is a server that answers GET,
 * HEAD and PUT under <url>/ac/<key> and <url>/cas/<sha256>.
 *
 * Nothing read from a store is trusted by this interface: a record is checked for its shape
 * (parseRecord) and an object is handed over as a file with the sha256 of the bytes actually received;
 * the caller (remote-transfer.ts) decides what counts.
 */
import type { KeyComponents } from '../keys/instance-key.ts';
import { isSha256, unsafeOutputsReason } from '../../core/safe-names.ts';

export interface RunRecord {
  format: 1;
  key: string;
  /** The instance whose run produced these outputs (a later instance with the same key restores them). */
  instance: string;
  stage: string;
  components: KeyComponents;
  outputs: Record<string, string>;
  durationMs: number;
}

export interface Store {
  /** Where the store is, for messages: a folder, or a URL without its credentials. */
  readonly where: string;
  /** The record for `key`, or null when there is none (or when what is there is not a record of this key). */
  getRecord(key: string): Promise<RunRecord | null>;
  putRecord(record: RunRecord): Promise<void>;
  recordExists(key: string): Promise<boolean>;
  objectExists(sha: string): Promise<boolean>;
  /**
   * Writes the object's bytes to `file` (a path the caller owns and removes) and returns the sha256 of
   * the bytes written, which the caller compares with `sha` before using them.
   */
  getObject(sha: string, file: string): Promise<string>;
  putObject(sha: string, file: string): Promise<void>;
}

/**
 * The record in `text` if it is one, for `key`: well-formed JSON, the key it is stored under, safe output
 * names and sha256 hashes, components present. Anything else is treated as absent, so a planted or
 * damaged record can never make a restore write outside its folder.
 */
export function parseRecord(text: string, key: string): RunRecord | null {
  let rec: RunRecord;
  try {
    rec = JSON.parse(text) as RunRecord;
  } catch {
    return null;
  }
  if (rec === null || typeof rec !== 'object' || rec.key !== key || !isSha256(key)) return null;
  if (rec.outputs === null || typeof rec.outputs !== 'object' || unsafeOutputsReason(rec.outputs) !== null) return null;
  if (rec.components === null || typeof rec.components !== 'object') return null;
  return rec;
}
