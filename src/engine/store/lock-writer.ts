/**
 * The lock as a run writes it: entries are recorded as instances succeed, and written out at most every
 * two seconds (and once at the end), so that a build of thousands of small instances does not rewrite
 * the file thousands of times, while an interrupted build still keeps most of what it did.
 *
 * Frozen (repro --frozen, for CI, as npm ci and cargo --locked): the committed lock is the expected
 * result, so any change the run would make to it (a new entry, a changed key, a removed entry) is refused
 * before the instance runs, and the file is never written.
 */
import { GrokpipeError } from '../errors.ts';
import { LOCK_FILE, writeLock, type LockEntry, type LockFile } from './lock-file.ts';

const FLUSH_EVERY_MS = 2000;

export class LockWriter {
  private readonly section: Record<string, LockEntry>;
  private dirty = false;
  private lastWrite = performance.now();

  /** `records` false: a run that is not the profile's (--set): nothing is recorded, nothing written. */
  constructor(private readonly root: string, private readonly lock: LockFile, private readonly profile: string, private readonly records: boolean, private readonly frozen = false) {
    // Without a prototype: an instance named `constructor` is looked up as itself (lock-file.ts).
    this.section = lock.profiles[profile] ??= Object.create(null) as (typeof lock.profiles)[string];
  }

  /**
   * Frozen: why recording `name` under `key` would change the lock (it has no entry for it, or another
   * key), or null when it would not. Always null when not frozen or not recording.
   */
  refusal(name: string, key: string): string | null {
    if (!this.frozen || !this.records) return null;
    const old = this.section[name];
    if (old && old.key === key) return null;
    const change = old ? `its key is now ${key.slice(0, 12)}, grokpipe.lock has ${old.key.slice(0, 12)}` : `grokpipe.lock has no entry for it in profile ${this.profile}`;
    return `--frozen: ${change}, and the lock may not change. Run grokpipe repro without --frozen, review the change to grokpipe.lock (grokpipe status --why says what changed) and commit it`;
  }

  /** Frozen: refuses a build of the whole profile whose lock section names instances the profile no longer has. */
  refuseDrops(names: Set<string>): void {
    const dropped = this.frozen && this.records ? Object.keys(this.section).filter((n) => !names.has(n)) : [];
    if (!dropped.length) return;
    throw new GrokpipeError({
      title: `repro --frozen: grokpipe.lock lists ${dropped.length} instance${dropped.length === 1 ? '' : 's'} that profile ${this.profile} no longer has, and the lock may not change`,
      file: LOCK_FILE,
      expected: `the instances of profile ${this.profile} in pipeline.yaml`,
      found: `${dropped.slice(0, 6).join(', ')}${dropped.length > 6 ? `, and ${dropped.length - 6} more` : ''}`,
      hint: 'run grokpipe repro without --frozen, review the change to grokpipe.lock and commit it',
    });
  }

  record(name: string, key: string, outputs: Record<string, string>): void {
    if (!this.records || this.frozen) return;
    const old = this.section[name];
    if (old && old.key === key && JSON.stringify(old.outputs) === JSON.stringify(outputs)) return;
    this.section[name] = { key, outputs };
    this.dirty = true;
    this.flush(false);
  }

  /** Drops the entries of instances the profile no longer has (only after a build of the whole profile). */
  dropAllBut(names: Set<string>): void {
    if (!this.records || this.frozen) return;
    for (const n of Object.keys(this.section)) if (!names.has(n)) (delete this.section[n], (this.dirty = true));
  }

  /** Writes the lock if it changed, and (unless `now`) if the last write is two seconds old. */
  flush(now: boolean): void {
    if (!this.dirty || this.frozen) return;
    if (!now && performance.now() - this.lastWrite < FLUSH_EVERY_MS) return;
    writeLock(this.root, this.lock);
    this.dirty = false;
    this.lastWrite = performance.now();
  }
}
