/**
 * verify --remote: the audit of a published study, in minutes instead of the hours of a rebuild.
 *   1. restored: every instance of the profile's committed lock is pulled from the remote store (each
 *      object hashed, each record's outputs equal to the lock's: remote-sync.ts) and restored into
 *      artifacts/ by a frozen repro that may restore but finds nothing to run;
 *   2. rebuilt: N instances chosen at random (the seed printed, so an audit can be repeated; one stage after
 *      another, so that the sample covers different stages; none whose recorded run time exceeds the
 *      budget) are rebuilt in a scratch folder and compared byte for byte with the lock (verify --lock);
 *   3. claims: every claim of claims.yaml is checked against the restored artifacts.
 * It passes only if all three hold.
 */
import { randomBytes } from 'node:crypto';
import { FileHashCache } from '../hashing/file-hash-cache.ts';
import { buildPlan, type Instance } from '../pipeline/plan.ts';
import { loadProject } from '../pipeline/project.ts';
import { committedLock } from '../store/committed-lock.ts';
import { FolderStore } from '../store/object-store.ts';
import type { RemoteSettings } from '../store/remote-settings.ts';
import { seededRandom } from '../run/seeded-random.ts';
import { isGrokpipeError } from '../errors.ts';
import { sha256 } from '../sha256.ts';
import type { Output } from '../ui/progress.ts';
import { silentReporter, type Reporter } from '../ui/reporter.ts';
import { claimsExitCode, evaluateClaims, loadClaims, type ClaimResult } from './claims.ts';
import { pull, type SyncResult } from './remote-sync.ts';
import { repro } from './repro.ts';
import { verifyLock, type LockCheck } from './verify-lock.ts';

export interface AuditOptions {
  profile?: string;
  sample: number;
  /** Any text; a new one (8 hex digits) when absent. */
  seed?: string;
  /** Instances whose recorded run time is longer are left out of the sample. */
  budgetMs?: number;
  jobs?: number;
  /** The transfer progress line (stderr). */
  progress?: Output;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export interface AuditResult {
  profile: string;
  remote: string;
  seed: string;
  pulled: SyncResult;
  /** Instances of the lock now in artifacts/ with the lock's outputs, of `locked`. */
  restored: number;
  locked: number;
  /** Why the restore is incomplete, when it is. */
  restoreProblems: string[];
  chosen: string[];
  /** The stages the sample covers. */
  stages: string[];
  /** Instances the budget left out, with their recorded run time. */
  tooLong: Array<{ instance: string; ms: number }>;
  checks: LockCheck[];
  claims: ClaimResult[];
  claimsOk: boolean;
  ok: boolean;
}

/**
 * The sample: stages in a seeded order, then instances of each stage in a seeded order, taken one stage
 * at a time round the stages until N are taken, so that N >= the number of stages covers every stage.
 */
export function chooseSample(locked: readonly Instance[], n: number, seed: string, durationOf: (name: string) => number | undefined, budgetMs?: number): { chosen: string[]; tooLong: Array<{ instance: string; ms: number }> } {
  const rng = seededRandom(sha256(`grokpipe audit sample ${seed}`));
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  const tooLong: Array<{ instance: string; ms: number }> = [];
  const byStage = new Map<string, string[]>();
  for (const inst of locked) {
    const ms = durationOf(inst.name);
    if (budgetMs !== undefined && ms !== undefined && ms > budgetMs) {
      tooLong.push({ instance: inst.name, ms });
      continue;
    }
    byStage.set(inst.stage, [...(byStage.get(inst.stage) ?? []), inst.name]);
  }
  const queues = shuffle([...byStage.keys()].sort()).map((s) => shuffle([...byStage.get(s)!]));
  const chosen: string[] = [];
  while (chosen.length < n && queues.some((q) => q.length)) {
    for (const q of queues) if (q.length && chosen.length < n) chosen.push(q.shift()!);
  }
  return { chosen, tooLong };
}

export async function audit(root: string, settings: RemoteSettings, options: AuditOptions): Promise<AuditResult> {
  const reporter = options.reporter ?? silentReporter;
  const seed = options.seed ?? randomBytes(4).toString('hex');
  const plan = buildPlan(loadProject(root), { profile: options.profile });
  const lock = committedLock(root).lock;
  const section = lock.profiles[plan.profile] ?? {};
  const locked = plan.instances.filter((i) => section[i.name]);

  // 1. Everything the lock names, from the remote, verified; then into artifacts/ without running anything.
  const pulled = await pull(root, settings, { profile: plan.profile, jobs: options.jobs, progress: options.progress, signal: options.signal });
  const restoreProblems = pulled.items.filter((i) => i.status === 'refused' || i.status === 'absent').map((i) => `${i.instance}: ${i.status === 'absent' ? 'not on the remote' : i.reason}`);
  // With a record refused, nothing goes into artifacts/ (its downstream would have to run): the count is
  // then of the instances whose records and objects arrived verified.
  let restored = pulled.items.filter((i) => i.status === 'fetched' || i.status === 'present').length;
  if (restoreProblems.length === 0) {
    restored = 0;
    // A frozen repro refuses, before anything runs, an instance whose key is not the lock's (lock-keys.ts):
    // with every record pulled, what is left to it is restoring.
    try {
      const r = await repro(root, { profile: plan.profile, frozen: true, reporter, signal: options.signal });
      restored = r.summary.restored + r.summary.upToDate;
      if (r.exitCode !== 0) restoreProblems.push(`restoring into artifacts/ failed: ${r.summary.failed} failed, ${r.summary.skipped} skipped`);
    } catch (e) {
      if (!isGrokpipeError(e)) throw e;
      restoreProblems.push(`${e.details.title}:`, ...(e.details.found ?? '').split('\n').filter(Boolean));
    }
  }

  // 2. A random sample rebuilt and compared with the lock.
  const store = new FolderStore(root);
  const durationOf = (name: string) => store.readRecord(section[name]!.key)?.durationMs;
  const { chosen, tooLong } = chooseSample(locked, options.sample, seed, durationOf, options.budgetMs);
  const checks = chosen.length ? (await verifyLock(root, { profile: plan.profile, instances: chosen, jobs: options.jobs, reporter: options.reporter, signal: options.signal })).checks : [];

  // 3. Every claim, against the restored artifacts.
  const cache = new FileHashCache(root);
  const claims = evaluateClaims(root, plan, lock, cache, loadClaims(root));
  cache.save();
  const claimsOk = claimsExitCode(claims) === 0;
  const ok = restoreProblems.length === 0 && restored === locked.length && chosen.length >= Math.min(options.sample, locked.length) && checks.every((c) => c.status === 'PASS') && claimsOk;
  const stages = [...new Set(chosen.map((c) => plan.byName.get(c)!.stage))];
  return { profile: plan.profile, remote: settings.where, seed, pulled, restored, locked: locked.length, restoreProblems, chosen, stages, tooLong, checks, claims, claimsOk, ok };
}
