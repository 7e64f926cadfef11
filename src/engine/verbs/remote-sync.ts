/**
 * push and pull: the committed lock's instances of a profile (or the targets among them), between the
 * local store and the remote one. Both go by the lock: push sends the records of the keys the lock names
 * (refusing a local record whose outputs are not the lock's), pull fetches them (refusing a remote record
 * whose outputs are not the lock's, or whose objects do not hash to their names). Both are resumable:
 * what is already there (a local record, or on the server a record HEAD finds) is skipped.
 *
 * pull fills the store only; `grokpipe repro` then restores from it ("ran 0").
 */
import { FolderStore } from '../store/object-store.ts';
import { HttpStore } from '../store/http-store.ts';
import type { LockEntry } from '../store/lock-file.ts';
import { committedLock } from '../store/committed-lock.ts';
import { fetchRecord, sendRecord, transferLimit } from '../store/remote-transfer.ts';
import type { RemoteSettings } from '../store/remote-settings.ts';
import { buildPlan, selectTargets } from '../pipeline/plan.ts';
import { loadProject } from '../pipeline/project.ts';
import { TransferProgress } from '../ui/transfer-progress.ts';
import type { Output } from '../ui/progress.ts';
import { GrokpipeError } from '../errors.ts';

export interface SyncOptions {
  profile?: string;
  targets?: string[];
  /** Transfers at once. */
  jobs?: number;
  /** Where the progress line goes (stderr). */
  progress?: Output;
  signal?: AbortSignal;
}

export interface SyncItem {
  instance: string;
  key: string;
  status: 'fetched' | 'sent' | 'present' | 'absent' | 'refused';
  reason?: string;
}

export interface SyncResult {
  profile: string;
  remote: string;
  items: SyncItem[];
  files: number;
  bytes: number;
}

export const DEFAULT_TRANSFER_JOBS = 8;

/** The lock's entries of the profile for the selected instances, in plan order. */
function lockedInstances(root: string, options: SyncOptions): { profile: string; entries: Array<{ instance: string; entry: LockEntry }> } {
  const plan = buildPlan(loadProject(root), { profile: options.profile });
  const selected = selectTargets(plan, options.targets ?? []);
  // The committed lock is the evidence: a record counts only if its outputs are the ones committed.
  const section = committedLock(root).lock.profiles[plan.profile] ?? {};
  const entries = selected.filter((i) => section[i.name]).map((i) => ({ instance: i.name, entry: section[i.name]! }));
  if (entries.length === 0) {
    throw new GrokpipeError({
      title: `grokpipe.lock has no ${options.targets?.length ? 'entries for these targets' : 'instances'} in profile ${plan.profile}`,
      file: 'grokpipe.lock',
      expected: 'the committed lock of a build: push and pull move what it names',
      found: 'no entries',
      hint: `run grokpipe repro --profile ${plan.profile} (and commit grokpipe.lock) first`,
    });
  }
  return { profile: plan.profile, entries };
}

async function sync(root: string, settings: RemoteSettings, options: SyncOptions, verb: 'push' | 'pull'): Promise<SyncResult> {
  const { profile, entries } = lockedInstances(root, options);
  const local = new FolderStore(root);
  const remote = new HttpStore(settings);
  const limit = transferLimit(options.jobs ?? DEFAULT_TRANSFER_JOBS);
  const progress = options.progress ? new TransferProgress(options.progress, verb, entries.length) : null;
  const items: SyncItem[] = new Array(entries.length);
  let files = 0;
  let bytes = 0;
  let failure: { e: unknown } | null = null;
  const onFile = (n: number) => progress?.file(n);
  await Promise.all(
    entries.map(async ({ instance, entry }, i) => {
      if (failure || options.signal?.aborted) return;
      try {
        if (verb === 'pull') {
          const have = local.readRecord(entry.key);
          if (have && Object.values(entry.outputs).every((sha) => local.hasObject(sha))) {
            items[i] = { instance, key: entry.key, status: 'present' };
          } else {
            const r = await fetchRecord(remote, local, entry.key, instance, entry.outputs, { limit, onFile });
            items[i] = r.status === 'fetched' ? { instance, key: entry.key, status: 'fetched' } : r.status === 'absent' ? { instance, key: entry.key, status: 'absent' } : { instance, key: entry.key, status: 'refused', reason: r.reason };
            if (r.status === 'fetched') (files += r.files), (bytes += r.bytes);
          }
        } else {
          const r = await sendRecord(remote, local, entry.key, instance, entry.outputs, { limit, onFile });
          items[i] = r.status === 'refused' ? { instance, key: entry.key, status: 'refused', reason: r.reason } : { instance, key: entry.key, status: r.status };
          if (r.status === 'sent') (files += r.files), (bytes += r.bytes);
        }
        progress?.instance();
      } catch (e) {
        failure ??= { e };
      }
    }),
  );
  progress?.end();
  if (failure) throw (failure as { e: unknown }).e;
  return { profile, remote: remote.where, items: items.filter(Boolean), files, bytes };
}

export function push(root: string, settings: RemoteSettings, options: SyncOptions = {}): Promise<SyncResult> {
  return sync(root, settings, options, 'push');
}

export function pull(root: string, settings: RemoteSettings, options: SyncOptions = {}): Promise<SyncResult> {
  return sync(root, settings, options, 'pull');
}
