/**
 * Moving run records and their objects between the local folder store and a remote store, trusting
 * nothing that arrives:
 *   fetchRecord  the remote's record for a key and every object it names: each object is received beside
 *                the store, hashed, and adopted only if its bytes hash to its name; the record is written
 *                last, and only when all its objects are verified and (when the committed lock has an
 *                entry for the key) its outputs are the lock's, since the committed lock outranks every
 *                store. Nothing unverified is ever stored locally.
 *   sendRecord   the objects first (each re-hashed before it leaves, skipping what HEAD says the server
 *                has), the record last, so a record on the server never names an object it lacks and a
 *                push cut short is resumed by running it again.
 * A local machine fault (a full disk) is thrown as it is; a failed request is a RemoteError.
 */
import { rmSync, statSync } from 'node:fs';
import { sha256OfFile } from '../sha256.ts';
import { differingFiles, sameOutputs } from './artifacts.ts';
import { RemoteError } from './http-store.ts';
import type { FolderStore } from './object-store.ts';
import type { RunRecord, Store } from './store.ts';

export type FetchResult =
  | { status: 'fetched'; record: RunRecord; files: number; bytes: number }
  | { status: 'absent' }
  | { status: 'refused'; reason: string };

export type SendResult = { status: 'sent'; files: number; bytes: number } | { status: 'present' } | { status: 'refused'; reason: string };

/** At most `n` transfers at once, shared by every record of a command. */
export function transferLimit(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let free = Math.max(1, n);
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((wake) => waiting.push(wake));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

export interface TransferOptions {
  limit: <T>(work: () => Promise<T>) => Promise<T>;
  /** Called after each object moved, with its size. */
  onFile?: (bytes: number) => void;
}

/**
 * Fetches the record for `key` (of `instance`, for messages) and its objects into `local`. `locked` is the
 * committed lock's outputs for this key, when it has an entry for it.
 */
export async function fetchRecord(remote: Store, local: FolderStore, key: string, instance: string, locked: Record<string, string> | undefined, options: TransferOptions): Promise<FetchResult> {
  const record = await options.limit(() => remote.getRecord(key));
  if (!record) return { status: 'absent' };
  if (locked && !sameOutputs(record.outputs, locked)) {
    const differing = differingFiles(locked, record.outputs);
    return {
      status: 'refused',
      reason: `the remote's record for ${instance} (key ${key.slice(0, 12)}) gives outputs that differ from grokpipe.lock's entry for the same key (${differing.slice(0, 3).join(', ')}${differing.length > 3 ? ', …' : ''}); the committed lock outranks every store, so it was not restored`,
    };
  }
  let files = 0;
  let bytes = 0;
  const wanted = [...new Map(Object.entries(record.outputs).map(([f, sha]) => [sha, f])).entries()];
  const problems: string[] = [];
  await Promise.all(
    wanted.map(([sha, file]) =>
      options.limit(async () => {
        if (problems.length || local.hasObject(sha)) return;
        const tmp = local.tempFileFor(sha);
        try {
          let found: string;
          try {
            found = await remote.getObject(sha, tmp);
          } catch (e) {
            if (e instanceof RemoteError && e.status === 404) {
              problems.push(`the remote's record for ${instance} names an object the server does not have (${file}: ${sha}); the record was not restored`);
              return;
            }
            throw e;
          }
          if (found !== sha) {
            problems.push(`object ${sha.slice(0, 12)}… (${file} of ${instance}) is corrupt on the remote ${remote.where}: expected sha256 ${sha}, received ${found}; it was not stored, and the record was not restored`);
            return;
          }
          const size = statSync(tmp).size;
          local.adoptVerified(tmp, sha);
          files++;
          bytes += size;
          options.onFile?.(size);
        } finally {
          rmSync(tmp, { force: true });
        }
      }),
    ),
  );
  if (problems.length) return { status: 'refused', reason: problems[0] };
  local.writeRecord(record);
  return { status: 'fetched', record, files, bytes };
}

/** Sends the local record for `key` and its objects to `remote`. */
export async function sendRecord(remote: Store, local: FolderStore, key: string, instance: string, locked: Record<string, string> | undefined, options: TransferOptions): Promise<SendResult> {
  const record = local.readRecord(key);
  if (!record) return { status: 'refused', reason: `the local store has no record for ${instance} (key ${key.slice(0, 12)}): run grokpipe repro first` };
  if (locked && !sameOutputs(record.outputs, locked)) return { status: 'refused', reason: `the local record for ${instance} gives outputs that differ from grokpipe.lock's entry for the same key; not sent` };
  if (await options.limit(() => remote.recordExists(key))) return { status: 'present' };
  let files = 0;
  let bytes = 0;
  const problems: string[] = [];
  const shas = [...new Map(Object.entries(record.outputs).map(([f, sha]) => [sha, f])).entries()];
  await Promise.all(
    shas.map(([sha, file]) =>
      options.limit(async () => {
        if (problems.length) return;
        if (await remote.objectExists(sha)) return;
        let path: string;
        try {
          path = local.objectPath(sha);
          // Never send what does not hash to its name: a corrupt local object would poison every reader.
          if (sha256OfFile(path) !== sha) {
            problems.push(`the local store's object for ${file} of ${instance} does not hash to its name ${sha.slice(0, 12)}…; not sent (run grokpipe repro to rebuild it)`);
            return;
          }
        } catch {
          problems.push(`the local store lacks the object for ${file} of ${instance} (${sha.slice(0, 12)}…); not sent (run grokpipe repro to rebuild it)`);
          return;
        }
        await remote.putObject(sha, path);
        const size = statSync(path).size;
        files++;
        bytes += size;
        options.onFile?.(size);
      }),
    ),
  );
  if (problems.length) return { status: 'refused', reason: problems[0] };
  await options.limit(() => remote.putRecord(record));
  return { status: 'sent', files, bytes };
}
