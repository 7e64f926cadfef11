/**
 * The content-addressed store under .grokpipe/store (ignored by git):
 *   objects/<2 hex>/<62 hex>   the bytes of every output ever produced, named by sha256
 *   keys/<key>.json            run records: outputs by name -> hash, the key's components, duration
 * Objects are written to a temporary file and renamed, so a reader never sees a partial object.
 * Restoring re-hashes every byte read; a mismatch is reported and the instance is rebuilt.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJsonPretty } from '../core/canonical-json.ts';
import { uniqueSuffix, writeFileAtomic } from './fs-atomic.ts';
import type { KeyComponents } from './instance-key.ts';
import { sha256 } from './sha256.ts';

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

export interface CorruptObject {
  file: string;
  expected: string;
  found: string;
}

export class ObjectStore {
  readonly dir: string;
  constructor(readonly root: string) {
    this.dir = join(root, '.grokpipe', 'store');
  }

  objectPath(sha: string): string {
    return join(this.dir, 'objects', sha.slice(0, 2), sha.slice(2));
  }

  recordPath(key: string): string {
    return join(this.dir, 'keys', `${key}.json`);
  }

  hasObject(sha: string): boolean {
    return existsSync(this.objectPath(sha));
  }

  /**
   * Copies a file in under its hash. An existing object is overwritten by the fresh copy (same name,
   * atomic rename), which also repairs an object whose bytes had been altered.
   */
  putFile(abs: string, sha: string): void {
    const target = this.objectPath(sha);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${uniqueSuffix()}.tmp`;
    try {
      copyFileSync(abs, tmp);
      renameSync(tmp, target);
    } catch (e) {
      // A full disk leaves a partial copy: remove it, so that the space it took is free again.
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  readRecord(key: string): RunRecord | null {
    try {
      return JSON.parse(readFileSync(this.recordPath(key), 'utf8')) as RunRecord;
    } catch {
      return null;
    }
  }

  writeRecord(record: RunRecord): void {
    writeFileAtomic(this.recordPath(record.key), canonicalJsonPretty(record));
  }

  /**
   * Writes `outputs` into `dir` from the store, verifying each object's bytes against its name.
   * Returns the first missing or corrupt object instead of throwing; the caller rebuilds.
   */
  restoreInto(outputs: Record<string, string>, dir: string): { ok: true } | { ok: false; missing?: string; corrupt?: CorruptObject } {
    for (const [file, sha] of Object.entries(outputs)) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(this.objectPath(sha));
      } catch {
        return { ok: false, missing: file };
      }
      const found = sha256(bytes);
      if (found !== sha) return { ok: false, corrupt: { file, expected: sha, found } };
      const target = join(dir, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileAtomic(target, bytes);
    }
    return { ok: true };
  }

  /** Moves a corrupt object aside (kept for inspection under store/corrupt/) so it is never used again. */
  quarantine(sha: string): void {
    const from = this.objectPath(sha);
    const to = join(this.dir, 'corrupt', `${sha}.${uniqueSuffix()}`);
    try {
      mkdirSync(dirname(to), { recursive: true });
      renameSync(from, to);
    } catch {
      rmSync(from, { force: true });
    }
  }

  listObjects(): string[] {
    const out: string[] = [];
    const base = join(this.dir, 'objects');
    if (!existsSync(base)) return out;
    for (const a of readdirSync(base).sort()) for (const b of readdirSync(join(base, a)).sort()) if (!b.endsWith('.tmp')) out.push(a + b);
    return out;
  }

  listRecords(): string[] {
    const base = join(this.dir, 'keys');
    if (!existsSync(base)) return [];
    return readdirSync(base).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  }
}
