/**
 * The lock as a run writes it: entries are recorded as instances succeed, and written out at most every
 * two seconds (and once at the end), so that a build of thousands of small instances does not rewrite
 * the file thousands of times, while an interrupted build still keeps most of what it did.
 */
import { writeLock, type LockEntry, type LockFile } from './lock-file.ts';

const FLUSH_EVERY_MS = 2000;

export class LockWriter {
  private readonly section: Record<string, LockEntry>;
  private dirty = false;
  private lastWrite = performance.now();

  /** `records` false: a run that is not the profile's (--set): nothing is recorded, nothing written. */
  constructor(private readonly root: string, private readonly lock: LockFile, profile: string, private readonly records: boolean) {
    this.section = lock.profiles[profile] ??= {};
  }

  record(name: string, key: string, outputs: Record<string, string>): void {
    if (!this.records) return;
    const old = this.section[name];
    if (old && old.key === key && JSON.stringify(old.outputs) === JSON.stringify(outputs)) return;
    this.section[name] = { key, outputs };
    this.dirty = true;
    this.flush(false);
  }

  /** Drops the entries of instances the profile no longer has (only after a build of the whole profile). */
  dropAllBut(names: Set<string>): void {
    if (!this.records) return;
    for (const n of Object.keys(this.section)) if (!names.has(n)) (delete this.section[n], (this.dirty = true));
  }

  /** Writes the lock if it changed, and (unless `now`) if the last write is two seconds old. */
  flush(now: boolean): void {
    if (!this.dirty) return;
    if (!now && performance.now() - this.lastWrite < FLUSH_EVERY_MS) return;
    writeLock(this.root, this.lock);
    this.dirty = false;
    this.lastWrite = performance.now();
  }
}
