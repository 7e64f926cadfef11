/**
 * verify --lock: rebuild what grokpipe.lock lists for a profile, in a scratch folder, and compare
 * every output hash with the lock. Inputs come from the store (verified) or, failing that, from an
 * intact artifacts folder holding exactly the locked outputs. The store's objects and artifacts/ are
 * never written. Sampling (--sample N) is deterministic: the N instances whose names hash lowest. The lock
 * compared with is the committed one (store/committed-lock.ts): in a git checkout, grokpipe.lock as of HEAD.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { differingFiles, instanceDir, isIntact, MANIFEST } from '../store/artifacts.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { listFiles, uniqueSuffix } from '../fs-atomic.ts';
import { GrokpipeError } from '../errors.ts';
import type { Instance } from '../pipeline/plan.ts';
import { silentReporter, type Reporter } from '../ui/reporter.ts';
import { acquireRunLock } from '../store/run-lock.ts';
import { createExecutor, DEFAULT_EXECUTOR, type ExecutorName } from '../run/executors.ts';
import { Pool } from '../run/pool.ts';
import { runOneInstance } from '../run/run-instance.ts';
import { collectOutputs } from '../run/stage-io.ts';
import { sha256 } from '../sha256.ts';
import { keyAgainstLock } from './lock-keys.ts';
import { executorSettings, openWorkspace, type OpenOptions, type Workspace } from './workspace.ts';
import { committedLock, type CommittedLock } from '../store/committed-lock.ts';
import { verifyScratchDir } from '../dot-grokpipe.ts';
import type { LockEntry, LockFile } from '../store/lock-file.ts';
import type { Executor } from '../run/executor.ts';

export interface LockCheck {
  instance: string;
  status: 'PASS' | 'FAIL';
  note?: string;
  /** Files whose rebuilt hash differs from the lock ("(absent)" for a missing or extra file). */
  diffs: Array<{ file: string; locked: string; rebuilt: string }>;
  ms?: number;
}

export interface VerifyLockOptions extends OpenOptions {
  /** Instances to rebuild (names); default every locked instance of the profile. */
  instances?: string[];
  sample?: number;
  jobs?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
  /** Where instances are rebuilt (run/executors.ts); local child processes when absent. */
  executor?: ExecutorName;
}

/**
 * The artifacts on disk against the lock: every locked instance whose folder exists must hold exactly the
 * locked outputs. A folder edited by hand (or by a stage that is not deterministic, or a stale checkout)
 * fails here, naming the files; a folder that does not exist yet is not checked (the rebuild covers it).
 */
export function checkArtifactsAgainstLock(root: string, section: Record<string, { outputs: Record<string, string> }>, names: readonly string[], cache: FileHashCache): LockCheck[] {
  const checks: LockCheck[] = [];
  for (const name of names) {
    const dir = instanceDir(root, name);
    if (!existsSync(dir)) continue;
    const locked = section[name]!.outputs;
    const { files } = listFiles(dir);
    const present = files.filter((f) => f !== MANIFEST);
    const all = [...new Set([...Object.keys(locked), ...present])].sort();
    const diffs: LockCheck['diffs'] = [];
    for (const file of all) {
      let found = '(absent)';
      if (present.includes(file)) {
        try {
          found = cache.hash(join(dir, file));
        } catch {
          found = '(unreadable)';
        }
      }
      const want = locked[file] ?? '(absent)';
      if (found !== want) diffs.push({ file, locked: want, rebuilt: found });
    }
    checks.push(
      diffs.length
        ? { instance: name, status: 'FAIL', note: `artifacts/${name} differs from the lock in ${diffs.length} file${diffs.length === 1 ? '' : 's'}; run grokpipe repro to restore it`, diffs }
        : { instance: name, status: 'PASS', diffs },
    );
  }
  return checks;
}

/** The locked instances to rebuild: those named, a deterministic sample (the names that hash lowest), or all. */
function chooseInstances(profile: string, byName: Map<string, Instance>, section: Record<string, unknown>, locked: Instance[], options: VerifyLockOptions): Instance[] {
  if (options.instances?.length) {
    return options.instances.map((n) => {
      const inst = byName.get(n);
      if (!inst || !section[n]) throw new GrokpipeError({ title: `\`${n}\` is not in grokpipe.lock for profile ${profile}`, expected: `one of: ${locked.slice(0, 6).map((i) => i.name).join(', ')}${locked.length > 6 ? ', …' : ''}`, found: `\`${n}\`` });
      return inst;
    });
  }
  if (options.sample !== undefined) {
    const picked = new Set([...locked].sort((a, b) => (sha256(a.name) < sha256(b.name) ? -1 : 1)).slice(0, options.sample).map((i) => i.name));
    return locked.filter((i) => picked.has(i.name));
  }
  return locked;
}

export interface VerifyLockResult {
  profile: string;
  checks: LockCheck[];
  artifacts: LockCheck[];
  /** Which grokpipe.lock was the evidence (store/committed-lock.ts), and what to know about it. */
  against: { source: CommittedLock['source']; note: string | null };
}

