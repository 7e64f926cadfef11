/**
 * File hashes cached by (size, mtime, ctime, inode) in .grokpipe/cache/files.json, so that a no-op
 * repro stats files instead of reading them. Import lists of source files are cached alongside, by
 * content hash.
 *
 * Racy-clean protection (as in git): a file changed within the same timestamp tick as it was hashed
 * would keep its stat signature. At start we read the filesystem's own clock (the mtime of a probe
 * file we touch) and never persist an entry whose ctime is not strictly older than that, so such
 * entries are re-hashed next time. No wall clock is involved.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type BigIntStats } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ScannedImport } from './import-scan.ts';
import { sha256OfFile } from '../sha256.ts';
import { hashCacheDir } from '../dot-grokpipe.ts';

/** 2: imports became lexed ScannedImport records (kind, specifier, position) instead of strings. */
const FORMAT = 2;

interface Entry {
  /** size:mtimeNs:ctimeNs:ino */
  sig: string;
  sha: string;
  imports?: ScannedImport[];
}

/** What a non-regular file is, in words, for messages. */
export function fileKind(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function notRegular(abs: string, st: BigIntStats): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${abs} is ${fileKind(st)}, not a regular file`);
  e.code = st.isDirectory() ? 'EISDIR' : 'ENOTREG';
  e.path = abs;
  return e;
}

export class FileHashCache {
  readonly root: string;
  private readonly file: string;
  private entries = new Map<string, Entry>();
  private dirty = false;
  private readonly clockNs: bigint;
  /** Hashes computed (files read) in this process, for benchmarks and tests. */
  hashedCount = 0;
  /** The cache folder, for other caches that live beside this one; null when not persistent. */
  readonly folder: { dir: string; writable: boolean } | null = null;

  /**
   * `persistent: false`: neither read nor written. `readOnly`: read, never written (a dry run writes
   * nothing). Otherwise read and written, best-effort: on a read-only checkout or a full disk the cache
   * is only read, since it is only a cache.
   */
  constructor(root: string, options: { persistent?: boolean; readOnly?: boolean } = {}) {
    this.root = root;
    const dir = hashCacheDir(root);
    this.file = join(dir, 'files.json');
    if (options.persistent === false) {
      this.clockNs = 0n;
      return;
    }
    let clock = 0n;
    if (!options.readOnly) {
      try {
        mkdirSync(dir, { recursive: true });
        const probe = join(dir, 'clock');
        writeFileSync(probe, '');
        clock = statSync(probe, { bigint: true }).mtimeNs;
      } catch {
        // Not writable (read-only checkout, full disk): use the cache read-only.
      }
    }
    // clockNs 0 means "never save".
    this.clockNs = clock;
    this.folder = { dir, writable: clock !== 0n };
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { format: number; entries: Record<string, Entry> };
      if (data.format === FORMAT) this.entries = new Map(Object.entries(data.entries));
    } catch {
      // No cache yet, or an unreadable one: start empty; it is only a cache.
    }
  }

  private abs(p: string): string {
    return isAbsolute(p) ? p : join(this.root, p);
  }

  private lookup(p: string): { entry: Entry; st: BigIntStats } {
    const abs = this.abs(p);
    const st = statSync(abs, { bigint: true });
    // Read only regular files: a FIFO, a socket or a device (/dev/zero) would block the read or never end.
    if (!st.isFile()) throw notRegular(abs, st);
    const sig = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
    const old = this.entries.get(abs);
    if (old && old.sig === sig) return { entry: old, st };
    const entry: Entry = { sig, sha: sha256OfFile(abs) };
    this.hashedCount++;
    if (old && old.sha === entry.sha && old.imports) entry.imports = old.imports;
    this.entries.set(abs, entry);
    this.dirty = true;
    return { entry, st };
  }

  /** SHA-256 of the file's bytes (path absolute or relative to the root). Throws if it does not exist. */
  hash(p: string): string {
    return this.lookup(p).entry.sha;
  }

  /** Cached import list for a source file, computed by `scan` on a miss. */
  imports(p: string, scan: (text: string) => ScannedImport[]): { sha: string; imports: ScannedImport[] } {
    const { entry } = this.lookup(p);
    if (!entry.imports) {
      entry.imports = scan(readFileSync(this.abs(p), 'utf8'));
      this.dirty = true;
    }
    return { sha: entry.sha, imports: entry.imports };
  }

  /** Drop an entry (after the engine rewrote the file). */
  forget(p: string): void {
    if (this.entries.delete(this.abs(p))) this.dirty = true;
  }

  save(): void {
    if (!this.dirty || this.clockNs === 0n) return;
    const keep: Record<string, Entry> = {};
    for (const [k, e] of this.entries) {
      const ctime = BigInt(e.sig.split(':')[2]!);
      if (ctime < this.clockNs) keep[k] = e;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: keep }));
      renameSync(tmp, this.file);
    } catch {
      // Best-effort: a cache that cannot be saved (full disk, read-only) costs re-hashing next time, no more.
      rmSync(tmp, { force: true });
    }
    this.dirty = false;
  }
}
