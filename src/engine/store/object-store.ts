/**
 * The content-addressed store, under .grokpipe/store (ignored by git) unless GROKPIPE_STORE names another
 * folder (storeLocation):
 *   objects/<2 hex>/<62 hex>   the bytes of every output ever produced, named by sha256
 *   keys/<key>.json            run records: outputs by name -> hash, the key's components, duration
 * Objects are written to a temporary file and renamed, so a reader never sees a partial object.
 * Restoring re-hashes every byte read; a mismatch is reported and the instance is rebuilt.
 *
 * Everything read back is checked before it becomes a path: a run record whose key, output names or
 * hashes are malformed (safe-names.ts) is treated as absent, so a planted record cannot make a restore
 * write outside its folder. Objects are stored with mode 0644 whatever mode the stage gave its file
 * (never setuid, setgid, executable or world-writable), the mode a restored file gets too.
 */
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { canonicalJsonPretty } from '../../core/canonical-json.ts';
import { ownStoreDir } from '../dot-grokpipe.ts';
import { uniqueSuffix, writeFileAtomic } from '../fs-atomic.ts';
import { isSha256, unsafeOutputsReason } from '../../core/safe-names.ts';
import { sha256, sha256OfFile } from '../sha256.ts';
import { parseRecord, type RunRecord, type Store } from './store.ts';

export type { RunRecord } from './store.ts';

/** The mode of every stored object and every output file the engine installs. */
export const OUTPUT_FILE_MODE = 0o644;

export interface CorruptObject {
  file: string;
  expected: string;
  found: string;
}

/**
 * Where the store of the repository at `root` is: GROKPIPE_STORE when set (a relative path is taken from
 * the root), so that checkouts, CI runs and cluster jobs can share one store of results (everything in it
 * is named by its content or its key, and written by rename, so sharing is safe); else .grokpipe/store.
 */
export function storeLocation(root: string, env: NodeJS.ProcessEnv = process.env): { dir: string; shared: boolean } {
  const own = ownStoreDir(root);
  const named = env.GROKPIPE_STORE?.trim();
  const dir = named ? resolve(root, named) : own;
  // Compared by real path: .grokpipe/store may itself be a symlink to a store other checkouts use
  // (or .grokpipe, or the path GROKPIPE_STORE names may pass through one), and only a store that is
  // this repository's own folder may be emptied by gc.
  return { dir, shared: realPathOf(dir) !== join(realPathOf(root), '.grokpipe', 'store') };
}

/** `p` or its nearest folder above that exists (a store not made yet is written by making it there). */
function existingAncestor(p: string): string {
  let d = p;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** The real path of `p`, following symlinks as far as they exist (a store not made yet has none). */
function realPathOf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : join(realPathOf(parent), basename(p));
  }
}

/** The store in a folder: .grokpipe/store, or the shared folder GROKPIPE_STORE names. */
export class FolderStore implements Store {
  readonly dir: string;
  /** The store is named by GROKPIPE_STORE and may hold other repositories' results. */
  readonly shared: boolean;
  constructor(readonly root: string) {
    ({ dir: this.dir, shared: this.shared } = storeLocation(root));
  }

  get where(): string {
    return this.dir;
  }

  objectPath(sha: string): string {
    if (!isSha256(sha)) throw new Error(`internal: store object name ${JSON.stringify(sha)} is not a sha256; names read from files must be checked before they reach the store`);
    return join(this.dir, 'objects', sha.slice(0, 2), sha.slice(2));
  }

  recordPath(key: string): string {
    if (!isSha256(key)) throw new Error(`internal: run record name ${JSON.stringify(key)} is not a sha256`);
    return join(this.dir, 'keys', `${key}.json`);
  }

  hasObject(sha: string): boolean {
    return isSha256(sha) && existsSync(this.objectPath(sha));
  }

  /**
   * Copies a file in under its hash. An existing object is overwritten by the fresh copy (same name,
   * atomic rename), which also repairs an object whose bytes had been altered.
   */
  putFile(abs: string, sha: string): void {
    const target = this.objectPath(sha);
    const tmp = `${target}.${uniqueSuffix()}.tmp`;
    try {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(abs, tmp);
      chmodSync(tmp, OUTPUT_FILE_MODE);
      renameSync(tmp, target);
    } catch (e) {
      // A full disk leaves a partial copy: remove it, so that the space it took is free again.
      rmSync(tmp, { force: true });
      throw this.writeFault(e);
    }
  }

