/**
 * repro reading through to the remote store: before an instance is decided, when the local store has no
 * record for its key and the decision is to run it, the remote is asked for one. What
 * arrives is checked as pull checks it (remote-transfer.ts: objects hashed, outputs equal to the
 * committed lock's for the key) and only then written to the local store, so the decision itself reads
 * the local store alone, as before.
 *
 * A remote that is down or refuses is warned about once, and the build goes on locally without it.
 */
import { FolderStore } from '../store/object-store.ts';
import { HttpStore } from '../store/http-store.ts';
import type { LockFile } from '../store/lock-file.ts';
import { lockEvidence } from './decide.ts';
import { fetchRecord, transferLimit } from '../store/remote-transfer.ts';
import type { RemoteSettings } from '../store/remote-settings.ts';
import { isGrokpipeError } from '../errors.ts';
import type { Reporter } from '../ui/reporter.ts';
import { DEFAULT_TRANSFER_JOBS } from './remote-sync.ts';

/** True when a record for the key was fetched into the local store (decide again). */
export type ReadThrough = (instance: string, key: string) => Promise<boolean>;

export function remoteReadThrough(settings: RemoteSettings, local: FolderStore, lock: () => LockFile, profile: string, reporter: Reporter): ReadThrough {
  const remote = new HttpStore(settings);
  const limit = transferLimit(DEFAULT_TRANSFER_JOBS);
  let down = false;
  return async (instance, key) => {
    if (down || local.readRecord(key)) return false;
    try {
      const r = await fetchRecord(remote, local, key, instance, lockEvidence(lock(), profile, instance, key)?.outputs, { limit });
      if (r.status === 'refused') reporter.warn(`${r.reason}; building it here`);
      return r.status === 'fetched';
    } catch (e) {
      // A full disk is the machine's fault, not the remote's: repro fails the instance as for any other.
      if (!isGrokpipeError(e)) throw e;
      if (down) return false;
      down = true;
      reporter.warn(`the remote store ${remote.where} is not usable (${e.details.title}: ${e.details.found ?? ''}); building locally without it`);
      return false;
    }
  };
}