export async function verifyLock(root: string, options: VerifyLockOptions = {}): Promise<VerifyLockResult> {
  const ws = await openWorkspace(root, { profile: options.profile, set: options.set });
  const { plan } = ws;
  // The evidence is the committed lock, never one a run since the last commit wrote.
  const committed = committedLock(root);
  const section = committed.lock.profiles[plan.profile] ?? (Object.create(null) as (typeof committed.lock.profiles)[string]);
  const locked = plan.instances.filter((i) => section[i.name]);
  if (locked.length === 0) {
    throw new GrokpipeError({ title: `grokpipe.lock has no instances for profile ${plan.profile}${committed.source === 'HEAD' ? ' (as committed in HEAD)' : ''}`, file: 'grokpipe.lock', expected: `a lock written by grokpipe repro --profile ${plan.profile}`, found: 'no entries', hint: `run grokpipe repro --profile ${plan.profile} and commit grokpipe.lock` });
  }
  const chosen = chooseInstances(plan.profile, plan.byName, section, locked, options);
  const reporter = options.reporter ?? silentReporter;
  const runLock = await acquireRunLock(root, { command: 'grokpipe verify --lock', signal: options.signal, onStale: (why) => reporter.warn(why) });
  const scratch = verifyScratchDir(root, uniqueSuffix());
  mkdirSync(scratch, { recursive: true });
  try {
    const jobs = Math.max(1, options.jobs ?? 1);
    const executor = await createExecutor(options.executor ?? DEFAULT_EXECUTOR, executorSettings(ws, jobs, (m) => reporter.warn(m)));
    let checks: LockCheck[];
    try {
      reporter.begin({ profile: plan.profile, total: chosen.length, jobs: executor.slots, executor: executor.name });
      const rebuild = new Rebuild(ws, committed.lock, section, executor, reporter, scratch, options.signal ?? new AbortController().signal);
      const pool = new Pool(executor.slots);
      checks = await Promise.all(
        chosen.map(async (inst, i) => {
          const release = await pool.acquire(i);
          try {
            return await rebuild.check(inst);
          } finally {
            release();
          }
        }),
      );
    } finally {
      await executor.close();
    }
    const artifacts = checkArtifactsAgainstLock(root, section, locked.map((i) => i.name), ws.cache);
    return { profile: plan.profile, checks, artifacts, against: { source: committed.source, note: committed.note } };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    runLock.release();
    ws.cache.save();
  }
}

/** Rebuilding locked instances in a scratch folder, each from the locked outputs of its upstream. */
class Rebuild {
  private readonly inputDirs = new Map<string, string>();
  constructor(
    private readonly ws: Workspace,
    private readonly lock: LockFile,
    private readonly section: Record<string, LockEntry>,
    private readonly executor: Executor,
    private readonly reporter: Reporter,
    private readonly scratch: string,
    private readonly signal: AbortSignal,
  ) {}

  /** A folder holding the locked outputs of `u`: restored from the store (verified), else its intact artifacts folder. */
  private materialize(u: string): string | null {
    const hit = this.inputDirs.get(u);
    if (hit) return hit;
    const { root, store, cache } = this.ws;
    const outs = this.section[u]!.outputs;
    const dir = mkdtempSync(join(this.scratch, 'in-'));
    if (store.restoreInto(outs, dir).ok) {
      this.inputDirs.set(u, dir);
      return dir;
    }
    rmSync(dir, { recursive: true, force: true });
    if (!isIntact(root, u, outs, cache)) return null;
    this.inputDirs.set(u, instanceDir(root, u));
    return instanceDir(root, u);
  }

  async check(inst: Instance): Promise<LockCheck> {
    const { root, prepared } = this.ws;
    const name = inst.name;
    const entry = this.section[name]!;
    const p = prepared.byName.get(name)!;
    const missingUp = inst.deps.flatMap((d) => d.instances).find((u) => !this.section[u]);
    if (missingUp) return { instance: name, status: 'FAIL', note: `its upstream ${missingUp} is not in the lock`, diffs: [] };
    // verify --lock always rebuilds: the key comes from the lock's upstream outputs (lock-keys.ts).
    const k = keyAgainstLock(this.ws, inst, this.section, this.lock);
    if ('invalid' in k) return { instance: name, status: 'FAIL', note: k.invalid, diffs: [] };
    if (k.drift) {
      const { changes } = k.drift;
      return { instance: name, status: 'FAIL', note: `the lock is out of date for ${name}: its key is now ${k.key.slice(0, 12)}, the lock has ${entry.key.slice(0, 12)}${changes.length ? ` (${changes.slice(0, 3).join('; ')})` : ''}; run grokpipe repro first`, diffs: [] };
    }
    const dirs = new Map<string, string>();
    for (const u of inst.deps.flatMap((dep) => dep.instances)) {
      const dir = this.materialize(u);
      if (!dir) return { instance: name, status: 'FAIL', note: `cannot get the locked outputs of ${u}: neither the store nor artifacts/${u} holds them (run grokpipe repro)`, diffs: [] };
      dirs.set(u, dir);
    }
    const outDir = mkdtempSync(join(this.scratch, 'out-'));
    const { result, ms } = await runOneInstance({ root, executor: this.executor, prepared, p, outDir, scratch: this.scratch, reporter: this.reporter, signal: this.signal, logFile: null, inputDir: (u) => dirs.get(u)!, inputOutputs: (u) => this.section[u]!.outputs });
    if (!result.ok) {
      const c: LockCheck = { instance: name, status: 'FAIL', note: `the rebuild failed: ${result.reason}`, diffs: [], ms };
      this.reporter.finish(name, { status: 'failed', ms, reason: c.note });
      return c;
    }
    const got = collectOutputs(outDir, p);
    rmSync(outDir, { recursive: true, force: true });
    if (typeof got === 'string') return { instance: name, status: 'FAIL', note: got, diffs: [], ms };
    const diffs = differingFiles(entry.outputs, got).map((f) => ({ file: f, locked: entry.outputs[f] ?? '(absent)', rebuilt: got[f] ?? '(absent)' }));
    const c: LockCheck = { instance: name, status: diffs.length ? 'FAIL' : 'PASS', diffs, ms, note: diffs.length ? `${diffs.length} output${diffs.length === 1 ? ' differs' : 's differ'} from the lock` : undefined };
    this.reporter.finish(name, diffs.length ? { status: 'failed', ms, reason: c.note } : { status: 'ran', ms });
    return c;
  }
}