  /**
   * A failed write as the store's own fault: the message names the store folder, not the scratch file
   * the write went through, and says read-only when the store is (mkdir reports a read-only mount as
   * ENOENT). An error about reading `source` (the stage's output) is left as it is.
   */
  private writeFault(e: unknown): unknown {
    const err = e as NodeJS.ErrnoException;
    if (!err || typeof err !== 'object' || typeof err.code !== 'string') return e;
    let code: string | null = ['ENOSPC', 'EDQUOT', 'EIO', 'EROFS'].includes(err.code) ? err.code : null;
    try {
      accessSync(existingAncestor(this.dir), constants.W_OK);
    } catch (a) {
      code = (a as NodeJS.ErrnoException).code ?? err.code;
    }
    if (code === null) return e;
    const fault: NodeJS.ErrnoException = new Error(`the store ${this.dir} cannot be written (${code}${code === err.code ? '' : `; the write failed with ${err.code}`})`);
    fault.code = code;
    fault.path = this.dir;
    fault.syscall = 'write';
    return fault;
  }

  /**
   * The run record for `key`, or null when there is none or it cannot be trusted: unreadable, not the
   * record of this key (copied in under another name), or with an output name or hash that is unsafe.
   */
  readRecord(key: string): RunRecord | null {
    if (!isSha256(key)) return null;
    let text: string;
    try {
      text = readFileSync(this.recordPath(key), 'utf8');
    } catch {
      return null;
    }
    return parseRecord(text, key);
  }

  writeRecord(record: RunRecord): void {
    try {
      writeFileAtomic(this.recordPath(record.key), canonicalJsonPretty(record));
    } catch (e) {
      throw this.writeFault(e);
    }
  }

  /**
   * Writes `outputs` into `dir` from the store, verifying each object's bytes against its name.
   * Returns the first missing or corrupt object instead of throwing; the caller rebuilds.
   */
  restoreInto(outputs: Record<string, string>, dir: string): { ok: true } | { ok: false; missing?: string; corrupt?: CorruptObject; unsafe?: string } {
    const unsafe = unsafeOutputsReason(outputs);
    if (unsafe) return { ok: false, unsafe };
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
      chmodSync(target, OUTPUT_FILE_MODE);
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

  /**
   * Moves `file`, whose bytes the caller has hashed to `sha`, into the store under that name (a rename,
   * so a reader never sees a partial object). Used for objects fetched from a remote store, which are
   * received beside the store (tempFileFor) and adopted only once verified.
   */
  adoptVerified(file: string, sha: string): void {
    const target = this.objectPath(sha);
    mkdirSync(dirname(target), { recursive: true });
    chmodSync(file, OUTPUT_FILE_MODE);
    renameSync(file, target);
  }

  /** A temporary path on the store's own filesystem (so that adoptVerified is a rename), not an object name. */
  tempFileFor(sha: string): string {
    const dir = join(this.dir, 'incoming');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${sha}.${uniqueSuffix()}.tmp`);
  }

  async getRecord(key: string): Promise<RunRecord | null> {
    return this.readRecord(key);
  }

  async putRecord(record: RunRecord): Promise<void> {
    this.writeRecord(record);
  }

  async recordExists(key: string): Promise<boolean> {
    return this.readRecord(key) !== null;
  }

  async objectExists(sha: string): Promise<boolean> {
    return this.hasObject(sha);
  }

  async getObject(sha: string, file: string): Promise<string> {
    copyFileSync(this.objectPath(sha), file);
    return sha256OfFile(file);
  }

  async putObject(sha: string, file: string): Promise<void> {
    this.putFile(file, sha);
  }

  listObjects(): string[] {
    const out: string[] = [];
    const base = join(this.dir, 'objects');
    if (!existsSync(base)) return out;
    // only names that are object names: a stray file or folder (or a .tmp left by a crash) is not an object
    for (const a of readdirSync(base, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      if (!a.isDirectory() || !/^[0-9a-f]{2}$/.test(a.name)) continue;
      for (const b of readdirSync(join(base, a.name)).sort()) if (isSha256(a.name + b)) out.push(a.name + b);
    }
    return out;
  }

  listRecords(): string[] {
    const base = join(this.dir, 'keys');
    if (!existsSync(base)) return [];
    return readdirSync(base).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter(isSha256).sort();
  }
}

/** The name other rooms knew the folder store by. */
export const ObjectStore = FolderStore;
export type ObjectStore = FolderStore;
